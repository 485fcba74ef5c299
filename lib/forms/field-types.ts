// The types of form field, as the submit function and the browser use them: the vocabulary's name,
// how an answer is parsed and checked (parse.ts) and the HTML controls' attributes (controls.ts).
// Browser-safe: bundled into site/js/form.ts, so nothing here may reach markup, cells or Airtable.
//
// A type of field is one entry in each of these maps, keyed by the vocabulary's id; each map is
// declared `satisfies Record<FieldTypeId, …>`, so a type added to the vocabulary does not compile
// until every one has its entry:
//   lib/vocabulary/index.ts   FIELD_TYPE_VOCABULARY  id, the label of the Type column, needsOptions,
//                                                    range (Minimum/Maximum), answered
//   lib/forms/parse.ts        FIELD_PARSERS          checks, normalisation, error messages
//   lib/forms/controls.ts     FIELD_CONTROLS         HTML attributes, focus target of the error summary
//   lib/forms/markup.ts       FIELD_MARKUP           DSFR (and Alpine) markup; build and submit function only
//   lib/forms/cells.ts        FIELD_CELLS            the answer as a spreadsheet cell (export, review)
//   lib/airtable/columns.ts   AIRTABLE_COLUMNS       the Airtable column and cell value
import { FIELD_TYPE_IDS, FIELD_TYPE_VOCABULARY, type FieldTypeId } from "../vocabulary/index.ts";
import { FIELD_CONTROLS, type FieldControl } from "./controls.ts";
import { FIELD_PARSERS, type Parse } from "./parse.ts";

export {
  AUTOCOMPLETE_TOKENS,
  FIELD_TYPE_BY_LABEL,
  FIELD_TYPE_IDS,
  formatNumber,
  takesAnswer,
  YES_NO,
  type FieldTypeId,
} from "../vocabulary/index.ts";
export {
  addressIdName,
  emptyFields,
  fieldId,
  messagesId,
  optionId,
  type AddressValue,
  type FieldSpec,
  type FieldValue,
  type RawFields,
} from "./field-spec.ts";
export { banIdKind, formatAmount, HOUSE_NUMBER_REQUIRED, validSiret, type ParseResult } from "./parse.ts";

export interface FieldType extends FieldControl {
  /** The value of the Type column in the Questions table. */
  label: string;
  /** Choice types list their answers in the Options column. */
  needsOptions: boolean;
  /** The Questions table's Minimum and Maximum apply. */
  range: boolean;
  /** False for a text that asks nothing: never required, never stored, no column. */
  answered: boolean;
  /** Reads and checks the field's answer in what the form submitted. */
  parse: Parse;
}

export const FIELD_TYPES: Readonly<Record<FieldTypeId, FieldType>> = Object.fromEntries(
  FIELD_TYPE_IDS.map((id): [FieldTypeId, FieldType] => [
    id,
    { ...FIELD_TYPE_VOCABULARY[id], parse: FIELD_PARSERS[id], ...FIELD_CONTROLS[id] },
  ]),
) as Record<FieldTypeId, FieldType>;

export function fieldType(id: FieldTypeId): FieldType {
  return FIELD_TYPES[id];
}
