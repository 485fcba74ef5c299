// The statistics page and `npm run stats`: a hand-built report rendered both ways, its numbers in
// French, its titles escaped, no inline style (the CSP would drop it), and the page clean under axe.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { renderStatsHtml } from "../lib/stats/render-html.ts";
import { renderStatsText } from "../lib/stats/render-text.ts";
import type { HypothesisStats, ServiceStats, StatsReport, VariantStats } from "../lib/stats/report.ts";

const NBSP = "\u00a0";
/** Intl's French thousands separator is a narrow no-break space: « 1 000 ». */
const NNBSP = "\u202f";
const NOW = new Date("2026-11-30T12:00:00Z");

const share = (count: number, total: number, percent: number, low: number, high: number) => ({ count, total, percent, low, high });

const variantA: VariantStats = {
  slug: "",
  name: "A",
  active: true,
  path: "/aide-velo/",
  landingViews: 1000,
  formViews: 400,
  starts: 120,
  accepted: 50,
  quarantined: 2,
  refused: 7,
  discarded: 3,
  conversion: share(50, 1000, 5, 3.81, 6.53),
  reached: [120, 80, 55],
};

const variantB: VariantStats = {
  slug: "b",
  name: "B",
  active: true,
  path: "/aide-velo/b/",
  landingViews: 1000,
  formViews: 520,
  starts: 160,
  accepted: 90,
  quarantined: 1,
  refused: 4,
  discarded: 0,
  conversion: share(90, 1000, 9, 7.38, 10.93),
  reached: [160, 120, 95],
};

const hypothesis: HypothesisStats = {
  id: "h1",
  statement: "Au moins 6 % des visiteurs demandent l'aide",
  metric: "conversion",
  metricLabel: "Conversion visite → réponse",
  unit: "share",
  threshold: 6,
  deadline: "2026-12-31",
  status: "validée",
  results: [
    { variant: "", variantName: "A", value: 5, low: 3.81, high: 6.53, count: 50, total: 1000, status: "en cours", explanation: "Encore trop tôt pour conclure" },
    { variant: "b", variantName: "B", value: 9, low: 7.38, high: 10.93, count: 90, total: 1000, status: "validée", explanation: "Au-dessus du seuil, même au plus bas de l'intervalle" },
  ],
};

const service: ServiceStats = {
  slug: "aide-velo",
  title: "Aide au vélo <script>alert(1)</script>",
  totals: {
    landingViews: 2000,
    formViews: 920,
    starts: 280,
    accepted: 140,
    quarantined: 3,
    refused: 11,
    discarded: 3,
  },
  conversion: share(140, 2000, 7, 5.96, 8.2),
  variants: [variantA, variantB],
  comparison: { significant: true, best: "b", verdict: "B convertit mieux que A (écart significatif)" },
  questions: [
    { id: "nom", label: "Votre nom", reached: 280 },
    { id: "adresse", label: "Votre adresse", reached: 200 },
    { id: "velo", label: "Quel vélo voulez-vous acheter ?", reached: 150 },
  ],
  days: [
    { day: "2026-11-29", landingViews: 1200, formViews: 560, accepted: 60 },
    { day: "2026-11-30", landingViews: 800, formViews: 360, accepted: 80 },
  ],
  sources: [
    { source: "direct", landingViews: 1500, accepted: 100 },
    { source: "newsletter", landingViews: 500, accepted: 40 },
  ],
  campaigns: [{ source: "newsletter", campaign: "novembre", landingViews: 500, accepted: 40 }],
  departements: [
    { code: "93", count: 100 },
    { code: "2A", count: 40 },
  ],
  communes: [
    { code: "93010", count: 100 },
    { code: "2A004", count: 40 },
  ],
  territory: { inside: 140, outside: 10 },
  hypotheses: [hypothesis],
};

const zero = { landingViews: 0, formViews: 0, starts: 0, accepted: 0, quarantined: 0, refused: 0, discarded: 0 };
const empty: ServiceStats = {
  slug: "permis",
  title: "Permis en ligne",
  totals: zero,
  conversion: { count: 0, total: 0, percent: null, low: null, high: null },
  variants: [{ ...zero, slug: "", name: "Page principale", active: true, path: "/permis/", conversion: { count: 0, total: 0, percent: null, low: null, high: null }, reached: [0] }],
  questions: [{ id: "nom", label: "Votre nom", reached: 0 }],
  days: [],
  sources: [],
  campaigns: [],
  departements: [],
  communes: [],
  territory: { inside: 0, outside: 0 },
  hypotheses: [
    {
      id: "h2",
      statement: "100 personnes demandent un permis",
      metric: "answers",
      metricLabel: "Nombre de réponses",
      unit: "count",
      threshold: 100,
      status: "en cours",
      results: [{ variant: null, variantName: "Ensemble du service", value: 0, count: 0, status: "en cours", explanation: "0 réponse sur 100 attendues" }],
    },
  ],
};

const report: StatsReport = { generatedAt: "2026-11-30T11:59:00Z", from: "2026-11-29", to: "2026-11-30", services: [service, empty] };

const html = renderStatsHtml(report, { now: NOW });
const text = renderStatsText(report, { now: NOW });

/** The HTML of one service's section. */
function section(slug: string): string {
  const match = html.match(new RegExp(`<section[^>]*aria-labelledby="stats-${slug}-titre"[^>]*>[\\s\\S]*?</section>`));
  if (!match) throw new Error(`no section for ${slug}`);
  return match[0];
}

/** The rows of the table whose caption starts with `caption`, as cell texts (tags dropped). */
function tableRows(source: string, caption: string): string[][] {
  const start = source.indexOf(`<caption>${caption}`);
  if (start < 0) throw new Error(`no table « ${caption} »`);
  const tableHtml = source.slice(start, source.indexOf("</table>", start));
  return [...tableHtml.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => (cell[1] ?? "").replace(/<[^>]+>/g, "")),
  );
}

describe("statistics page (HTML)", () => {
  it("writes the numbers in French", () => {
    expect(html).toContain(`1${NNBSP}000`);
    expect(html).toContain(`2${NNBSP}000`);
    expect(html).toContain(`9,0${NBSP}% (7,4${NBSP}–${NBSP}10,9${NBSP}%)`);
    expect(html).toContain(`5,0${NBSP}% (3,8${NBSP}–${NBSP}6,5${NBSP}%)`);
    expect(html).toContain(`seuil${NBSP}: 6${NBSP}%`);
    expect(html).toContain("31 décembre 2026");
    expect(html).toContain("Chiffres du 29 au 30 novembre 2026.");
    expect(html).not.toContain("(dépassée)");
    expect(html).toContain(`Adresses dans le territoire${NBSP}: 140 sur 150 (93,3${NBSP}%)`);
  });

  it("says when a deadline is past, and writes the first of the month as French does", () => {
    const later = renderStatsHtml({ ...report, services: [{ ...service, days: [{ day: "2026-12-01", landingViews: 1, formViews: 0, accepted: 0 }] }] }, { now: new Date("2027-01-01T12:00:00Z") });
    expect(later).toContain(`échéance${NBSP}: 31 décembre 2026 (dépassée)`);
    expect(later).toContain("Chiffres le 1er décembre 2026.");
  });

  it("puts the funnel in a table, per variant and in all", () => {
    const rows = tableRows(section("aide-velo"), "Parcours des visiteurs");
    expect(rows[0]).toEqual(["Étape", "A", "B", "Ensemble"]);
    expect(rows.find((r) => r[0] === "Vues de la page")).toEqual(["Vues de la page", `1${NNBSP}000`, `1${NNBSP}000`, `2${NNBSP}000`]);
    expect(rows.find((r) => r[0] === "Réponses reçues")).toEqual(["Réponses reçues", "50", "90", "140"]);
    expect(rows.find((r) => r[0] === "Robots écartés")).toEqual(["Robots écartés", "3", "0", "3"]);
  });

  it("shows sources with « Accès direct » and the per-day table", () => {
    const sources = tableRows(html, "Visites et réponses par source");
    expect(sources[1]).toEqual(["Accès direct", `1${NNBSP}500`, "100", `6,7${NBSP}%`]);
    expect(tableRows(html, "Visites et réponses par campagne")[1]).toEqual(["newsletter", "novembre", "500", "40", `8,0${NBSP}%`]);
    const days = tableRows(html, "Visites et réponses par jour");
    expect(days.slice(1)).toEqual([
      ["29 novembre 2026", `1${NNBSP}200`, "560", "60"],
      ["30 novembre 2026", "800", "360", "80"],
    ]);
  });

  it("follows every chart with its table, and labels the chart", () => {
    const svgs = [...html.matchAll(/<svg[^>]*>/g)];
    expect(svgs.length).toBe(3);
    for (const svg of svgs) {
      const end = html.indexOf("</svg>", svg.index);
      // Only closing tags (the chart's column) between the chart and its table.
      expect(html.slice(end + "</svg>".length)).toMatch(/^(\s*<\/div>)*\s*<div class="fr-table">\s*<table>\s*<caption>[^<]*les mêmes données sous forme de tableau/);
      expect(svg[0]).toContain('role="img"');
      const label = svg[0].match(/aria-labelledby="([^"]+)"/)?.[1];
      expect(html.slice(svg.index, end)).toContain(`<title id="${label}">`);
      expect(svg[0]).toContain('width="100%"');
      expect(svg[0]).toMatch(/viewBox="0 0 \d+ \d+(\.\d+)?"/);
    }
  });

  it("has no inline style, unique ids and references that resolve", () => {
    expect(html).not.toMatch(/style=/i);
    expect(html).not.toMatch(/<style/i);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const ref of html.matchAll(/aria-(?:labelledby|describedby)="([^"]+)"/g)) for (const target of (ref[1] ?? "").split(" ")) expect(ids).toContain(target);
  });

  it("escapes what comes from the base", () => {
    expect(html).not.toContain("<script");
    expect(html).toContain("Aide au vélo &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("l&#39;aide");
  });

  it("shows each hypothesis's status as its badge, overall and per variant", () => {
    const s = section("aide-velo");
    expect(s.indexOf("<h3>Hypothèses</h3>")).toBeLessThan(s.indexOf("<h3>Parcours des visiteurs</h3>"));
    expect(s).toMatch(/Au moins 6 % des visiteurs demandent l&#39;aide<\/h4>\s*<p[^>]*><span class="fr-badge fr-badge--success">Validée<\/span>/);
    const rows = tableRows(s, "Résultats par variante");
    const a = s.match(/<tr><th scope="row">A<\/th>.*?<\/tr>/)?.[0] ?? "";
    const b = s.match(/<tr><th scope="row">B<\/th>.*?<\/tr>/)?.[0] ?? "";
    expect(a).toMatch(/fr-badge--info">En cours</);
    expect(b).toMatch(/fr-badge--success">Validée</);
    expect(rows[2]?.[1]).toBe(`9,0${NBSP}% (7,4${NBSP}–${NBSP}10,9${NBSP}%)`);
    expect(section("permis")).toMatch(/fr-badge fr-badge--info">En cours/);
    expect(section("permis")).toContain(`seuil${NBSP}: 100 réponses`);
  });

  it("shows the verdict in a callout", () => {
    expect(section("aide-velo")).toMatch(/<div class="fr-callout">\s*<p class="fr-callout__text">B convertit mieux que A \(écart significatif\)<\/p>/);
    expect(section("permis")).not.toContain("fr-callout");
  });

  it("says an empty service has no visit yet, without charts or empty tables", () => {
    const s = section("permis");
    expect(s).toContain("Pas encore de visite mesurée.");
    expect(s).not.toContain("<svg");
    expect(s).not.toContain("Sources des visites");
    expect(section("aide-velo")).not.toContain("Pas encore de visite mesurée.");
    expect(html.match(/mis à jour toutes les minutes environ/g)).toHaveLength(1);
  });

  it("says so when there are no sources yet, rather than an empty table", () => {
    const html = renderStatsHtml({ ...report, services: [{ ...service, sources: [], campaigns: [] }] }, { now: NOW });
    expect(html).toContain("Aucune source de visite mesurée pour l'instant.");
    expect(html).not.toContain("<caption>Visites et réponses par source");
  });

  it("passes axe in Chromium with the DSFR's styles", async () => {
    const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
    if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium (see .ci/run)`);
    const browser = await chromium.launch({
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      // axe needs a page from an explicit context (it opens frames through it).
      const context = await browser.newContext({ locale: "fr-FR" });
      const page = await context.newPage();
      await page.setContent(
        `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Statistiques</title></head><body><main><div class="fr-container"><h1>Statistiques</h1>${html}</div></main></body></html>`,
      );
      await page.addStyleTag({ path: createRequire(import.meta.url).resolve("@gouvfr/dsfr/dist/dsfr.min.css") });
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
      expect(summary).toEqual([]);
      // The checks that matter here did run: an empty page would pass too.
      expect(results.passes.map((p) => p.id)).toEqual(expect.arrayContaining(["color-contrast", "svg-img-alt", "th-has-data-cells"]));
    } finally {
      await browser.close();
    }
  });
});

describe("statistics in the terminal", () => {
  it("writes the same numbers, in French", () => {
    expect(text).toContain(`1${NNBSP}000`);
    expect(text).toContain(`9,0${NBSP}% (7,4${NBSP}–${NBSP}10,9${NBSP}%)`);
    expect(text).toContain("Accès direct");
    expect(text).toContain("B convertit mieux que A (écart significatif)");
    expect(text).toContain("Aide au vélo <script>alert(1)</script>");
    expect(text).not.toMatch(/<svg|<table|&lt;/);
  });

  it("says hypothesis statuses in words", () => {
    expect(text).toMatch(/Au moins 6 % des visiteurs demandent l'aide\n {2}Validée — /);
    expect(text).toMatch(/^ {2}A +5,0.*En cours +Encore trop tôt/m);
    expect(text).toMatch(/^ {2}B +9,0.*Validée +Au-dessus du seuil/m);
  });

  it("aligns the funnel's columns by visible width", () => {
    const start = text.indexOf("  Étape");
    const lines = text.slice(start).split("\n").slice(0, 10);
    expect(lines[0]).toMatch(/Étape +A +B +Ensemble$/);
    expect(lines.find((l) => l.includes("Vues de la page"))).toMatch(/Vues de la page +1.000 +1.000 +2.000$/);
    // Numbers are right-aligned: every row of the table ends at the same column.
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1);
  });

  it("says an empty service has no visit yet", () => {
    const permis = text.slice(text.indexOf("Permis en ligne"));
    expect(permis).toContain("Pas encore de visite mesurée.");
    expect(permis).toContain("  En cours — Mesure");
    expect(permis).not.toContain("Parcours des visiteurs");
  });
});
