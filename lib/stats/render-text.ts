// `npm run stats` in a terminal: the statistics page's tables, without charts, in aligned columns.
// Same words and numbers as the page (render-html.ts), so what the team reads is what the public reads.
import { formatNumber } from "../vocabulary/index.ts";
import {
  FUNNEL_OTHERS,
  FUNNEL_STEPS,
  NBSP,
  STATUS_LABEL,
  formatDay,
  formatDeadline,
  formatMoment,
  formatPeriod,
  formatRatio,
  formatResult,
  formatShare,
  formatThreshold,
  funnelColumns,
  hasCounts,
  sourceLabel,
} from "./render-html.ts";
import type { PlaceStats, ServiceStats, SourceStats, StatsReport } from "./report.ts";

type Align = "left" | "right";

/** Characters as a terminal shows them: « é » written as e + accent is still one column. */
const visibleLength = (text: string): number => [...text.normalize("NFC")].length;

function pad(text: string, width: number, align: Align): string {
  const fill = " ".repeat(Math.max(0, width - visibleLength(text)));
  return align === "right" ? fill + text : text + fill;
}

/** Columns two spaces apart; the first is text (left), the others numbers (right) unless told. */
function table(headers: string[], rows: string[][], align?: Align[]): string[] {
  const aligns = headers.map((_, i) => align?.[i] ?? (i === 0 ? "left" : "right"));
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, i) => pad(cell, widths[i] ?? 0, aligns[i] ?? "left"))
      .join("  ")
      .trimEnd()}`;
  return [line(headers), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)];
}

const heading = (text: string, rule: string): string[] => ["", text, rule.repeat(visibleLength(text))];

export function renderStatsText(report: StatsReport, options: { now?: Date } = {}): string {
  const now = options.now ?? new Date();
  const moment = formatMoment(report.generatedAt);
  const lines = [moment ? `Statistiques, arrêtées le ${moment}` : "Statistiques"];
  if (report.services.length === 0) lines.push("", "Aucun service n'est publié pour l'instant.");
  for (const service of report.services) lines.push(...renderService(service, report, now));
  return `${lines.join("\n")}\n`;
}

function renderService(service: ServiceStats, report: StatsReport, now: Date): string[] {
  const out = ["", service.title, "═".repeat(visibleLength(service.title))];
  const days = service.days.map((d) => d.day).sort();
  const from = days[0] ?? report.from;
  const to = days[days.length - 1] ?? report.to;
  const counted = hasCounts(service);
  if (counted && from && to) out.push(`Chiffres ${formatPeriod(from, to)}.`);

  out.push(...heading("Hypothèses", "─"));
  if (service.hypotheses.length === 0) out.push("Aucune hypothèse n'est posée pour ce service.");
  for (const h of service.hypotheses) {
    const facts = [`Mesure${NBSP}: ${h.metricLabel}`, formatThreshold(h), h.deadline ? formatDeadline(h.deadline, now) : ""].filter(Boolean);
    out.push("", `${h.statement}`, `  ${STATUS_LABEL[h.status]} — ${facts.join(" · ")}`);
    if (h.results.length === 0) out.push("  Pas encore de résultat.");
    else
      out.push(
        ...table(
          ["Variante", h.unit === "share" ? "Valeur (intervalle à 95 %)" : "Nombre", "Statut", "Explication"],
          h.results.map((r) => [r.variantName, formatResult(h, r), STATUS_LABEL[r.status], r.explanation]),
          ["left", "right", "left", "left"],
        ),
      );
  }

  if (service.comparison) {
    out.push(...heading("Comparaison des variantes", "─"), service.comparison.verdict);
    const more = service.comparison.moreVisitsPerVariant;
    if (!service.comparison.significant && more && !service.comparison.verdict.includes(formatNumber(more)))
      out.push(`Il faudrait encore environ ${formatNumber(more)} visites par variante pour trancher.`);
  }

  if (!counted) {
    out.push("", "Pas encore de visite mesurée.");
    return out;
  }

  const columns = funnelColumns(service);
  out.push(...heading("Parcours des visiteurs", "─"));
  out.push(
    ...table(
      ["Étape", ...columns.map((c) => c.name)],
      [
        ...[...FUNNEL_STEPS, ...FUNNEL_OTHERS].map(([key, label]) => [label, ...columns.map((c) => formatNumber(c.funnel[key]))]),
        ["Conversion (intervalle à 95 %)", ...columns.map((c) => formatShare(c.conversion))],
      ],
    ),
  );
  if (service.variants.length > 1)
    out.push("", ...service.variants.map((v) => `  ${v.name}${NBSP}: ${v.path}${v.active ? "" : " (l'adresse principale n'y envoie plus de visiteurs)"}`));

  out.push(...heading("Questions atteintes", "─"));
  if (service.questions.length === 0) out.push("Aucune question à suivre dans ce formulaire.");
  else
    out.push(
      ...table(
        ["Question", ...columns.map((c) => c.name), "Part des commencés"],
        service.questions.map((q, i) => [q.label, ...columns.map((c) => formatNumber(c.reached[i] ?? 0)), formatRatio(q.reached, service.totals.starts)]),
      ),
    );

  out.push(...heading("Réponses par jour", "─"));
  if (service.days.length === 0) out.push("Aucune journée mesurée pour l'instant.");
  else
    out.push(
      ...table(
        ["Jour", "Vues de la page", "Vues du formulaire", "Réponses reçues"],
        [...service.days].sort((a, b) => (a.day < b.day ? -1 : 1)).map((d) => [formatDay(d.day), ...[d.landingViews, d.formViews, d.accepted].map(formatNumber)]),
      ),
    );

  out.push(...heading("Sources des visites", "─"));
  if (service.sources.length === 0) out.push("Aucune source de visite mesurée pour l'instant.");
  else {
    out.push(...sourceTable(service.sources));
    if (service.campaigns.length > 0) out.push("", "Campagnes", ...sourceTable(service.campaigns, true));
  }

  out.push(...heading("D'où viennent les réponses", "─"));
  const { inside, outside } = service.territory;
  if (inside + outside > 0)
    out.push(`Adresses dans le territoire${NBSP}: ${formatNumber(inside)} sur ${formatNumber(inside + outside)} (${formatRatio(inside, inside + outside)})`);
  if (service.departements.length === 0 && service.communes.length === 0) out.push("Aucune réponse avec une adresse pour l'instant.");
  else out.push(...placeTable("Département", service.departements), ...placeTable("Commune (code INSEE)", service.communes));
  return out;
}

function sourceTable(rows: SourceStats[], campaigns = false): string[] {
  const withCampaign = campaigns || rows.some((r) => r.campaign);
  return table(
    ["Source", ...(withCampaign ? ["Campagne"] : []), "Vues de la page", "Réponses reçues", "Conversion"],
    rows.map((r) => [
      sourceLabel(r.source),
      ...(withCampaign ? [r.campaign ?? "—"] : []),
      formatNumber(r.landingViews),
      formatNumber(r.accepted),
      formatRatio(r.accepted, r.landingViews),
    ]),
    ["left", ...(withCampaign ? (["left"] as const) : []), "right", "right", "right"],
  );
}

function placeTable(column: string, places: PlaceStats[]): string[] {
  if (places.length === 0) return ["", `${column}${NBSP}: aucune pour l'instant.`];
  return ["", ...table([column, "Réponses"], places.map((p) => [p.code, formatNumber(p.count)]))];
}
