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
import { FIELD_TYPE_IDS, FIELD_TYPE_VOCABULARY, YES_NO, type Condition, type FieldTypeId, type Rule } from "../vocabulary/index.ts";
import { FIELD_CONTROLS, type FieldControl } from "./controls.ts";
import type { FieldSpec, FieldValue, RawFields } from "./field-spec.ts";
import { FIELD_PARSERS, type Parse, type ParseContext, type ParseResult } from "./parse.ts";

export {
  AUTOCOMPLETE_TOKENS,
  FIELD_TYPE_BY_LABEL,
  FIELD_TYPE_IDS,
  formatNumber,
  takesAnswer,
  YES_NO,
  type Condition,
  type FieldTypeId,
  type Rule,
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
export { banIdKind, formatAmount, HOUSE_NUMBER_REQUIRED, validSiret, type ParseContext, type ParseResult } from "./parse.ts";

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

// ---------------------------------------------------------------------------------------------
// « Afficher si »: which questions a submission shows. The submit function and the browser run
// this one function, so a question the page hid is one the server neither requires nor stores.

/** Whether an answer, as parsed (null: none, or one that did not parse), meets a condition or a rule. */
export function conditionHolds(condition: Rule, value: FieldValue | null | undefined): boolean {
  const answers = answerTexts(value);
  const met =
    condition.operator === "contains"
      ? answers.includes(condition.value)
      : // « = » on ticked boxes: exactly that one ticked.
        answers.length === 1 && sameAnswer(answers[0] as string, condition.value);
  return condition.operator === "differs" ? !met : met;
}

/** An answer as the texts a condition compares: « Oui » for a ticked consent, the label of an address. */
function answerTexts(value: FieldValue | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === "boolean") return value ? [YES_NO[0]] : [];
  if (typeof value === "object") return [value.label];
  return [String(value)];
}

/** Numbers compare as numbers (« 2,5 » is 2.5), other answers as written. */
function sameAnswer(answer: string, expected: string): boolean {
  if (answer === expected) return true;
  const [a, b] = [answer, expected].map((text) => (/^-?\d+(?:[.,]\d+)?$/.test(text.trim()) ? Number(text.trim().replace(",", ".")) : NaN));
  return a !== undefined && !Number.isNaN(a) && a === b;
}

export interface FormReading {
  /** The keys of the questions the answers so far show (those without « Afficher si » always). */
  shown: ReadonlySet<string>;
  /** Each shown question's answer, parsed: a hidden one is not read at all. */
  results: ReadonlyMap<string, ParseResult>;
  /** The question whose answer met one of its « Non éligible si »: the form ends there. */
  ineligible?: string;
}

/** Whether a question's answer, as parsed, makes the person not eligible (an empty answer never does). */
export function ineligibleBy(field: Pick<FieldSpec, "ineligibleIf">, result: ParseResult | undefined): boolean {
  if (!result?.ok || result.value === null || result.value === false) return false;
  const value = result.value;
  return (field.ineligibleIf ?? []).some((rule) => conditionHolds(rule, value));
}

/**
 * Reads a submission in the form's order: a question is shown when all its conditions hold on
 * the answers of the shown questions before it, and no answer before it ended the form as not
 * eligible (the person learns it there, not fifteen questions later).
 */
export function readForm(fields: readonly FieldSpec[], raw: RawFields, context: ParseContext = {}): FormReading {
  const shown = new Set<string>();
  const results = new Map<string, ParseResult>();
  const valueOf = (key: string) => {
    const result = results.get(key);
    return result?.ok ? result.value : null;
  };
  for (const field of fields) {
    // A condition on a hidden question never holds, « ≠ » included: hiding one hides its dependants.
    const holds = (condition: Condition) => shown.has(condition.question) && conditionHolds(condition, valueOf(condition.question));
    if (!(field.conditions ?? []).every(holds)) continue;
    shown.add(field.key);
    const result = fieldType(field.type).parse(field, raw, context);
    results.set(field.key, result);
    if (ineligibleBy(field, result)) return { shown, results, ineligible: field.key };
  }
  return { shown, results };
}
