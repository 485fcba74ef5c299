// The DSFR markup of each type of field (and, for the address, the Alpine combobox's bindings),
// with the citizen's values and error when a form comes back from the server. Used by render.ts,
// at build time and in the submit function; never bundled for the browser, which only toggles the
// error state of the markup rendered here (site/js/form.ts).
import { attributes, classes, escapeHtml } from "../site/html.ts";
import type { FieldTypeId } from "../vocabulary/index.ts";
import { FIELD_CONTROLS } from "./controls.ts";
import { errorMessageHtml } from "./errors.ts";
import { addressIdName, fieldId, messagesId, optionId, type FieldSpec, type RawFields } from "./field-spec.ts";
import { numberRange } from "./parse.ts";

export interface RenderState {
  /** What the citizen submitted, kept when the form comes back with errors. */
  raw?: RawFields;
  error?: string;
}

export type Render = (field: FieldSpec, state?: RenderState) => string;

// ---------------------------------------------------------------------------------------------
// Shared pieces

function labelHtml(field: FieldSpec): string {
  const optional = field.required ? "" : " (facultatif)";
  const hint = field.hint ? ` <span class="fr-hint-text">${escapeHtml(field.hint)}</span>` : "";
  return `${escapeHtml(field.label)}${optional}${hint}`;
}

function messagesHtml(field: FieldSpec, error: string | undefined): string {
  return `<div class="fr-messages-group" id="${messagesId(field)}" aria-live="polite">${errorMessageHtml(field, error)}</div>`;
}

/** Data attributes the browser uses to toggle the DSFR error state without re-rendering. */
function groupData(field: FieldSpec, errorClass: string): string {
  return attributes({ "data-kit-field": field.key, "data-kit-error-class": errorClass });
}

// ---------------------------------------------------------------------------------------------
// Single-line inputs (text, e-mail, phone, number, date)

/** `hint`: the hint under the label, when the type adds to the question's own (e.g. a number's range). */
function input(id: FieldTypeId, hint?: (field: FieldSpec) => string | undefined): Render {
  return (field, state = {}) => {
    const error = state.error;
    const value = state.raw?.[field.key]?.[0];
    return `<div class="${classes("fr-input-group", error && "fr-input-group--error")}"${groupData(field, "fr-input-group--error")}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml({ ...field, hint: hint ? hint(field) : field.hint })}</label>
<input class="${classes("fr-input", error && "fr-input--error")}"${attributes({
      id: fieldId(field),
      name: field.key,
      ...FIELD_CONTROLS[id].attributes(field),
      value,
      "aria-describedby": messagesId(field),
      "aria-invalid": error ? "true" : undefined,
    })}>
${messagesHtml(field, error)}
</div>`;
  };
}

/** The question's hint, followed by the accepted range: the citizen learns it before making a mistake. */
function numberHint(field: FieldSpec): string | undefined {
  const range = numberRange(field);
  if (!range) return field.hint;
  const sentence = `Nombre ${range}.`;
  return field.hint ? `${field.hint} ${sentence}` : sentence;
}

// ---------------------------------------------------------------------------------------------
// Choices

function choices(id: "radio" | "checkboxes"): Render {
  const groupClass = id === "checkboxes" ? "fr-checkbox-group" : "fr-radio-group";
  return (field, state = {}) => {
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
          ...FIELD_CONTROLS[id].attributes(field),
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
  };
}

const select: Render = (field, state = {}) => {
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
    ...FIELD_CONTROLS.select.attributes(field),
    "aria-describedby": messagesId(field),
    "aria-invalid": error ? "true" : undefined,
  })}>
<option value=""${chosen === "" ? " selected" : ""}>Sélectionnez une réponse</option>${options}
</select>
${messagesHtml(field, error)}
</div>`;
};

const consent: Render = (field, state = {}) => {
  const error = state.error;
  const checked = (state.raw?.[field.key] ?? []).length > 0;
  return `<div class="${classes("fr-checkbox-group", error && "fr-checkbox-group--error")}"${groupData(field, "fr-checkbox-group--error")}>
<input${attributes({
    id: fieldId(field),
    name: field.key,
    value: "oui",
    checked,
    ...FIELD_CONTROLS.consent.attributes(field),
    "aria-describedby": messagesId(field),
    "aria-invalid": error ? "true" : undefined,
  })}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml(field)}</label>
${messagesHtml(field, error)}
</div>`;
};

// ---------------------------------------------------------------------------------------------
// Long text

const longText: Render = (field, state = {}) => {
  const error = state.error;
  const value = state.raw?.[field.key]?.[0] ?? "";
  return `<div class="${classes("fr-input-group", error && "fr-input-group--error")}"${groupData(field, "fr-input-group--error")}>
<label class="fr-label" for="${fieldId(field)}">${labelHtml(field)}</label>
<textarea class="${classes("fr-input", error && "fr-input--error")}"${attributes({
    id: fieldId(field),
    name: field.key,
    rows: 5,
    ...FIELD_CONTROLS["long-text"].attributes(field),
    "aria-describedby": messagesId(field),
    "aria-invalid": error ? "true" : undefined,
  })}>${escapeHtml(value)}</textarea>
${messagesHtml(field, error)}
</div>`;
};

// ---------------------------------------------------------------------------------------------
// Address: a plain text input without JavaScript; Alpine turns it into a combobox (site/js).

const ADDRESS_HINT = "Saisissez le numéro et la voie, puis choisissez votre adresse dans la liste proposée.";

const address: Render = (field, state = {}) => {
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
    ...FIELD_CONTROLS.address.attributes(field),
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
};

// ---------------------------------------------------------------------------------------------

export const FIELD_MARKUP = {
  "short-text": input("short-text"),
  "long-text": longText,
  email: input("email"),
  phone: input("phone"),
  number: input("number", numberHint),
  date: input("date"),
  radio: choices("radio"),
  select,
  checkboxes: choices("checkboxes"),
  consent,
  address,
} satisfies Record<FieldTypeId, Render>;

/** A field's DSFR markup, with the citizen's values and error when the form comes back. */
export function renderField(field: FieldSpec, state?: RenderState): string {
  return FIELD_MARKUP[field.type](field, state);
}
