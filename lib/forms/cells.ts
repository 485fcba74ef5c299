// Each type of field's answer as one spreadsheet cell, in French: what the CSV export
// (answers/export.ts) and the review of quarantined answers (answers/review.ts) show.
import type { FieldTypeId } from "../vocabulary/index.ts";
import type { AddressValue, FieldValue } from "./field-spec.ts";

export type Cell = (value: FieldValue) => string;

const text: Cell = (value) => (typeof value === "string" ? value : String(value));

/** A decimal number as French spreadsheets read one: 2,5. */
const decimal: Cell = (value) => (typeof value === "number" ? String(value).replace(".", ",") : text(value));

export const FIELD_CELLS = {
  "short-text": text,
  "long-text": text,
  email: text,
  phone: text,
  number: decimal,
  integer: decimal,
  // Always with its cents: 49,90.
  amount: (value) => (typeof value === "number" ? value.toFixed(2).replace(".", ",") : text(value)),
  date: text,
  "postal-code": text,
  // Grouped as INSEE writes it (732 829 320 00074): a spreadsheet keeps it as text, not as 7,32829E+13.
  siret: (value) => (typeof value === "string" && /^\d{14}$/.test(value) ? value.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, "$1 $2 $3 $4") : text(value)),
  "yes-no": text,
  radio: (value) => (Array.isArray(value) ? value.join(" ; ") : text(value)),
  select: text,
  checkboxes: (value) => (Array.isArray(value) ? value.join(" ; ") : text(value)),
  consent: (value) => (value === true ? "Oui" : "Non"),
  address: (value) => (typeof value === "object" && !Array.isArray(value) ? value.label : text(value)),
  // « Bondy (93010) »: the name for a person, the INSEE code for whoever joins other data to it.
  commune: (value) => (typeof value === "object" && !Array.isArray(value) ? communeText(value) : text(value)),
  department: text,
  region: text,
  // A question that takes no answer never has a value: whoever lists the columns leaves it out (takesAnswer).
  explanation: text,
  section: text,
} satisfies Record<FieldTypeId, Cell>;

/** A commune's answer as one text: its name, and its INSEE code in brackets when it has one. */
export function communeText(value: AddressValue): string {
  return value.id ? `${value.label} (${value.id})` : value.label;
}

/** An answer to a question of this type, as a spreadsheet cell. */
export function answerCell(type: FieldTypeId, value: FieldValue): string {
  return FIELD_CELLS[type](value);
}
