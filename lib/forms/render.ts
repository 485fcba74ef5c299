// The form's markup, shared by the build (the static form page) and the submit function (the
// same form, returned with the citizen's values and errors when JavaScript is off).
import { attributes } from "../site/html.ts";
import type { RawFields } from "./field-spec.ts";
import { CONTROL_FIELDS, DEFINITION_SCRIPT_ID, type FormDefinition } from "./definitions.ts";
import { errorSummaryHtml } from "./errors.ts";
import { renderField } from "./markup.ts";
import type { FieldErrors } from "./validate.ts";

// What the server needs of the form page, in one import (the browser imports each from its own
// browser-safe module: definitions.ts, errors.ts).
export { CONTROL_FIELDS, DEFINITION_SCRIPT_ID } from "./definitions.ts";
export { ERROR_SUMMARY_ID, errorSummaryHtml, errorTitle } from "./errors.ts";

export interface FormState {
  raw?: RawFields;
  errors?: FieldErrors;
}

export function renderForm(form: FormDefinition, state: FormState = {}): string {
  const raw = state.raw ?? {};
  const errors = state.errors ?? {};
  const fields = form.fields
    .map((field) => renderField(field, { raw, error: errors[field.key], fields: form.fields }))
    .join("\n");
  // "<" is escaped so the definition can never close its script element.
  const definition = JSON.stringify(form).replace(/</g, "\\u003c");
  // novalidate: the browser's bubbles (one field at a time, in the browser's language) would stop
  // the form before the server's error summary, with JavaScript off. Controls keep "required",
  // which assistive technology announces.
  return `<div id="kit-error-summary-slot">${errorSummaryHtml(form, errors)}</div>
<form${attributes({ method: "post", action: form.action, class: "kit-form", "data-kit-form": form.slug, novalidate: true })} x-data="kitForm" x-bind="form">
<p class="fr-text--sm">Sauf mention contraire « (facultatif) », tous les champs sont obligatoires.</p>
${fields}
<div class="kit-honeypot" aria-hidden="true">
<label for="${CONTROL_FIELDS.honeypot}">Ne pas remplir ce champ</label>
<input${attributes({ type: "text", id: CONTROL_FIELDS.honeypot, name: CONTROL_FIELDS.honeypot, tabindex: "-1", autocomplete: "off" })}>
</div>
<input${attributes({ type: "hidden", name: CONTROL_FIELDS.instance, value: raw[CONTROL_FIELDS.instance]?.[0] })}>
<input${attributes({ type: "hidden", name: CONTROL_FIELDS.timing, value: raw[CONTROL_FIELDS.timing]?.[0] })}>
${[CONTROL_FIELDS.variant, CONTROL_FIELDS.source, CONTROL_FIELDS.campaign]
  .map((name) => `<input${attributes({ type: "hidden", name, value: raw[name]?.[0] })}>`)
  .join("\n")}
<div class="fr-btns-group fr-btns-group--inline-md fr-mt-4w">
<button class="fr-btn" type="submit">Envoyer mes réponses</button>
</div>
</form>
<script type="application/json" id="${DEFINITION_SCRIPT_ID}">${definition}</script>`;
}
