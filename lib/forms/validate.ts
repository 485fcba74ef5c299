// Server-side (and inline) validation of a whole submission against a form definition.
import { readForm, type FieldValue, type RawFields } from "./field-types.ts";
import type { ParseContext } from "./parse.ts";
import type { FormDefinition } from "./definitions.ts";

export type Values = Record<string, FieldValue>;
export type FieldErrors = Record<string, string>;

/** `ineligible`: the question whose answer ended the form as not eligible (the answer is still kept). */
export type Validation = { ok: true; values: Values; ineligible?: string } | { ok: false; errors: FieldErrors };

/**
 * `context.today`: the day relative date bounds start from (the submit function's clock; default:
 * today in Paris). A question its « Afficher si » hides is neither required nor stored: whatever
 * was sent under its name is ignored (readForm).
 */
export function validateSubmission(form: FormDefinition, raw: RawFields, context: ParseContext = {}): Validation {
  const values: Values = {};
  const errors: FieldErrors = {};
  const { results, ineligible } = readForm(form.fields, raw, context);
  for (const [key, result] of results) {
    if (!result.ok) errors[key] = result.error;
    else if (result.value !== null) values[key] = result.value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return ineligible ? { ok: true, values, ineligible } : { ok: true, values };
}
