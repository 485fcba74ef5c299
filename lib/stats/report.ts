// The statistics a service's numbers add up to: the funnel per variant, the verdict between
// variants, the hypotheses, days, sources and places. Public (GET /api/stats, the /stats/ page,
// `npm run stats`, the Airtable Statistiques table): aggregates only, never an answer.
import type { HypothesisMetricId } from "../vocabulary/index.ts";

export type HypothesisStatus = "validée" | "invalidée" | "en cours";

/** A share with its 95 % interval (Wilson), in per cent; null when there is nothing to divide by. */
export interface Share {
  count: number;
  total: number;
  percent: number | null;
  low: number | null;
  high: number | null;
}

export interface Funnel {
  landingViews: number;
  formViews: number;
  /** Fillings started (first interaction with the form). */
  starts: number;
  accepted: number;
  quarantined: number;
  /** Submissions with errors the citizen was asked to correct (each attempt counts). */
  refused: number;
  /** Robots caught by the trap field. */
  discarded: number;
}

export interface VariantStats extends Funnel {
  /** "" for the service's main page. */
  slug: string;
  name: string;
  /** Whether the main address sends visitors to it. */
  active: boolean;
  path: string;
  /** Accepted answers out of landing-page views. */
  conversion: Share;
  /** For each question of the form, in order: fillings that reached at least that question. */
  reached: number[];
}

export interface Comparison {
  /** Whether the best variant's lead is significant (two-proportion test, 95 %). */
  significant: boolean;
  /** The slug of the variant that converts best, when the difference is significant. */
  best?: string;
  /** Visits still needed per variant to tell an observed difference apart (80 % power), when not significant. */
  moreVisitsPerVariant?: number;
  /** In plain French: « B convertit mieux que A (écart significatif) ». */
  verdict: string;
}

export interface HypothesisResult {
  /** The variant's slug; null for the whole service. */
  variant: string | null;
  variantName: string;
  /** A share (per cent, with its interval) or a count. */
  value: number | null;
  low?: number | null;
  high?: number | null;
  count: number;
  total?: number;
  status: HypothesisStatus;
  /** Why, in plain French. */
  explanation: string;
}

export interface HypothesisStats {
  id: string;
  statement: string;
  metric: HypothesisMetricId;
  metricLabel: string;
  unit: "share" | "count";
  threshold: number;
  deadline?: string;
  /** Validée when one variant (or the service) validates it, invalidée when all invalidate it. */
  status: HypothesisStatus;
  results: HypothesisResult[];
}

export interface DayStats {
  day: string;
  landingViews: number;
  formViews: number;
  accepted: number;
}

export interface SourceStats {
  source: string;
  campaign?: string;
  landingViews: number;
  accepted: number;
}

export interface PlaceStats {
  code: string;
  count: number;
}

export interface ServiceStats {
  slug: string;
  title: string;
  totals: Funnel;
  conversion: Share;
  variants: VariantStats[];
  comparison?: Comparison;
  questions: Array<{ id: string; label: string; reached: number }>;
  days: DayStats[];
  sources: SourceStats[];
  campaigns: SourceStats[];
  departements: PlaceStats[];
  communes: PlaceStats[];
  /** Address answers inside the territory, and addresses refused for being outside it. */
  territory: { inside: number; outside: number };
  hypotheses: HypothesisStats[];
}

export interface StatsReport {
  generatedAt: string;
  /** First and last day with counts. */
  from?: string;
  to?: string;
  services: ServiceStats[];
}

/** One service's funnel on one day (all variants together): a row of the Airtable Statistiques table. */
export interface DailyServiceStats extends Funnel {
  service: string;
  /** 2026-11-30, in Paris time. */
  day: string;
}
