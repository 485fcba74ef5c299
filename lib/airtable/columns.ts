// Each type of question's column in the Airtable answers table, and its answers as that column's
// cell values. The answer sink (answer-sink.ts) creates the columns and writes the rows; the forms
// never know Airtable is there.
import type { FieldTypeId } from "../vocabulary/index.ts";
import type { FieldSpec, FieldValue } from "../forms/field-spec.ts";
import { CHECKBOX_OPTIONS, choicesOptions, DATE_OPTIONS, NUMBER_OPTIONS, type AirtableFieldSpec } from "./types.ts";

export interface AirtableColumn {
  /** The column that receives the question's answers (its name is the question's label). */
  field(field: FieldSpec): Omit<AirtableFieldSpec, "name">;
  /** The answer as a cell value of that column. */
  value(value: FieldValue): unknown;
}

const asIs = (value: FieldValue): unknown => value;
const fixed = (spec: Omit<AirtableFieldSpec, "name">): AirtableColumn => ({ field: () => spec, value: asIs });
const choices = (type: "singleSelect" | "multipleSelects"): AirtableColumn => ({
  field: (field) => ({ type, options: choicesOptions(field.options) }),
  value: asIs,
});

export const AIRTABLE_COLUMNS = {
  "short-text": fixed({ type: "singleLineText" }),
  "long-text": fixed({ type: "multilineText" }),
  email: fixed({ type: "email" }),
  phone: fixed({ type: "phoneNumber" }),
  number: fixed({ type: "number", options: NUMBER_OPTIONS }),
  date: fixed({ type: "date", options: DATE_OPTIONS }),
  radio: choices("singleSelect"),
  select: choices("singleSelect"),
  checkboxes: choices("multipleSelects"),
  consent: fixed({ type: "checkbox", options: CHECKBOX_OPTIONS }),
  // The label: the BAN id stays in the raw column.
  address: {
    field: () => ({ type: "singleLineText" }),
    value: (value) => (typeof value === "object" && !Array.isArray(value) ? value.label : value),
  },
} satisfies Record<FieldTypeId, AirtableColumn>;

/** The column of the answers table for a question. */
export function airtableColumn(field: FieldSpec): Omit<AirtableFieldSpec, "name"> {
  return AIRTABLE_COLUMNS[field.type].field(field);
}

/** An answer to a question as a cell value of its column. */
export function airtableValue(field: FieldSpec, value: FieldValue): unknown {
  return AIRTABLE_COLUMNS[field.type].value(value);
}
