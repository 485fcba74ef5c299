// An accepted answer, as stored and exported.
import { createHash } from "node:crypto";
import type { Values } from "../forms/validate.ts";
import { SLUG } from "../forms/definitions.ts";

/** Why a submission that only looks automated was kept aside instead of counted as an answer. */
export const QUARANTINE_REASONS = {
  "too-fast": "envoyée moins de 3 secondes après l'ouverture du formulaire",
  "no-timing": "sans mesure du temps de remplissage (JavaScript désactivé, ou envoi automatique)",
  "bad-timing": "mesure du temps de remplissage invalide ou expirée",
} as const;

export type QuarantineReason = keyof typeof QUARANTINE_REASONS;

/** Why a submission was dropped without being kept; only counted. */
export const DISCARD_REASONS = {
  honeypot: "champ piège rempli (robot)",
} as const;

export type DiscardReason = keyof typeof DISCARD_REASONS;

/** An earlier version of an answer that was sent again with other values. */
export interface AnswerVersion {
  submittedAt: string;
  values: Values;
}

export interface Answer {
  id: string;
  /** The form's (service's) slug. */
  form: string;
  submittedAt: string;
  source: "web";
  values: Values;
  /** The landing page's variant the citizen saw (its slug); absent for the main page. */
  variant?: string;
  /** Where the visit came from (utm_source, ref or the referring site; utm_campaign), when known. */
  origin?: { source?: string; campaign?: string };
  /** Set when an answer met a question's « Non éligible si »: the form ended at that question (its key). */
  ineligible?: { question: string };
  /** Set while the answer is in quarantine: kept, but out of the answers until someone releases it. */
  quarantine?: { reason: QuarantineReason };
  /** Earlier versions, oldest first, when the same filling was sent again with other values. */
  history?: AnswerVersion[];
}

/** Where an answer came from, in words: « lettre / janvier », or "" when unknown (a direct visit, JavaScript off). */
export function originText(answer: Pick<Answer, "origin">): string {
  const { source, campaign } = answer.origin ?? {};
  return [source, campaign].filter(Boolean).join(" / ");
}

export type PutResult = "created" | "duplicate" | "updated";

/**
 * What storing `incoming` over what is stored under the same id gives. The same values again are
 * a duplicate (a double click, a retried request). Other values are a correction: the last one
 * wins and the earlier values go to its history. An answer once trusted stays trusted: a re-send
 * that looks automated does not send it back to quarantine.
 */
export function mergeAnswer(stored: Answer | undefined, incoming: Answer): { result: PutResult; answer: Answer } {
  if (!stored) return { result: "created", answer: incoming };
  const sameValues = canonical(stored.values) === canonical(incoming.values);
  const quarantine = stored.quarantine && incoming.quarantine ? stored.quarantine : undefined;
  if (sameValues && Boolean(quarantine) === Boolean(stored.quarantine)) return { result: "duplicate", answer: stored };
  // The incoming answer's own history comes after the stored version (a queue entry merged onto
  // its archived copy, say).
  const history = [...(stored.history ?? [])];
  if (!sameValues) history.push({ submittedAt: stored.submittedAt, values: stored.values });
  if (!sameValues) history.push(...(incoming.history ?? []));
  const { quarantine: _q, history: _h, ...rest } = sameValues ? stored : incoming;
  return {
    result: "updated",
    answer: { ...rest, ...(quarantine ? { quarantine } : {}), ...(history.length ? { history } : {}) },
  };
}

/** An answer released from quarantine by a person. */
export function released(answer: Answer): Answer {
  const { quarantine: _q, ...rest } = answer;
  return rest;
}

/** Whether a parsed JSON value has the shape of a stored answer (files and blobs can be damaged). */
export function isAnswer(value: unknown): value is Answer {
  const a = value as Partial<Answer> | null;
  return Boolean(
    a && typeof a === "object" && typeof a.id === "string" && typeof a.form === "string" &&
      typeof a.submittedAt === "string" && a.values !== null && typeof a.values === "object" && !Array.isArray(a.values),
  );
}

const INSTANCE = /^[A-Za-z0-9_-]{16,64}$/;

/** Sorted-key JSON, so that the same values always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const hash = (form: string, basis: string) => createHash("sha256").update(`${form}\n${basis}`).digest("hex").slice(0, 24);

/** Without JavaScript, a re-sent form counts as the same answer for this long (and up to twice that). */
export const NO_SCRIPT_WINDOW_MS = 10 * 60_000;

export interface AnswerIds {
  id: string;
  /** The id the same submission had in the previous time window: if stored, this one is a re-send. */
  previous?: string;
}

/**
 * The answer's id, derived from what identifies one filling of the form, so that submitting it
 * twice (double click, retried request) gives the same id and is stored once. The browser gives
 * each form instance a random id. Without JavaScript there is none: the values, who sent them
 * (a hash of address and browser, never stored) and the time window stand in, so two citizens
 * giving identical answers are still two answers.
 */
export function answerIds(form: string, instance: string | undefined, values: Values, client: string, at: number): AnswerIds {
  if (instance && INSTANCE.test(instance)) return { id: hash(form, `instance:${instance}`) };
  const window = Math.floor(at / NO_SCRIPT_WINDOW_MS);
  const basis = (w: number) => `values:${canonical(values)}\nclient:${client}\nwindow:${w}`;
  return { id: hash(form, basis(window)), previous: hash(form, basis(window - 1)) };
}

export const ANSWER_ID = /^[a-f0-9]{24}$/;

/** Whether a form slug and an answer id are safe to use as key or path segments of a store. */
export function isAnswerKey(form: string, id: string): boolean {
  return SLUG.test(form) && ANSWER_ID.test(id);
}

export function checkAnswerKey(form: string, id: string): void {
  if (!isAnswerKey(form, id)) throw new Error(`invalid answer id or form: ${form}/${id}`);
}

/** Stores list answers oldest first. */
export const bySubmission = (a: Answer, b: Answer): number => a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id);
