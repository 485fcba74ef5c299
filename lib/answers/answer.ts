// An accepted answer, as stored and exported.
import { createHash } from "node:crypto";
import type { Values } from "../forms/validate.ts";
import { SLUG } from "../forms/definitions.ts";

export interface Answer {
  id: string;
  /** The form's (service's) slug. */
  form: string;
  submittedAt: string;
  source: "web";
  values: Values;
}

const INSTANCE = /^[A-Za-z0-9-]{16,64}$/;

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
