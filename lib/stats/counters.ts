// The counts themselves: flat maps from a counter's name to a number, per day. A name is a few
// parts joined with « | », each part URI-encoded (a source or a choice may contain anything), so
// folding counts is adding numbers by name, and reading them back is splitting names.
import type { PageEvent } from "./event.ts";

export type Counts = Record<string, number>;

/** How a submission ended. */
export const OUTCOMES = ["accepted", "quarantined", "refused", "discarded"] as const;
export type Outcome = (typeof OUTCOMES)[number];

const name = (...parts: Array<string | number>) => parts.map((part) => encodeURIComponent(String(part))).join("|");

/** Counter names, by what they count. */
export const counter = {
  view: (service: string, variant: string, page: string) => name("vue", service, variant, page),
  /** Fillings whose furthest question is `index` (moves in and out: see ProgressEvent). */
  furthest: (service: string, variant: string, index: number) => name("plus-loin", service, variant, index),
  outcome: (service: string, variant: string, outcome: Outcome) => name("envoi", service, variant, outcome),
  sourceView: (service: string, variant: string, source: string) => name("source-vue", service, variant, source),
  sourceAnswer: (service: string, variant: string, source: string) => name("source-reponse", service, variant, source),
  campaignView: (service: string, source: string, campaign: string) => name("campagne-vue", service, source, campaign),
  campaignAnswer: (service: string, source: string, campaign: string) => name("campagne-reponse", service, source, campaign),
  /** Accepted answers that give a question a value. */
  answered: (service: string, variant: string, question: string) => name("repondu", service, variant, question),
  /** Accepted answers that give a choice question this value. */
  choice: (service: string, variant: string, question: string, value: string) => name("choix", service, variant, question, value),
  /** Accepted answers by the commune of their address (INSEE code). */
  place: (service: string, citycode: string) => name("commune", service, citycode),
  /** Addresses inside and outside the territory (outside ones are refused, and counted here). */
  eligible: (service: string, variant: string, inside: boolean) => name("territoire", service, variant, inside ? "dans" : "hors"),
};

export type CounterKind = "vue" | "plus-loin" | "envoi" | "source-vue" | "source-reponse" | "campagne-vue" | "campagne-reponse" | "repondu" | "choix" | "commune" | "territoire";

/** A counter's name back to its kind and parts. */
export function parseCounter(key: string): { kind: CounterKind; parts: string[] } {
  const [kind, ...parts] = key.split("|").map((part) => decodeURIComponent(part));
  return { kind: kind as CounterKind, parts };
}

/** Where a visit or answer came from, as counted: a label, or « direct ». */
export const DIRECT = "direct";

/** The counts one page event adds. */
export function countsOfEvent(event: PageEvent): Counts {
  const { service, variant } = event;
  if (event.type === "progress") {
    const counts: Counts = { [counter.furthest(service, variant, event.to)]: 1 };
    if (event.from >= 0) counts[counter.furthest(service, variant, event.from)] = -1;
    return counts;
  }
  const source = event.source ?? DIRECT;
  const counts: Counts = { [counter.view(service, variant, event.page)]: 1 };
  if (event.page === "landing") {
    counts[counter.sourceView(service, variant, source)] = 1;
    if (event.campaign) counts[counter.campaignView(service, source, event.campaign)] = 1;
  }
  return counts;
}

/** What the server knows of a submission, for counting: no value that identifies anyone. */
export interface SubmissionCount {
  service: string;
  variant: string;
  outcome: Outcome;
  source?: string;
  campaign?: string;
  /** Questions given a value (accepted answers). */
  answered?: string[];
  /** Values of choice questions (accepted answers). */
  choices?: Array<{ question: string; value: string }>;
  /** Communes of the address answers (accepted answers). */
  places?: string[];
  /** Address answers inside the territory (accepted) and outside it (refused). */
  inside?: number;
  outside?: number;
}

export function countsOfSubmission(s: SubmissionCount): Counts {
  const counts: Counts = {};
  const add = (key: string, n = 1) => {
    if (n !== 0) counts[key] = (counts[key] ?? 0) + n;
  };
  add(counter.outcome(s.service, s.variant, s.outcome));
  // A quarantined answer is counted as such in the funnel; what it said waits for its release.
  if (s.outcome === "accepted") {
    const source = s.source ?? DIRECT;
    add(counter.sourceAnswer(s.service, s.variant, source));
    if (s.campaign) add(counter.campaignAnswer(s.service, source, s.campaign));
    for (const question of s.answered ?? []) add(counter.answered(s.service, s.variant, question));
    for (const { question, value } of s.choices ?? []) add(counter.choice(s.service, s.variant, question, value));
    for (const place of s.places ?? []) add(counter.place(s.service, place));
    add(counter.eligible(s.service, s.variant, true), s.inside ?? 0);
  }
  add(counter.eligible(s.service, s.variant, false), s.outside ?? 0);
  return counts;
}

/** Adds `more` into `into` (zeros dropped). */
export function addCounts(into: Counts, more: Counts): Counts {
  for (const [key, n] of Object.entries(more)) {
    const sum = (into[key] ?? 0) + n;
    if (sum === 0) delete into[key];
    else into[key] = sum;
  }
  return into;
}

export function isCounts(value: unknown): value is Counts {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((n) => typeof n === "number" && Number.isSafeInteger(n))
  );
}
