// Each type of field's answer as one spreadsheet cell, in French: what the CSV export
// (answers/export.ts) and the review of quarantined answers (answers/review.ts) show.
import type { FieldTypeId } from "../vocabulary/index.ts";
import type { FieldValue } from "./field-spec.ts";

export type Cell = (value: FieldValue) => string;

const text: Cell = (value) => (typeof value === "string" ? value : String(value));

export const FIELD_CELLS = {
  "short-text": text,
  "long-text": text,
  email: text,
  phone: text,
  number: (value) => (typeof value === "number" ? String(value).replace(".", ",") : text(value)),
  date: text,
  radio: (value) => (Array.isArray(value) ? value.join(" ; ") : text(value)),
  select: text,
  checkboxes: (value) => (Array.isArray(value) ? value.join(" ; ") : text(value)),
  consent: (value) => (value === true ? "Oui" : "Non"),
  address: (value) => (typeof value === "object" && !Array.isArray(value) ? value.label : text(value)),
} satisfies Record<FieldTypeId, Cell>;

/** An answer to a question of this type, as a spreadsheet cell. */
export function answerCell(type: FieldTypeId, value: FieldValue): string {
  return FIELD_CELLS[type](value);
}
