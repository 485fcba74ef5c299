// Every kind of form field lives here, and only here: the name the intrapreneur picks in the
// Questions table, the DSFR markup, the HTML validation attributes and the validator that the
// submit function (and the browser, for inline validation) run. Adding a type means adding one
// entry to FIELD_TYPES. This module must stay free of Node APIs: it is bundled for the browser.
import { attributes, classes, escapeHtml, type AttributeValue } from "../site/html.ts";
import { formatNumber, type FieldTypeId } from "../vocabulary/index.ts";
import type { Question } from "../base/model.ts";

export { AUTOCOMPLETE_TOKENS, FIELD_TYPE_BY_LABEL, FIELD_TYPE_IDS, formatNumber, type FieldTypeId } from "../vocabulary/index.ts";
import { citycodeOfBanId, inTerritory, OUT_OF_TERRITORY, type Territory } from "../address/territory.ts";
import {
  CHECKBOX_OPTIONS,
  choicesOptions,
  DATE_OPTIONS,
  NUMBER_OPTIONS,
  type AirtableFieldSpec,
} from "../airtable/types.ts";

/**
 * A form field as the pages, the browser and the functions see it: a question of the base, under
 * the key its answers are stored by (its record id), with the territory for an address.
 */
export type FieldSpec = Omit<Question, "id" | "order"> & {
  /** The name under which the answer is submitted and stored: the question's record id. */
  key: string;
  /** For an address: the experiment's territory, when the Site table defines one. */
  territory?: Territory;
};

export interface AddressValue {
  label: string;
  /** The BAN id of the address the citizen picked in the list, when they did. */
  id?: string;
}

export type FieldValue = string | number | boolean | string[] | AddressValue;

/** Everything a form submitted, by field name: a name can carry several values (checkboxes). */
export type RawFields = Record<string, string[]>;

/** A RawFields with no prototype: a field named "constructor" or "__proto__" is just a field. */
export function emptyFields(): RawFields {
  return Object.create(null) as RawFields;
}

export type ParseResult = { ok: true; value: FieldValue | null } | { ok: false; error: string };

export interface RenderState {
  /** What the citizen submitted, kept when the form comes back with errors. */
  raw?: RawFields;
  error?: string;
}

export interface FieldType {
  /** The value of the Type column in the Questions table. */
  label: string;
  /** Choice types list their answers in the Options column. */
  needsOptions: boolean;
  /** The HTML validation attributes on the field's control(s). */
  attributes(field: FieldSpec): Record<string, AttributeValue>;
  render(field: FieldSpec, state?: RenderState): string;
  parse(field: FieldSpec, raw: RawFields): ParseResult;
  /** The element an error summary link should move focus to. */
  focusId(field: FieldSpec): string;
  /** The answer as one spreadsheet cell. */
  cell(value: FieldValue): string;
  /** The column of the Airtable answers table that receives this question's answers. */
  airtableField(field: FieldSpec): Omit<AirtableFieldSpec, "name">;
  /** The answer as an Airtable cell value for that column. */
  airtableValue(value: FieldValue): unknown;
}

const asIs = (value: FieldValue): unknown => value;

const SHORT_TEXT_MAX = 200;
const LONG_TEXT_MAX = 5000;
const EMAIL_MAX = 254;

// ---------------------------------------------------------------------------------------------
// Shared pieces

export const fieldId = (field: FieldSpec): string => `q-${field.key}`;
export const messagesId = (field: FieldSpec): string => `${fieldId(field)}-messages`;
/** Name of the hidden companion input that carries the chosen address's BAN id. */
export const addressIdName = (field: FieldSpec): string => `${field.key}__id`;

const first = (raw: RawFields, name: string): string => (raw[name]?.[0] ?? "").trim();

function requiredMessage(field: FieldSpec): string {
  return `Ce champ est obligatoire : renseignez « ${field.label} ».`;
}

function labelHtml(field: FieldSpec): string {
  const optional = field.required ? "" : " (facultatif)";
  const hint = field.hint ? ` <span class="fr-hint-text">${escapeHtml(field.hint)}</span>` : "";
  return `${escapeHtml(field.label)}${optional}${hint}`;
}

/** The error message inside a field's messages region (also set there by the browser). */
export function errorMessageHtml(field: FieldSpec, error: string | undefined): string {
  return error ? `<p class="fr-message fr-message--error" id="${fieldId(field)}-error">${escapeHtml(error)}</p>` : "";
}

function messagesHtml(field: FieldSpec, error: string | undefined): string {
  return `<div class="fr-messages-group" id="${messagesId(field)}" aria-live="polite">${errorMessageHtml(field, error)}</div>`;
}

/** Data attributes the browser uses to toggle the DSFR error state without re-rendering. */
function groupData(field: FieldSpec, errorClass: string): string {
  return attributes({ "data-kit-field": field.key, "data-kit-error-class": errorClass });
}

function textCell(value: FieldValue): string {
  return typeof value === "string" ? value : String(value);
}

// ---------------------------------------------------------------------------------------------
// Single-line inputs (text, e-mail, phone, number, date)

interface InputOptions {
  label: string;
  inputType: string;
  airtable: Omit<AirtableFieldSpec, "name">;
  attributes?: (field: FieldSpec) => Record<string, AttributeValue>;
  /** The hint shown under the label, when the type adds to the question's own (e.g. a number's range). */
  hint?: (field: FieldSpec) => string | undefined;
  /** Checks and normalises a non-empty value. */
  check: (value: string, field: FieldSpec) => ParseResult;
  cell?: (value: FieldValue) => string;
}

function inputType(options: InputOptions): FieldType {
  const type: FieldType = {
    label: options.label,
    needsOptions: false,
    attributes: (field) => ({
      type: options.inputType,
      required: field.required,
      autocomplete: field.autocomplete,
      placeholder: field.placeholder,
      ...options.attributes?.(field),
    }),
    render(field, state = {}) {
      const error = state.error;
      const value = state.raw?.[field.key]?.[0];
      return `<div class="${classes("fr-input-group", error && "fr-input-group--error")}"${groupData(field, "fr-input-group--error")}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml({ ...field, hint: options.hint ? options.hint(field) : field.hint })}</label>
<input class="${classes("fr-input", error && "fr-input--error")}"${attributes({
        id: fieldId(field),
        name: field.key,
        ...type.attributes(field),
        value,
        "aria-describedby": messagesId(field),
        "aria-invalid": error ? "true" : undefined,
      })}>
${messagesHtml(field, error)}
</div>`;
    },
    parse(field, raw) {
      const value = first(raw, field.key);
      if (value === "") return field.required ? { ok: false, error: requiredMessage(field) } : { ok: true, value: null };
      return options.check(value, field);
    },
    focusId: fieldId,
    cell: options.cell ?? textCell,
    airtableField: () => options.airtable,
    airtableValue: asIs,
  };
  return type;
}

function maxLength(max: number) {
  return (value: string): ParseResult =>
    value.length > max
      ? { ok: false, error: `Ce texte est trop long : ${max} caractères au maximum (vous en avez saisi ${value.length}).` }
      : { ok: true, value };
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

function checkEmail(value: string): ParseResult {
  if (value.length > EMAIL_MAX || !EMAIL.test(value)) {
    return { ok: false, error: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." };
  }
  return { ok: true, value };
}

function checkPhone(value: string): ParseResult {
  const compact = value.replace(/[\s.\-()]/g, "");
  const french = /^0[1-9]\d{8}$/.test(compact);
  const international = /^(\+|00)[1-9]\d{7,14}$/.test(compact);
  if (!french && !international) {
    return { ok: false, error: "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78." };
  }
  return { ok: true, value: compact.replace(/^00/, "+") };
}

/** Beyond 15 significant digits a decimal number no longer survives being stored as a double. */
const NUMBER_MAX_DIGITS = 15;


/** The accepted range of a number field, in words ("entre 1 et 20"), when it has one. */
function numberRange(field: FieldSpec): string | undefined {
  const { min, max } = field;
  if (min !== undefined && max !== undefined) return `entre ${formatNumber(min)} et ${formatNumber(max)}`;
  if (min !== undefined) return `supérieur ou égal à ${formatNumber(min)}`;
  if (max !== undefined) return `inférieur ou égal à ${formatNumber(max)}`;
  return undefined;
}

/** The question's hint, followed by the accepted range: the citizen learns it before making a mistake. */
function numberHint(field: FieldSpec): string | undefined {
  const range = numberRange(field);
  if (!range) return field.hint;
  const sentence = `Nombre ${range}.`;
  return field.hint ? `${field.hint} ${sentence}` : sentence;
}

function checkNumber(value: string, field: FieldSpec): ParseResult {
  const normalised = value.replace(/\s/g, "").replace(",", ".");
  const parts = /^[-+]?(\d+)(?:\.(\d+))?$/.exec(normalised);
  if (!parts) {
    return { ok: false, error: "Saisissez un nombre, par exemple 3 ou 2,5." };
  }
  const digits = (parts[1] as string).replace(/^0+/, "").length + (parts[2] ?? "").replace(/0+$/, "").length;
  const number = Number(normalised);
  if (digits > NUMBER_MAX_DIGITS || !Number.isFinite(number)) {
    return { ok: false, error: `Saisissez un nombre de ${NUMBER_MAX_DIGITS} chiffres au plus.` };
  }
  if ((field.min !== undefined && number < field.min) || (field.max !== undefined && number > field.max)) {
    return { ok: false, error: `Saisissez un nombre ${numberRange(field)}.` };
  }
  // -0 is 0 for whoever reads the answer.
  return { ok: true, value: number === 0 ? 0 : number };
}

/** Accepts what a date input sends (2027-03-15) and what a person types without one (15/03/2027). */
function checkDate(value: string): ParseResult {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : french
      ? [Number(french[3]), Number(french[2]), Number(french[1])]
      : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid =
    Number.isFinite(year) && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!valid || year < 1900 || year > 2200) {
    return { ok: false, error: "Saisissez une date valide, par exemple 15/03/2027." };
  }
  return { ok: true, value: date.toISOString().slice(0, 10) };
}

const numberCell = (value: FieldValue): string => (typeof value === "number" ? String(value).replace(".", ",") : textCell(value));

// ---------------------------------------------------------------------------------------------
// Choices

function optionId(field: FieldSpec, index: number): string {
  return `${fieldId(field)}-${index + 1}`;
}

function choiceType(label: string, control: "radio" | "checkbox"): FieldType {
  const multiple = control === "checkbox";
  const groupClass = multiple ? "fr-checkbox-group" : "fr-radio-group";
  const type: FieldType = {
    label,
    needsOptions: true,
    // A required checkbox group cannot be expressed in HTML ("at least one"): only radios get it.
    attributes: (field) => ({ type: control, required: !multiple && field.required }),
    render(field, state = {}) {
      const error = state.error;
      const chosen = new Set(state.raw?.[field.key] ?? []);
      const legendId = `${fieldId(field)}-legend`;
      const items = field.options
        .map(
          (option, index) => `<div class="fr-fieldset__element">
<div class="${groupClass}">
<input${attributes({
            id: optionId(field, index),
            name: field.key,
            value: option,
            checked: chosen.has(option),
            ...type.attributes(field),
            "aria-invalid": error ? "true" : undefined,
          })}>
<label class="fr-label" for="${optionId(field, index)}">${escapeHtml(option)}</label>
</div>
</div>`,
        )
        .join("\n");
      return `<fieldset class="${classes("fr-fieldset", error && "fr-fieldset--error")}" id="${fieldId(field)}" aria-labelledby="${legendId} ${messagesId(field)}"${groupData(field, "fr-fieldset--error")}>
<legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="${legendId}">${labelHtml(field)}</legend>
${items}
${messagesHtml(field, error)}
</fieldset>`;
    },
    parse(field, raw) {
      const values = [...new Set((raw[field.key] ?? []).map((v) => v.trim()).filter(Boolean))];
      if (values.length === 0) {
        if (!field.required) return { ok: true, value: null };
        return {
          ok: false,
          error: multiple
            ? `Cochez au moins une réponse pour « ${field.label} ».`
            : `Choisissez une réponse pour « ${field.label} ».`,
        };
      }
      if (values.some((v) => !field.options.includes(v)) || (!multiple && values.length > 1)) {
        return { ok: false, error: "Choisissez parmi les réponses proposées." };
      }
      return { ok: true, value: multiple ? values : (values[0] as string) };
    },
    focusId: (field) => optionId(field, 0),
    cell: (value) => (Array.isArray(value) ? value.join(" ; ") : textCell(value)),
    airtableField: (field) => ({ type: multiple ? "multipleSelects" : "singleSelect", options: choicesOptions(field.options) }),
    airtableValue: asIs,
  };
  return type;
}

const select: FieldType = {
  label: "Liste déroulante",
  needsOptions: true,
  attributes: (field) => ({ required: field.required, autocomplete: field.autocomplete }),
  render(field, state = {}) {
    const error = state.error;
    const chosen = state.raw?.[field.key]?.[0] ?? "";
    const options = field.options
      .map((option) => `<option${attributes({ value: option, selected: option === chosen })}>${escapeHtml(option)}</option>`)
      .join("");
    return `<div class="${classes("fr-select-group", error && "fr-select-group--error")}"${groupData(field, "fr-select-group--error")}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml(field)}</label>
<select class="${classes("fr-select", error && "fr-select--error")}"${attributes({
      id: fieldId(field),
      name: field.key,
      ...select.attributes(field),
      "aria-describedby": messagesId(field),
      "aria-invalid": error ? "true" : undefined,
    })}>
<option value=""${chosen === "" ? " selected" : ""}>Sélectionnez une réponse</option>${options}
</select>
${messagesHtml(field, error)}
</div>`;
  },
  parse(field, raw) {
    const value = first(raw, field.key);
    if (value === "") return field.required ? { ok: false, error: `Choisissez une réponse pour « ${field.label} ».` } : { ok: true, value: null };
    if (!field.options.includes(value)) return { ok: false, error: "Choisissez parmi les réponses proposées." };
    return { ok: true, value };
  },
  focusId: fieldId,
  cell: textCell,
  airtableField: (field) => ({ type: "singleSelect", options: choicesOptions(field.options) }),
  airtableValue: asIs,
};

const consent: FieldType = {
  label: "Case à cocher (consentement)",
  needsOptions: false,
  attributes: (field) => ({ type: "checkbox", required: field.required }),
  render(field, state = {}) {
    const error = state.error;
    const checked = (state.raw?.[field.key] ?? []).length > 0;
    return `<div class="${classes("fr-checkbox-group", error && "fr-checkbox-group--error")}"${groupData(field, "fr-checkbox-group--error")}>
<input${attributes({
      id: fieldId(field),
      name: field.key,
      value: "oui",
      checked,
      ...consent.attributes(field),
      "aria-describedby": messagesId(field),
      "aria-invalid": error ? "true" : undefined,
    })}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml(field)}</label>
${messagesHtml(field, error)}
</div>`;
  },
  parse(field, raw) {
    const checked = (raw[field.key] ?? []).some((v) => v.trim() !== "" && v !== "false");
    if (!checked && field.required) return { ok: false, error: `Cochez la case « ${field.label} » pour continuer.` };
    return { ok: true, value: checked };
  },
  focusId: fieldId,
  cell: (value) => (value === true ? "Oui" : "Non"),
  airtableField: () => ({ type: "checkbox", options: CHECKBOX_OPTIONS }),
  airtableValue: asIs,
};

// ---------------------------------------------------------------------------------------------
// Long text

const longText: FieldType = {
  label: "Texte long",
  needsOptions: false,
  attributes: (field) => ({ required: field.required, maxlength: LONG_TEXT_MAX, placeholder: field.placeholder }),
  render(field, state = {}) {
    const error = state.error;
    const value = state.raw?.[field.key]?.[0] ?? "";
    return `<div class="${classes("fr-input-group", error && "fr-input-group--error")}"${groupData(field, "fr-input-group--error")}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml(field)}</label>
<textarea class="${classes("fr-input", error && "fr-input--error")}"${attributes({
      id: fieldId(field),
      name: field.key,
      rows: 5,
      ...longText.attributes(field),
      "aria-describedby": messagesId(field),
      "aria-invalid": error ? "true" : undefined,
    })}>${escapeHtml(value)}</textarea>
${messagesHtml(field, error)}
</div>`;
  },
  parse(field, raw) {
    const value = first(raw, field.key);
    if (value === "") return field.required ? { ok: false, error: requiredMessage(field) } : { ok: true, value: null };
    return maxLength(LONG_TEXT_MAX)(value);
  },
  focusId: fieldId,
  cell: textCell,
  airtableField: () => ({ type: "multilineText" }),
  airtableValue: asIs,
};

// ---------------------------------------------------------------------------------------------
// Address: a plain text input without JavaScript; Alpine turns it into a combobox (site/js).

const ADDRESS_ID = /^[\w-]{1,64}$/;
const ADDRESS_HINT = "Saisissez le numéro et la voie, puis choisissez votre adresse dans la liste proposée.";

/**
 * The error when a question asks for a house number (« Numéro obligatoire ») and the address has
 * none. Shared with the server's check of addresses typed without choosing in the list.
 */
export const HOUSE_NUMBER_REQUIRED =
  "Indiquez le numéro de l'adresse, pas seulement la rue : par exemple « 12 rue de la République ».";

/**
 * What a BAN id designates: a house number (93010_0620_00055, 93010_0620_00055_bis), a street or
 * a lieu-dit (93010_0620), a commune (93010); undefined when the id is not a BAN id.
 */
export function banIdKind(id: string): "housenumber" | "street" | "municipality" | undefined {
  if (!/^(\d{5}|2[AB]\d{3})(_[A-Za-z0-9]+)*$/i.test(id)) return undefined;
  const parts = id.split("_").length;
  return parts >= 3 ? "housenumber" : parts === 2 ? "street" : "municipality";
}

const address: FieldType = {
  label: "Adresse",
  needsOptions: false,
  attributes: (field) => ({
    type: "text",
    required: field.required,
    maxlength: SHORT_TEXT_MAX,
    autocomplete: field.autocomplete ?? "street-address",
    placeholder: field.placeholder,
  }),
  render(field, state = {}) {
    const error = state.error;
    const value = state.raw?.[field.key]?.[0];
    const chosenId = state.raw?.[addressIdName(field)]?.[0];
    const id = fieldId(field);
    const hinted: FieldSpec = { ...field, hint: field.hint ?? ADDRESS_HINT };
    return `<div class="${classes("fr-input-group kit-address", error && "fr-input-group--error")}"${groupData(field, "fr-input-group--error")} x-data="addressCombobox">
<label class="fr-label" for="${id}">${labelHtml(hinted)}</label>
<div class="kit-combobox">
<input class="${classes("fr-input", error && "fr-input--error")}"${attributes({
      id,
      name: field.key,
      ...address.attributes(field),
      value,
      "aria-describedby": messagesId(field),
      "aria-invalid": error ? "true" : undefined,
    })} x-bind="input">
<ul class="kit-combobox__listbox" id="${id}-listbox" role="listbox" aria-label="Adresses proposées" hidden x-bind="listbox">
<template x-for="(item, index) in results" :key="index">
<li role="option" class="kit-combobox__option" :id="optionId(index)" :aria-selected="index === active ? 'true' : 'false'" x-on:mousedown.prevent x-on:click="choose(index)" x-text="item.properties.label + (item.properties.eligible === false ? ' (hors du territoire du service)' : '')"></li>
</template>
</ul>
</div>
<input type="hidden"${attributes({ name: addressIdName(field), value: chosenId })} x-bind="chosenInput">
<p class="fr-sr-only" aria-live="polite" aria-atomic="true" x-text="status"></p>
${messagesHtml(field, error)}
</div>`;
  },
  parse(field, raw) {
    const label = first(raw, field.key);
    if (label === "") return field.required ? { ok: false, error: requiredMessage(field) } : { ok: true, value: null };
    if (label.length > SHORT_TEXT_MAX) return maxLength(SHORT_TEXT_MAX)(label);
    const id = first(raw, addressIdName(field));
    if (!ADDRESS_ID.test(id)) return { ok: true, value: { label } };
    // Known only for an address chosen in the list: a typed one is taken as it is.
    const citycode = citycodeOfBanId(id);
    if (citycode && !inTerritory(citycode, field.territory)) return { ok: false, error: OUT_OF_TERRITORY };
    const kind = banIdKind(id);
    if (field.requireHouseNumber && kind && kind !== "housenumber") return { ok: false, error: HOUSE_NUMBER_REQUIRED };
    return { ok: true, value: { label, id } };
  },
  focusId: fieldId,
  cell: (value) => (typeof value === "object" && !Array.isArray(value) ? value.label : textCell(value)),
  airtableField: () => ({ type: "singleLineText" }),
  airtableValue: (value) => (typeof value === "object" && !Array.isArray(value) ? value.label : value),
};

// ---------------------------------------------------------------------------------------------
// The registry. Keys are the stable ids used in code and stored definitions; labels are what the
// intrapreneur sees in the base.

export const FIELD_TYPES = {
  "short-text": inputType({
    label: "Texte court",
    inputType: "text",
    airtable: { type: "singleLineText" },
    attributes: () => ({ maxlength: SHORT_TEXT_MAX }),
    check: maxLength(SHORT_TEXT_MAX),
  }),
  "long-text": longText,
  email: inputType({
    label: "E-mail",
    inputType: "email",
    airtable: { type: "email" },
    attributes: (field) => ({ autocomplete: field.autocomplete ?? "email", maxlength: EMAIL_MAX, spellcheck: "false" }),
    check: checkEmail,
  }),
  phone: inputType({
    label: "Téléphone",
    inputType: "tel",
    airtable: { type: "phoneNumber" },
    attributes: (field) => ({ autocomplete: field.autocomplete ?? "tel", maxlength: 25 }),
    check: checkPhone,
  }),
  number: inputType({
    label: "Nombre",
    inputType: "text",
    airtable: { type: "number", options: NUMBER_OPTIONS },
    // No min/max attributes: they do not apply to a text input, and the range is in the hint.
    attributes: () => ({ inputmode: "decimal", maxlength: 20 }),
    hint: numberHint,
    check: checkNumber,
    cell: numberCell,
  }),
  date: inputType({ label: "Date", inputType: "date", airtable: { type: "date", options: DATE_OPTIONS }, check: checkDate }),
  radio: choiceType("Choix unique", "radio"),
  select,
  checkboxes: choiceType("Choix multiples", "checkbox"),
  consent,
  address,
} satisfies Record<FieldTypeId, FieldType>;

export function fieldType(id: FieldTypeId): FieldType {
  return FIELD_TYPES[id];
}
