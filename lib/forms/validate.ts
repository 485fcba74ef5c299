// Server-side (and inline) validation of a whole submission against a form definition.
import { fieldType, type FieldValue, type RawFields } from "./field-types.ts";
import type { ParseContext } from "./parse.ts";
import type { FormDefinition } from "./definitions.ts";

export type Values = Record<string, FieldValue>;
export type FieldErrors = Record<string, string>;

export type Validation = { ok: true; values: Values } | { ok: false; errors: FieldErrors };

/** `context.today`: the day relative date bounds start from (the submit function's clock; default: today in Paris). */
export function validateSubmission(form: FormDefinition, raw: RawFields, context: ParseContext = {}): Validation {
  const values: Values = {};
  const errors: FieldErrors = {};
  for (const field of form.fields) {
    const result = fieldType(field.type).parse(field, raw, context);
    if (!result.ok) errors[field.key] = result.error;
    else if (result.value !== null) values[field.key] = result.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}
