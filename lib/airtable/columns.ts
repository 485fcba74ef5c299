// Each type of question's column in the Airtable answers table, and its answers as that column's
// cell values. The answer sink (answer-sink.ts) creates the columns and writes the rows; the forms
// never know Airtable is there.
import { YES_NO, type FieldTypeId } from "../vocabulary/index.ts";
import { addressParts, type FieldSpec, type FieldValue } from "../forms/field-spec.ts";
import { ADDRESS_PART_COLUMNS, addressPartName, communeText } from "../forms/cells.ts";
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

/** Coordinates to a tenth of a metre or so: more than any address's position means. */
const COORDINATE_OPTIONS = { precision: 6 };

const PART_FIELDS = {
  // Text, like the « Code postal » question's column: a number column would drop a leading 0.
  postcode: { type: "singleLineText", description: "Le code postal de l'adresse, tel que la Base Adresse Nationale le connaît." },
  city: { type: "singleLineText", description: "La commune de l'adresse : pour compter les réponses par commune." },
  citycode: { type: "singleLineText", description: "Le code INSEE de la commune de l'adresse (5 caractères, 2A004 en Corse) : pour relier les réponses à d'autres données par commune." },
  lat: { type: "number", options: COORDINATE_OPTIONS, description: "La latitude de l'adresse (degrés, WGS 84) : pour placer la réponse sur une carte." },
  lon: { type: "number", options: COORDINATE_OPTIONS, description: "La longitude de l'adresse (degrés, WGS 84)." },
} satisfies Record<(typeof ADDRESS_PART_COLUMNS)[number]["part"], Omit<AirtableFieldSpec, "name">>;

/**
 * The columns an « Adresse » question adds after its own (named as in the CSV export,
 * lib/forms/cells.ts), leaving out a name already taken by another column.
 */
export function addressPartFields(label: string, taken: ReadonlySet<string> = new Set()): AirtableFieldSpec[] {
  return ADDRESS_PART_COLUMNS.map((column) => ({ name: addressPartName(label, column), ...PART_FIELDS[column.part] })).filter((field) => !taken.has(field.name));
}

/**
 * An address's parts as the cells of its part columns: emptied when the server did not find the
 * address, so that a corrected answer never keeps the parts of the address it replaced.
 */
export function addressPartValues(label: string, value: FieldValue, taken: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const parts = typeof value === "object" && !Array.isArray(value) ? addressParts(value) : undefined;
  const cells: Record<string, unknown> = {};
  for (const column of ADDRESS_PART_COLUMNS) {
    const name = addressPartName(label, column);
    if (taken.has(name)) continue;
    cells[name] = parts ? parts[column.part] : PART_FIELDS[column.part].type === "number" ? null : "";
  }
  return cells;
}
