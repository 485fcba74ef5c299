// The public statistics page's content, from a StatsReport: hypotheses first (they are why the
// service is tested), then the verdict, the funnel, the questions, the days, the sources and the
// places. Charts are inline SVG drawn with presentation attributes only (the CSP forbids inline
// styles) and each is followed by a table carrying the same numbers: the chart is a visual aid.
import { escapeHtml } from "../site/html.ts";
import { formatNumber } from "../vocabulary/index.ts";
import { MIN_PUBLIC_COUNT, OTHER_COMMUNES } from "./aggregate.ts";
import { DAY, parisDay } from "./day.ts";
import type { Funnel, HypothesisResult, HypothesisStats, HypothesisStatus, PlaceStats, ServiceStats, Share, SourceStats, StatsReport } from "./report.ts";

// ——— Formatting shared with the terminal rendering (render-text.ts) ———

export { formatPercent, NBSP } from "./format.ts";
import { formatPercent, NBSP, ONE_DECIMAL } from "./format.ts";

const LONG_DAY = new Intl.DateTimeFormat("fr-FR", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
const DAY_MONTH = new Intl.DateTimeFormat("fr-FR", { timeZone: "UTC", day: "numeric", month: "long" });
const MOMENT = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", dateStyle: "long", timeStyle: "short" });

/** « 9,0 % (7,4 – 10,9 %) », « 9,0 % » without an interval, « — » when there is nothing to divide by. */
export function formatShare(share: Pick<Share, "percent" | "low" | "high">): string {
  if (share.percent === null) return "—";
  if (share.low === null || share.high === null) return formatPercent(share.percent);
  // No-break spaces inside the interval: a narrow cell may break before it, never within it.
  return `${formatPercent(share.percent)} (${ONE_DECIMAL.format(share.low)}${NBSP}–${NBSP}${formatPercent(share.high)})`;
}

/** A plain ratio as a percentage, « — » for 0 / 0. */
export function formatRatio(count: number, total: number): string {
  return total > 0 ? formatPercent((100 * count) / total) : "—";
}

// The day is a calendar day (Paris time already applied): read it as UTC so no zone shifts it.
const dayDate = (day: string): Date => new Date(`${day}T00:00:00Z`);

/** 2026-11-30 → « 30 novembre 2026 »; « 1er » as French writes the first of the month. */
export function formatDay(day: string): string {
  if (!DAY.test(day)) return day;
  return firstOfMonth(LONG_DAY.format(dayDate(day)));
}

const firstOfMonth = (text: string): string => text.replace(/^1 /, `1er `);

/** « du 29 au 30 novembre 2026 », « le 30 novembre 2026 ». */
export function formatPeriod(from: string, to: string): string {
  if (from === to) return `le ${formatDay(from)}`;
  if (!DAY.test(from) || !DAY.test(to)) return `du ${formatDay(from)} au ${formatDay(to)}`;
  const sameYear = from.slice(0, 4) === to.slice(0, 4);
  const sameMonth = sameYear && from.slice(5, 7) === to.slice(5, 7);
  const start = sameMonth ? String(Number(from.slice(8))) : sameYear ? DAY_MONTH.format(dayDate(from)) : LONG_DAY.format(dayDate(from));
  return `du ${firstOfMonth(start)} au ${formatDay(to)}`;
}

/** An ISO instant in Paris time: « 30 novembre 2026 à 10:05 ». */
export function formatMoment(iso: string): string | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : firstOfMonth(MOMENT.format(date));
}

export const STATUS_LABEL: Record<HypothesisStatus, string> = { validée: "Validée", invalidée: "Invalidée", "en cours": "En cours" };
const STATUS_BADGE: Record<HypothesisStatus, string> = { validée: "fr-badge--success", invalidée: "fr-badge--error", "en cours": "fr-badge--info" };

/** The funnel's steps, from the page to the answer (the chart's bars). */
export const FUNNEL_STEPS: ReadonlyArray<readonly [keyof Funnel, string]> = [
  ["landingViews", "Vues de la page"],
  ["formViews", "Vues du formulaire"],
  ["starts", "Formulaires commencés"],
  ["accepted", "Réponses reçues"],
];

/** What else happened to submissions (table only: they are not steps). */
export const FUNNEL_OTHERS: ReadonlyArray<readonly [keyof Funnel, string]> = [
  ["quarantined", "En quarantaine"],
  ["refused", "Refusées (erreurs à corriger)"],
  ["discarded", "Robots écartés"],
];

/** « seuil : 6 % » or « seuil : 100 réponses ». */
export function formatThreshold(hypothesis: Pick<HypothesisStats, "unit" | "threshold">): string {
  const n = hypothesis.threshold;
  const value = hypothesis.unit === "share" ? `${formatNumber(n)}${NBSP}%` : `${formatNumber(n)} réponse${n > 1 ? "s" : ""}`;
  return `seuil${NBSP}: ${value}`;
}

/** « échéance : 31 décembre 2026 », « (dépassée) » once the day is over in Paris. */
export function formatDeadline(deadline: string, now: Date): string {
  const past = DAY.test(deadline) && deadline < parisDay(now.getTime());
  return `échéance${NBSP}: ${formatDay(deadline)}${past ? " (dépassée)" : ""}`;
}

/** A result's value: a share with its interval, or a count. */
export function formatResult(hypothesis: Pick<HypothesisStats, "unit">, result: HypothesisResult): string {
  if (hypothesis.unit === "count") return formatNumber(result.value ?? result.count);
  return formatShare({ percent: result.value, low: result.low ?? null, high: result.high ?? null });
}

export const sourceLabel = (source: string): string => (source === "direct" ? "Accès direct" : source);

/** Whether anything at all was counted for the service. */
export function hasCounts(service: ServiceStats): boolean {
  const t = service.totals;
  return t.landingViews + t.formViews + t.starts + t.accepted + t.quarantined + t.refused + t.discarded > 0;
}

/** The columns of the funnel and question tables: each variant then the whole, or the whole alone. */
export function funnelColumns(service: ServiceStats): Array<{ name: string; funnel: Funnel; conversion: Share; reached: number[] }> {
  const total = { name: "Ensemble", funnel: service.totals, conversion: service.conversion, reached: service.questions.map((q) => q.reached) };
  if (service.variants.length < 2) return [total];
  return [...service.variants.map((v) => ({ name: v.name, funnel: v, conversion: v.conversion, reached: v.reached })), total];
}

// ——— HTML ———

const UPDATED = "Ces chiffres sont mis à jour toutes les minutes environ.";

export function renderStatsHtml(report: StatsReport, options: { now?: Date } = {}): string {
  const now = options.now ?? new Date();
  const moment = formatMoment(report.generatedAt);
  const intro = `<p>${moment ? `Chiffres arrêtés le ${escapeHtml(moment)}. ` : ""}${UPDATED}</p>`;
  if (report.services.length === 0) return `${intro}\n<p>Aucun service n'est publié pour l'instant.</p>`;
  return [intro, ...report.services.map((service) => renderService(service, report, now))].join("\n");
}

function renderService(service: ServiceStats, report: StatsReport, now: Date): string {
  const p = `stats-${service.slug}`;
  const counted = hasCounts(service);
  const days = service.days.map((d) => d.day).sort();
  const from = days[0] ?? report.from;
  const to = days[days.length - 1] ?? report.to;
  const parts = [
    `<section class="fr-mt-6w" aria-labelledby="${id(p, "titre")}">`,
    `<h2 id="${id(p, "titre")}">${escapeHtml(service.title)}</h2>`,
    counted && from && to ? `<p>Chiffres ${escapeHtml(formatPeriod(from, to))}.</p>` : "",
    renderHypotheses(service, p, now),
    service.comparison ? renderComparison(service) : "",
  ];
  if (!counted) parts.push(`<p>Pas encore de visite mesurée.</p>`);
  else parts.push(renderFunnel(service, p), renderQuestions(service, p), renderDays(service, p), renderSources(service), renderPlaces(service));
  parts.push(`</section>`);
  return parts.filter(Boolean).join("\n");
}

/** An id on the page: the service's prefix keeps two services' charts apart. */
const id = (prefix: string, name: string): string => escapeHtml(`${prefix}-${name}`);

function badge(status: HypothesisStatus, small = false): string {
  return `<span class="fr-badge${small ? " fr-badge--sm" : ""} ${STATUS_BADGE[status]}">${STATUS_LABEL[status]}</span>`;
}

function renderHypotheses(service: ServiceStats, p: string, now: Date): string {
  const out = [`<h3>Hypothèses</h3>`];
  if (service.hypotheses.length === 0) {
    out.push(`<p>Aucune hypothèse n'est posée pour ce service.</p>`);
    return out.join("\n");
  }
  service.hypotheses.forEach((h, i) => {
    const facts = [`Mesure${NBSP}: ${h.metricLabel}`, formatThreshold(h), h.deadline ? formatDeadline(h.deadline, now) : ""].filter(Boolean);
    out.push(
      `<h4 id="${id(p, `hypothese-${i + 1}`)}" class="fr-mt-4w fr-mb-1w">${escapeHtml(h.statement)}</h4>`,
      `<p class="fr-mb-1w">${badge(h.status)}</p>`,
      `<p>${facts.map(escapeHtml).join(" · ")}</p>`,
    );
    if (h.results.length === 0) {
      out.push(`<p>Pas encore de résultat.</p>`);
      return;
    }
    out.push(
      table(
        `Résultats par variante<span class="fr-sr-only"> de l'hypothèse « ${escapeHtml(h.statement)} »</span>`,
        ["Variante", h.unit === "share" ? "Valeur (intervalle à 95 %)" : "Nombre", "Statut", "Explication"],
        h.results.map((r) => [escapeHtml(r.variantName), escapeHtml(formatResult(h, r)), badge(r.status, true), escapeHtml(r.explanation)]),
      ),
    );
  });
  return out.join("\n");
}

function renderComparison(service: ServiceStats): string {
  const c = service.comparison!;
  const more =
    !c.significant && c.moreVisitsPerVariant && !c.verdict.includes(formatNumber(c.moreVisitsPerVariant))
      ? `<p class="fr-callout__text">Il faudrait encore environ ${escapeHtml(formatNumber(c.moreVisitsPerVariant))} visites par variante pour trancher.</p>`
      : "";
  return [`<h3>Comparaison des variantes</h3>`, `<div class="fr-callout">`, `<p class="fr-callout__text">${escapeHtml(c.verdict)}</p>`, more, `</div>`]
    .filter(Boolean)
    .join("\n");
}

function renderFunnel(service: ServiceStats, p: string): string {
  const columns = funnelColumns(service);
  // The chart shows each variant (the whole would dwarf them); the table has the whole too.
  const groups = columns.length > 1 ? columns.slice(0, -1) : columns;
  const chart = horizontalBars({
    id: id(p, "parcours"),
    title: columns.length > 1 ? "Parcours des visiteurs, par variante" : "Parcours des visiteurs",
    desc: "Barres horizontales : nombre de visites à chaque étape, de la vue de la page à la réponse reçue. Les chiffres sont dans le tableau qui suit.",
    groups: groups.map((c) => ({ label: columns.length > 1 ? `Variante ${c.name}` : undefined, bars: FUNNEL_STEPS.map(([key, label]) => ({ label, value: c.funnel[key] })) })),
  });
  const rows = [...FUNNEL_STEPS, ...FUNNEL_OTHERS].map(([key, label]) => [label, ...columns.map((c) => escapeHtml(formatNumber(c.funnel[key])))]);
  rows.push(["Conversion", ...columns.map((c) => escapeHtml(formatShare(c.conversion)))]);
  return [
    `<h3>Parcours des visiteurs</h3>`,
    chart,
    table(sameData("Parcours des visiteurs"), ["Étape", ...columns.map((c) => escapeHtml(c.name))], rows),
    `<p class="fr-text--sm">La conversion est la part des vues de la page qui aboutissent à une réponse reçue. Entre parenthèses, l'intervalle de confiance à 95${NBSP}% : la vraie valeur a 95 chances sur 100 de s'y trouver.</p>`,
    variantList(service),
  ].join("\n");
}

/** Which variant lives where, and which ones the main address no longer sends visitors to. */
function variantList(service: ServiceStats): string {
  if (service.variants.length < 2) return "";
  const items = service.variants.map(
    (v) => {
      // Only a path on this site becomes a link: the report is public and comes from the base.
      const path = v.path.startsWith("/") && !v.path.startsWith("//") ? `<a href="${escapeHtml(v.path)}">${escapeHtml(v.path)}</a>` : escapeHtml(v.path);
      return `<li>${escapeHtml(v.name)}${NBSP}: ${path}${v.active ? "" : " (l'adresse principale n'y envoie plus de visiteurs)"}</li>`;
    },
  );
  return `<p class="fr-mb-1w">Adresses des variantes${NBSP}:</p>\n<ul>\n${items.join("\n")}\n</ul>`;
}

function renderQuestions(service: ServiceStats, p: string): string {
  const out = [`<h3>Questions atteintes</h3>`];
  if (service.questions.length === 0) {
    out.push(`<p>Aucune question à suivre dans ce formulaire.</p>`);
    return out.join("\n");
  }
  const columns = funnelColumns(service);
  out.push(
    `<p>Nombre de formulaires commencés qui sont allés au moins jusqu'à chaque question.</p>`,
    horizontalBars({
      id: id(p, "questions"),
      title: "Formulaires ayant atteint chaque question",
      desc: "Barres horizontales : pour chaque question, dans l'ordre du formulaire, le nombre de formulaires qui l'ont atteinte. Les chiffres sont dans le tableau qui suit.",
      groups: [{ bars: service.questions.map((q) => ({ label: q.label, value: q.reached })) }],
    }),
    table(
      sameData("Formulaires ayant atteint chaque question"),
      ["Question", ...columns.map((c) => escapeHtml(c.name)), "Part des formulaires commencés"],
      service.questions.map((q, i) => [
        escapeHtml(q.label),
        ...columns.map((c) => escapeHtml(formatNumber(c.reached[i] ?? 0))),
        escapeHtml(formatRatio(q.reached, service.totals.starts)),
      ]),
    ),
  );
  return out.join("\n");
}

function renderDays(service: ServiceStats, p: string): string {
  const out = [`<h3>Réponses par jour</h3>`];
  if (service.days.length === 0) {
    out.push(`<p>Aucune journée mesurée pour l'instant.</p>`);
    return out.join("\n");
  }
  const days = [...service.days].sort((a, b) => (a.day < b.day ? -1 : 1));
  out.push(
    columnChart({
      id: id(p, "jours"),
      title: "Réponses reçues par jour",
      desc: "Colonnes : nombre de réponses reçues chaque jour, du plus ancien au plus récent. Les chiffres sont dans le tableau qui suit.",
      columns: days.map((d) => ({ label: shortDay(d.day), value: d.accepted })),
    }),
    table(
      sameData("Visites et réponses par jour"),
      ["Jour", "Vues de la page", "Vues du formulaire", "Réponses reçues"],
      days.map((d) => [escapeHtml(formatDay(d.day)), ...[d.landingViews, d.formViews, d.accepted].map((n) => escapeHtml(formatNumber(n)))]),
    ),
  );
  return out.join("\n");
}

/** 2026-11-30 → « 30/11 », for a chart's axis. */
const shortDay = (day: string): string => (DAY.test(day) ? `${day.slice(8)}/${day.slice(5, 7)}` : day);

function renderSources(service: ServiceStats): string {
  const out = [`<h3>Sources des visites</h3>`];
  if (service.sources.length === 0) {
    out.push(`<p>Aucune source de visite mesurée pour l'instant.</p>`);
    return out.join("\n");
  }
  out.push(
    `<p>La source est le site ou le paramètre d'adresse (utm_source) par lequel le visiteur est arrivé.</p>`,
    sourceTable("Visites et réponses par source", service.sources),
  );
  if (service.campaigns.length > 0) out.push(sourceTable("Visites et réponses par campagne (utm_campaign)", service.campaigns, true));
  return out.join("\n");
}

function sourceTable(caption: string, rows: SourceStats[], campaigns = false): string {
  const withCampaign = campaigns || rows.some((r) => r.campaign);
  return table(
    escapeHtml(caption),
    ["Source", ...(withCampaign ? ["Campagne"] : []), "Vues de la page", "Réponses reçues", "Conversion"],
    rows.map((r) => [
      escapeHtml(sourceLabel(r.source)),
      ...(withCampaign ? [escapeHtml(r.campaign ?? "—")] : []),
      escapeHtml(formatNumber(r.landingViews)),
      escapeHtml(formatNumber(r.accepted)),
      escapeHtml(formatRatio(r.accepted, r.landingViews)),
    ]),
  );
}

function renderPlaces(service: ServiceStats): string {
  const out = [`<h3>D'où viennent les réponses</h3>`];
  const { inside, outside } = service.territory;
  if (inside + outside > 0) {
    const total = inside + outside;
    out.push(
      `<p>Adresses dans le territoire${NBSP}: ${escapeHtml(formatNumber(inside))} sur ${escapeHtml(formatNumber(total))} (${escapeHtml(formatRatio(inside, total))})</p>`,
    );
  }
  if (service.departements.length === 0 && service.communes.length === 0) {
    out.push(`<p>Aucune réponse avec une adresse pour l'instant.</p>`);
    return out.join("\n");
  }
  out.push(placeTable("département", "Département", service.departements), placeTable("commune", "Commune (code INSEE)", service.communes));
  return out.join("\n");
}

function placeTable(what: string, column: string, places: PlaceStats[]): string {
  if (places.length === 0) return `<p>Réponses par ${what}${NBSP}: aucune pour l'instant.</p>`;
  // Communes with too few answers to be shown apart (a public page) come together as « autres ».
  const name = (code: string) => (code === OTHER_COMMUNES ? `Autres communes (moins de ${MIN_PUBLIC_COUNT} réponses chacune)` : code);
  return table(`Réponses par ${what}`, [column, "Réponses"], places.map((pl) => [escapeHtml(name(pl.code)), escapeHtml(formatNumber(pl.count))]));
}

/** A chart's table caption: what it holds, and that it repeats the chart. */
const sameData = (what: string): string => `${escapeHtml(what)}${NBSP}: les mêmes données sous forme de tableau`;

/**
 * A DSFR table. `caption`, `headers` and cells are HTML already escaped by the caller (a cell may
 * hold a badge); the first cell of each row is its header.
 */
function table(caption: string, headers: string[], rows: string[][]): string {
  const head = `<thead><tr>${headers.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead>`;
  const body = rows.map(([first, ...rest]) => `<tr><th scope="row">${first ?? ""}</th>${rest.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n");
  return `<div class="fr-table">\n<table>\n<caption>${caption}</caption>\n${head}\n<tbody>\n${body}\n</tbody>\n</table>\n</div>`;
}

// ——— Charts ———

// Blue France for bars (10.6:1 on white), the DSFR's title grey for text (17.7:1), a mid grey for
// axes (5.7:1, above the 3:1 non-text contrast).
const BAR = "#000091";
const TEXT = "#161616";
const AXIS = "#666666";
const WIDTH = 640;
const FONT = 14;

interface BarGroup {
  label?: string | undefined;
  bars: Array<{ label: string; value: number }>;
}

/** A long label cut for the chart (the table has it in full). */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

// A chart takes two thirds of a wide screen (its text would grow too big across the whole
// container, and no style may size it) and the full width of a small one.
const CHART_OPEN = `<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">`;
const CHART_CLOSE = `</div></div>`;

function svgOpen(chartId: string, title: string, desc: string, height: number): string {
  return [
    CHART_OPEN,
    `<svg role="img" aria-labelledby="${chartId}-titre" aria-describedby="${chartId}-desc" viewBox="0 0 ${WIDTH} ${height}" width="100%" font-size="${FONT}" fill="${TEXT}">`,
    `<title id="${chartId}-titre">${escapeHtml(title)}</title>`,
    `<desc id="${chartId}-desc">${escapeHtml(desc)}</desc>`,
  ].join("\n");
}

/** Horizontal bars in groups (one per variant), all on one scale so groups compare. */
function horizontalBars(chart: { id: string; title: string; desc: string; groups: BarGroup[] }): string {
  const labelWidth = 200;
  const valueWidth = 70;
  const barSpace = WIDTH - labelWidth - valueWidth - 10;
  const row = 26;
  const barHeight = 18;
  const max = Math.max(1, ...chart.groups.flatMap((g) => g.bars.map((b) => b.value)));
  const shapes: string[] = [];
  let y = 4;
  for (const group of chart.groups) {
    if (group.label) {
      shapes.push(`<text x="0" y="${y + row / 2}" dominant-baseline="middle" font-weight="bold">${escapeHtml(cut(group.label, 60))}</text>`);
      y += row;
    }
    for (const bar of group.bars) {
      const width = Math.round((bar.value / max) * barSpace * 10) / 10;
      const middle = y + row / 2;
      shapes.push(
        `<text x="${labelWidth - 8}" y="${middle}" dominant-baseline="middle" text-anchor="end">${escapeHtml(cut(bar.label, 26))}</text>`,
        width > 0 ? `<rect x="${labelWidth}" y="${middle - barHeight / 2}" width="${width}" height="${barHeight}" fill="${BAR}"/>` : "",
        `<text x="${labelWidth + width + 6}" y="${middle}" dominant-baseline="middle">${escapeHtml(formatNumber(bar.value))}</text>`,
      );
      y += row;
    }
    y += 10;
  }
  return [svgOpen(chart.id, chart.title, chart.desc, y), `<line x1="${labelWidth}" y1="0" x2="${labelWidth}" y2="${y - 10}" stroke="${AXIS}"/>`, ...shapes.filter(Boolean), `</svg>`, CHART_CLOSE].join("\n");
}

/** A round top for the vertical axis whose half is a whole number too (2, 4, 10, 20, 40…). */
function roundUp(value: number): number {
  if (value <= 2) return 2;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 4, 10]) if (step * power >= value) return Math.max(2, step * power);
  return 10 * power;
}

/** Columns over time, with the axis top and half labelled; values on top when there is room. */
function columnChart(chart: { id: string; title: string; desc: string; columns: Array<{ label: string; value: number }> }): string {
  const height = 240;
  const left = 56;
  const right = 8;
  const top = 20;
  const bottom = 30;
  const plotWidth = WIDTH - left - right;
  const plotHeight = height - top - bottom;
  const n = chart.columns.length;
  const slot = plotWidth / n;
  const barWidth = Math.min(48, Math.max(1, Math.round(slot * 0.7 * 10) / 10));
  const max = roundUp(Math.max(...chart.columns.map((c) => c.value)));
  const base = top + plotHeight;
  // A label every few days so they never overlap: about 44 units each.
  const every = Math.max(1, Math.ceil(44 / slot));
  const showValues = slot >= 36;
  const shapes: string[] = [];
  for (const tick of [max / 2, max]) {
    const y = Math.round((base - (tick / max) * plotHeight) * 10) / 10;
    shapes.push(
      `<line x1="${left}" y1="${y}" x2="${WIDTH - right}" y2="${y}" stroke="${AXIS}" stroke-dasharray="2 4"/>`,
      `<text x="${left - 8}" y="${y}" dominant-baseline="middle" text-anchor="end">${escapeHtml(formatNumber(tick))}</text>`,
    );
  }
  shapes.push(`<text x="${left - 8}" y="${base}" dominant-baseline="middle" text-anchor="end">0</text>`);
  chart.columns.forEach((column, i) => {
    const h = Math.round((column.value / max) * plotHeight * 10) / 10;
    const x = Math.round((left + i * slot + (slot - barWidth) / 2) * 10) / 10;
    const centre = Math.round((left + i * slot + slot / 2) * 10) / 10;
    if (h > 0) shapes.push(`<rect x="${x}" y="${Math.round((base - h) * 10) / 10}" width="${barWidth}" height="${h}" fill="${BAR}"/>`);
    if (showValues) shapes.push(`<text x="${centre}" y="${Math.round((base - h - 6) * 10) / 10}" text-anchor="middle">${escapeHtml(formatNumber(column.value))}</text>`);
    if (i % every === 0) shapes.push(`<text x="${centre}" y="${base + 20}" text-anchor="middle">${escapeHtml(column.label)}</text>`);
  });
  shapes.push(`<line x1="${left}" y1="${base}" x2="${WIDTH - right}" y2="${base}" stroke="${AXIS}"/>`);
  return [svgOpen(chart.id, chart.title, chart.desc, height), ...shapes, `</svg>`, CHART_CLOSE].join("\n");
}
