// An accepted answer, as stored and exported.
import { createHash } from "node:crypto";
import type { Values } from "../forms/validate.ts";

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

/**
 * The answer's id, derived from what identifies one filling of the form so that submitting it
 * twice (double click, retried request) gives the same id and is stored once. The browser gives
 * each form instance a random id; without JavaScript there is none, and the content stands in.
 */
export function answerId(form: string, instance: string | undefined, values: Values): string {
  const basis = instance && INSTANCE.test(instance) ? `instance:${instance}` : `values:${canonical(values)}`;
  return createHash("sha256").update(`${form}\n${basis}`).digest("hex").slice(0, 24);
}

export const ANSWER_ID = /^[a-f0-9]{24}$/;
