// Each type of field's answer as one spreadsheet cell, in French: what the CSV export
// (answers/export.ts) and the review of quarantined answers (answers/review.ts) show.
import type { FieldTypeId } from "../vocabulary/index.ts";
import { addressParts, type AddressParts, type AddressValue, type FieldValue } from "./field-spec.ts";

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

/**
 * The columns an « Adresse » question adds after its own, in the CSV export and in Airtable, each
 * named after the question (« Adresse du logement – code postal »): a form with two addresses has
 * two sets, told apart by their question, and each sits next to its address when sorted by name.
 * The words are those of a French address form and of INSEE's data (« code INSEE », which joins an
 * answer to other data by commune); latitude before longitude, as maps and GPS say them.
 */
export const ADDRESS_PART_COLUMNS = [
  { part: "postcode", words: "code postal" },
  { part: "city", words: "commune" },
  { part: "citycode", words: "code INSEE" },
  { part: "lat", words: "latitude" },
  { part: "lon", words: "longitude" },
] as const satisfies ReadonlyArray<{ part: keyof AddressParts; words: string }>;

export type AddressPartColumn = (typeof ADDRESS_PART_COLUMNS)[number];

/** The name of one of an address question's part columns. */
export const addressPartName = (label: string, column: AddressPartColumn): string => `${label} – ${column.words}`;

/**
 * An address's parts as the cells of its part columns, in their order: empty when the server did
 * not find the address (nor for an answer stored before the parts were kept). Coordinates with a
 * decimal comma, as French spreadsheets read numbers.
 */
export function addressPartCells(value: FieldValue | undefined): string[] {
  const parts = typeof value === "object" && !Array.isArray(value) ? addressParts(value) : undefined;
  return ADDRESS_PART_COLUMNS.map(({ part }) => {
    const cell = parts?.[part];
    return cell === undefined ? "" : typeof cell === "number" ? String(cell).replace(".", ",") : cell;
  });
}
