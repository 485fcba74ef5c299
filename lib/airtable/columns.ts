// Each type of question's column in the Airtable answers table, and its answers as that column's
// cell values. The answer sink (answer-sink.ts) creates the columns and writes the rows; the forms
// never know Airtable is there.
import { YES_NO, type FieldTypeId } from "../vocabulary/index.ts";
import type { FieldSpec, FieldValue } from "../forms/field-spec.ts";
import { communeText } from "../forms/cells.ts";
import { DEPARTMENT_LABELS, REGION_LABELS } from "../places/divisions.ts";
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
  integer: fixed({ type: "number", options: { precision: 0 } }),
  // A number with its cents: Airtable's currency type is neither a column type of the kit nor one its test server models.
  amount: fixed({ type: "number", options: NUMBER_OPTIONS }),
  date: fixed({ type: "date", options: DATE_OPTIONS }),
  // Text: a number column would drop a leading 0 (01000) and read a code as a quantity.
  "postal-code": fixed({ type: "singleLineText" }),
  siret: fixed({ type: "singleLineText" }),
  "yes-no": fixed({ type: "singleSelect", options: choicesOptions(YES_NO) }),
  radio: choices("singleSelect"),
  select: choices("singleSelect"),
  checkboxes: choices("multipleSelects"),
  consent: fixed({ type: "checkbox", options: CHECKBOX_OPTIONS }),
  // The label: the BAN id stays in the raw column.
  address: {
    field: () => ({ type: "singleLineText" }),
    value: (value) => (typeof value === "object" && !Array.isArray(value) ? value.label : value),
  },
  // Text, « Bondy (93010) » as in the export: the INSEE code is what joins the answer to other data.
  commune: {
    field: () => ({ type: "singleLineText" }),
    value: (value) => (typeof value === "object" && !Array.isArray(value) ? communeText(value) : value),
  },
  // The State's lists: a select column, so Airtable filters and groups by them.
  department: fixed({ type: "singleSelect", options: choicesOptions(DEPARTMENT_LABELS) }),
  region: fixed({ type: "singleSelect", options: choicesOptions(REGION_LABELS) }),
  // A question that takes no answer never has a value: whoever lists the answer columns leaves it
  // out (takesAnswer); this entry only completes the map.
  explanation: fixed({ type: "singleLineText" }),
  section: fixed({ type: "singleLineText" }),
} satisfies Record<FieldTypeId, AirtableColumn>;

/** The column of the answers table for a question. */
export function airtableColumn(field: FieldSpec): Omit<AirtableFieldSpec, "name"> {
  return AIRTABLE_COLUMNS[field.type].field(field);
}

/** An answer to a question as a cell value of its column. */
export function airtableValue(field: FieldSpec, value: FieldValue): unknown {
  return AIRTABLE_COLUMNS[field.type].value(value);
}
