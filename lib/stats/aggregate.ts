// From counts to the report: what each service's counters add up to, per variant, per day, per
// source and place, and what that says about its variants and hypotheses.
import { departementOf } from "../address/departements.ts";
import type { Hypothesis } from "../base/model.ts";
import { MAIN_VARIANT, MAIN_VARIANT_NAME, type VariantInfo } from "../base/variants.ts";
import { paths } from "../vocabulary/index.ts";
import type { PublishedForm, PublishedForms } from "../forms/published.ts";
import { formatNumber, HYPOTHESIS_METRICS, plural } from "../vocabulary/index.ts";
import { addCounts, counter, parseCounter, type Counts } from "./counters.ts";
import { parisDay } from "./day.ts";
import { formatPercent, NBSP } from "./format.ts";
import type {
  Comparison,
  DailyServiceStats,
  Funnel,
  HypothesisResult,
  HypothesisStats,
  HypothesisStatus,
  ServiceStats,
  Share,
  SourceStats,
  StatsReport,
  VariantStats,
} from "./report.ts";
import { twoProportionZ, visitsNeeded, wilson, Z_95 } from "./significance.ts";


const round1 = (value: number) => Math.round(value * 10) / 10;

export function share(count: number, total: number): Share {
  const interval = wilson(count, total);
  return {
    count,
    total,
    percent: total > 0 ? round1((100 * count) / total) : null,
    low: interval ? round1(100 * interval.low) : null,
    high: interval ? round1(100 * interval.high) : null,
  };
}

/** Every service's counts, all days added, and per day. */
function byService(days: Map<string, Counts>): { total: Counts; perDay: Map<string, Counts> } {
  const total: Counts = {};
  for (const counts of days.values()) addCounts(total, counts);
  return { total, perDay: days };
}

const EMPTY_FUNNEL: Funnel = { landingViews: 0, formViews: 0, starts: 0, accepted: 0, quarantined: 0, refused: 0, discarded: 0 };

function funnelOf(counts: Counts, service: string, variant: string, questions: number): { funnel: Funnel; reached: number[] } {
  const get = (key: string) => counts[key] ?? 0;
  const furthest = Array.from({ length: questions }, (_, i) => get(counter.furthest(service, variant, i)));
  const reached = furthest.map((_, i) => furthest.slice(i).reduce((a, b) => a + b, 0));
  return {
    funnel: {
      landingViews: get(counter.view(service, variant, "landing")),
      formViews: get(counter.view(service, variant, "form")),
      starts: reached[0] ?? 0,
      accepted: get(counter.outcome(service, variant, "accepted")),
      quarantined: get(counter.outcome(service, variant, "quarantined")),
      refused: get(counter.outcome(service, variant, "refused")),
      discarded: get(counter.outcome(service, variant, "discarded")),
    },
    reached,
  };
}

const addFunnels = (a: Funnel, b: Funnel): Funnel =>
  Object.fromEntries(Object.keys(EMPTY_FUNNEL).map((k) => [k, a[k as keyof Funnel] + b[k as keyof Funnel]])) as unknown as Funnel;

const hasCounts = (f: Funnel) => (Object.keys(EMPTY_FUNNEL) as Array<keyof Funnel>).some((k) => f[k] !== 0);

/** Which variant converts better, and whether the difference is more than chance. */
export function compareVariants(variants: Array<Pick<VariantStats, "slug" | "name" | "landingViews" | "accepted">>): Comparison | undefined {
  const measured = variants.filter((v) => v.landingViews > 0);
  if (measured.length < 2) return undefined;
  const rate = (v: (typeof measured)[number]) => v.accepted / v.landingViews;
  const ranked = [...measured].sort((a, b) => rate(b) - rate(a));
  const [best, ...others] = ranked as [(typeof measured)[number], ...typeof measured];
  const runnerUp = others[0]!;
  const z = (other: typeof runnerUp) => twoProportionZ({ count: best.accepted, total: best.landingViews }, { count: other.accepted, total: other.landingViews });
  const names = others.map((o) => o.name);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} et ${names.at(-1)}`;
  if (others.every((other) => z(other) >= Z_95)) {
    return { significant: true, best: best.slug, verdict: `${best.name} convertit mieux que ${list} (écart significatif)` };
  }
  const needed = visitsNeeded(rate(best), rate(runnerUp));
  if (needed === undefined) {
    return { significant: false, verdict: "Pas encore de différence : les variantes convertissent autant pour l'instant." };
  }
  const more = needed - Math.min(best.landingViews, runnerUp.landingViews);
  if (more <= 0) {
    return { significant: false, verdict: `Pas de différence significative entre ${best.name} et ${runnerUp.name} : leur écart tient du hasard.` };
  }
  // Rounded up to a round figure: the estimate rests on rates that will move.
  const rounded = more < 100 ? Math.ceil(more / 10) * 10 : Math.ceil(more / 100) * 100;
  return {
    significant: false,
    moreVisitsPerVariant: rounded,
    verdict: `Pas encore de différence : environ ${formatNumber(rounded)} visites de plus par variante (${best.name} est devant pour l'instant).`,
  };
}

interface Scope {
  variant: string | null;
  variantName: string;
  counts: Counts;
  variants: string[];
  funnel: Funnel;
}

function metricValue(hypothesis: Hypothesis, service: string, scope: Scope): { count: number; total?: number } {
  const sum = (key: (variant: string) => string) => scope.variants.reduce((n, v) => n + (scope.counts[key(v)] ?? 0), 0);
  switch (hypothesis.metric) {
    case "conversion":
      return { count: scope.funnel.accepted, total: scope.funnel.landingViews };
    case "answers":
      return { count: scope.funnel.accepted };
    case "answer-value": {
      const question = hypothesis.question ?? "";
      const count = hypothesis.value
        ? sum((v) => counter.choice(service, v, question, hypothesis.value as string))
        : sum((v) => counter.answered(service, v, question));
      return { count, total: scope.funnel.accepted };
    }
    case "eligible": {
      const inside = sum((v) => counter.eligible(service, v, true));
      return { count: inside, total: inside + sum((v) => counter.eligible(service, v, false)) };
    }
  }
}

export function evaluateHypothesis(hypothesis: Hypothesis, service: string, scope: Scope, today: string): HypothesisResult {
  const unit = HYPOTHESIS_METRICS[hypothesis.metric].unit;
  const { count, total } = metricValue(hypothesis, service, scope);
  const over = hypothesis.deadline !== undefined && hypothesis.deadline < today;
  const base = { variant: scope.variant, variantName: scope.variantName, count, ...(total !== undefined ? { total } : {}) };
  const threshold = hypothesis.threshold;
  const thresholdText = `${formatNumber(threshold)}${NBSP}%`;
  if (unit === "count") {
    const status: HypothesisStatus = count >= threshold ? "validée" : over ? "invalidée" : "en cours";
    const explanation =
      status === "validée"
        ? `${plural(count, "réponse")}, le seuil de ${formatNumber(threshold)} est atteint`
        : `${plural(count, "réponse")} sur les ${formatNumber(threshold)} attendues${over ? ", à l'échéance" : ""}`;
    return { ...base, value: count, status, explanation };
  }
  const s = share(count, total ?? 0);
  if (s.percent === null || s.low === null || s.high === null) {
    return { ...base, value: null, low: null, high: null, status: "en cours", explanation: "pas encore de données" };
  }
  const measured = `${formatPercent(s.percent)} (${formatNumber(count)} sur ${formatNumber(total ?? 0)} ; intervalle de confiance à 95 % : ${formatPercent(s.low)} – ${formatPercent(s.high)})`;
  const status: HypothesisStatus = s.low >= threshold ? "validée" : s.high < threshold ? "invalidée" : "en cours";
  const explanation =
    status === "validée"
      ? `${measured} : au-dessus du seuil de ${thresholdText}`
      : status === "invalidée"
        ? `${measured} : en dessous du seuil de ${thresholdText}`
        : `${measured} : le seuil de ${thresholdText} est dans l'intervalle, ${over ? "et l'échéance est passée : les données ne suffisent pas à trancher" : "il faut plus de données pour trancher"}`;
  return { ...base, value: s.percent, low: s.low, high: s.high, status, explanation };
}

function serviceStats(form: PublishedForm, days: Map<string, Counts>, total: Counts, today: string): ServiceStats {
  const { definition } = form;
  const slug = definition.slug;
  const questions = definition.fields.length;
  const known: VariantInfo[] = form.variants ?? [
    { slug: MAIN_VARIANT, name: MAIN_VARIANT_NAME, active: true, landingPath: paths.landing(slug), formPath: paths.form(slug) },
  ];
  const rows = known
    .map((variant) => {
      const { funnel, reached } = funnelOf(total, slug, variant.slug, questions);
      return {
        slug: variant.slug,
        name: variant.name,
        active: variant.active,
        path: variant.landingPath,
        ...funnel,
        conversion: share(funnel.accepted, funnel.landingViews),
        reached,
      } satisfies VariantStats;
    })
    // The main page once variants replaced it, and never seen: nothing to show.
    .filter((row) => row.slug !== MAIN_VARIANT || row.active || hasCounts(row) || known.length === 1);
  const totals = rows.reduce<Funnel>((sum, row) => addFunnels(sum, row), EMPTY_FUNNEL);

  const perDay = [...days].map(([day, counts]) => {
    const f = known.map((v) => funnelOf(counts, slug, v.slug, questions).funnel).reduce(addFunnels, EMPTY_FUNNEL);
    return { day, funnel: f };
  });

  const sources = new Map<string, SourceStats>();
  const campaigns = new Map<string, SourceStats>();
  const communes = new Map<string, number>();
  let inside = 0;
  let outside = 0;
  for (const [key, n] of Object.entries(total)) {
    const { kind, parts } = parseCounter(key);
    if (parts[0] !== slug) continue;
    if (kind === "source-vue" || kind === "source-reponse") {
      const source = parts[2] ?? "";
      const row = sources.get(source) ?? { source, landingViews: 0, accepted: 0 };
      if (kind === "source-vue") row.landingViews += n;
      else row.accepted += n;
      sources.set(source, row);
    } else if (kind === "campagne-vue" || kind === "campagne-reponse") {
      const [source = "", campaign = ""] = parts.slice(1);
      const id = `${source}\n${campaign}`;
      const row = campaigns.get(id) ?? { source, campaign, landingViews: 0, accepted: 0 };
      if (kind === "campagne-vue") row.landingViews += n;
      else row.accepted += n;
      campaigns.set(id, row);
    } else if (kind === "commune") {
      communes.set(parts[1] ?? "", (communes.get(parts[1] ?? "") ?? 0) + n);
    } else if (kind === "territoire") {
      if (parts[2] === "dans") inside += n;
      else outside += n;
    }
  }
  const departements = new Map<string, number>();
  for (const [code, n] of communes) departements.set(departementOf(code), (departements.get(departementOf(code)) ?? 0) + n);
  const byCount = <T extends { count: number; code: string }>(a: T, b: T) =>
    Number(a.code === OTHER_COMMUNES) - Number(b.code === OTHER_COMMUNES) || b.count - a.count || a.code.localeCompare(b.code);
  const byViews = (a: SourceStats, b: SourceStats) => b.landingViews - a.landingViews || b.accepted - a.accepted || a.source.localeCompare(b.source);

  const scopes: Scope[] = rows.map((row) => ({ variant: row.slug, variantName: row.name, counts: total, variants: [row.slug], funnel: row }));
  if (rows.length > 1) scopes.push({ variant: null, variantName: "Toutes les variantes", counts: total, variants: rows.map((r) => r.slug), funnel: totals });
  const hypotheses = (form.hypotheses ?? []).map((hypothesis): HypothesisStats => {
    const metric = HYPOTHESIS_METRICS[hypothesis.metric];
    const results = scopes.map((scope) => evaluateHypothesis(hypothesis, slug, scope, today));
    const status: HypothesisStatus = results.some((r) => r.status === "validée")
      ? "validée"
      : results.every((r) => r.status === "invalidée")
        ? "invalidée"
        : "en cours";
    return {
      id: hypothesis.id,
      statement: hypothesis.statement,
      metric: hypothesis.metric,
      metricLabel: metric.label,
      unit: metric.unit,
      threshold: hypothesis.threshold,
      ...(hypothesis.deadline ? { deadline: hypothesis.deadline } : {}),
      status,
      results,
    };
  });

  return {
    slug,
    title: definition.title,
    totals,
    conversion: share(totals.accepted, totals.landingViews),
    variants: rows,
    ...(() => {
      const comparison = compareVariants(rows.filter((row) => row.slug !== MAIN_VARIANT || rows.length === 1));
      return comparison ? { comparison } : {};
    })(),
    questions: definition.fields.map((field, i) => ({
      id: field.key,
      label: field.label,
      reached: rows.reduce((n, row) => n + (row.reached[i] ?? 0), 0),
    })),
    days: perDay
      .filter(({ funnel }) => hasCounts(funnel))
      .map(({ day, funnel }) => ({ day, landingViews: funnel.landingViews, formViews: funnel.formViews, accepted: funnel.accepted })),
    sources: [...sources.values()].sort(byViews),
    campaigns: [...campaigns.values()].sort(byViews),
    departements: [...departements].map(([code, count]) => ({ code, count })).sort(byCount),
    communes: publicCommunes(communes).sort(byCount),
    territory: { inside, outside },
    hypotheses,
  };
}

/**
 * The page is public: a commune with fewer than MIN_PUBLIC_COUNT answers would tell who answered in
 * a village. Those are shown together, as « autres ».
 */
export const MIN_PUBLIC_COUNT = 3;
export const OTHER_COMMUNES = "autres";

function publicCommunes(communes: Map<string, number>): Array<{ code: string; count: number }> {
  const shown = [...communes].filter(([, count]) => count >= MIN_PUBLIC_COUNT).map(([code, count]) => ({ code, count }));
  const others = [...communes].filter(([, count]) => count > 0 && count < MIN_PUBLIC_COUNT).reduce((n, [, count]) => n + count, 0);
  return others > 0 ? [...shown, { code: OTHER_COMMUNES, count: others }] : shown;
}

/** The report of every published service, from the counts of every day. */
export function buildReport(days: Map<string, Counts>, forms: PublishedForms, now: number): StatsReport {
  const { total } = byService(days);
  const today = parisDay(now);
  const dayList = [...days.keys()].sort();
  return {
    generatedAt: new Date(now).toISOString(),
    ...(dayList.length > 0 ? { from: dayList[0], to: dayList.at(-1) } : {}),
    services: Object.values(forms.forms).map((form) => serviceStats(form, days, total, today)),
  };
}

/** One row per service and day with counts: what the Airtable Statistiques table holds. */
export function dailyRows(days: Map<string, Counts>, forms: PublishedForms): DailyServiceStats[] {
  const rows: DailyServiceStats[] = [];
  for (const form of Object.values(forms.forms)) {
    const slug = form.definition.slug;
    const variants = (form.variants ?? []).map((v) => v.slug);
    if (!variants.includes(MAIN_VARIANT)) variants.unshift(MAIN_VARIANT);
    for (const [day, counts] of days) {
      const funnel = variants.map((v) => funnelOf(counts, slug, v, form.definition.fields.length).funnel).reduce(addFunnels, EMPTY_FUNNEL);
      if (hasCounts(funnel)) rows.push({ service: slug, day, ...funnel });
    }
  }
  return rows;
}
