// The HTML controls of each type of field: their validation attributes (what assistive technology
// announces and the browser's autofill reads) and the element an error summary link focuses.
// Browser-safe: bundled into site/js/form.ts.
import type { AttributeValue } from "../site/html.ts";
import { readDateBound, type FieldTypeId } from "../vocabulary/index.ts";
import { fieldId, optionId, type FieldSpec } from "./field-spec.ts";
import { COMMUNE_MAX, EMAIL_MAX, LONG_TEXT_MAX, SHORT_TEXT_MAX } from "./parse.ts";

export interface FieldControl {
  /** The HTML validation attributes on the field's control(s). */
  attributes(field: FieldSpec): Record<string, AttributeValue>;
  /** The element an error summary link should move focus to. */
  focusId(field: FieldSpec): string;
}

/** A single-line <input>: the attributes every one has, then the type's own. */
function input(type: string, own: (field: FieldSpec) => Record<string, AttributeValue> = () => ({})): FieldControl {
  return {
    attributes: (field) => ({
      type,
      required: field.required,
      autocomplete: field.autocomplete,
      placeholder: field.placeholder,
      ...own(field),
    }),
    focusId: fieldId,
  };
}

function choices(control: "radio" | "checkbox"): FieldControl {
  return {
    // A required checkbox group cannot be expressed in HTML ("at least one"): only radios get it.
    attributes: (field) => ({ type: control, required: control === "radio" && field.required }),
    focusId: (field) => optionId(field, 0),
  };
}

/** A bound written as a day (2026-11-30), undefined for « aujourd'hui », « -18 ans »… */
function absoluteDay(written: string | undefined): string | undefined {
  const bound = written === undefined ? undefined : readDateBound(written);
  return bound?.kind === "absolute" ? bound.date : undefined;
}

export const FIELD_CONTROLS = {
  "short-text": input("text", () => ({ maxlength: SHORT_TEXT_MAX })),
  "long-text": {
    attributes: (field) => ({ required: field.required, maxlength: LONG_TEXT_MAX, placeholder: field.placeholder }),
    focusId: fieldId,
  },
  email: input("email", (field) => ({ autocomplete: field.autocomplete ?? "email", maxlength: EMAIL_MAX, spellcheck: "false" })),
  phone: input("tel", (field) => ({ autocomplete: field.autocomplete ?? "tel", maxlength: 25 })),
  // No min/max attributes: they do not apply to a text input, and the range is in the hint.
  number: input("text", () => ({ inputmode: "decimal", maxlength: 20 })),
  // The numeric keypad has no minus sign on every phone: only when the Minimum rules negatives out.
  integer: input("text", (field) => ({ inputmode: field.min !== undefined && field.min >= 0 ? "numeric" : undefined, maxlength: 20 })),
  amount: input("text", () => ({ inputmode: "decimal", maxlength: 20 })),
  // Absolute bounds only: the page is built once, so relative ones are set by the page's script (site/js/form.ts).
  date: input("date", (field) => ({ min: absoluteDay(field.earliest), max: absoluteDay(field.latest) })),
  // Spaces are allowed ("93 140"), hence more than 5 characters.
  "postal-code": input("text", (field) => ({ autocomplete: field.autocomplete ?? "postal-code", inputmode: "numeric", maxlength: 10 })),
  siret: input("text", () => ({ inputmode: "numeric", maxlength: 20, spellcheck: "false" })),
  "yes-no": choices("radio"),
  radio: choices("radio"),
  select: {
    attributes: (field) => ({ required: field.required, autocomplete: field.autocomplete }),
    focusId: fieldId,
  },
  checkboxes: choices("checkbox"),
  consent: {
    attributes: (field) => ({ type: "checkbox", required: field.required }),
    focusId: fieldId,
  },
  address: {
    attributes: (field) => ({
      type: "text",
      required: field.required,
      maxlength: SHORT_TEXT_MAX,
      autocomplete: field.autocomplete ?? "street-address",
      placeholder: field.placeholder,
    }),
    focusId: fieldId,
  },
  // The browser's autofill offers the city (address-level2): the server finds its INSEE code.
  commune: input("text", (field) => ({ autocomplete: field.autocomplete ?? "address-level2", maxlength: COMMUNE_MAX, spellcheck: "false" })),
  department: {
    attributes: (field) => ({ required: field.required, autocomplete: field.autocomplete }),
    focusId: fieldId,
  },
  region: {
    attributes: (field) => ({ required: field.required, autocomplete: field.autocomplete }),
    focusId: fieldId,
  },
  // No control: never in error, so never the target of the error summary.
  explanation: { attributes: () => ({}), focusId: fieldId },
  section: { attributes: () => ({}), focusId: fieldId },
} satisfies Record<FieldTypeId, FieldControl>;
