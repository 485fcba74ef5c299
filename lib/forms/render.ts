// The form's markup, shared by the build (the static form page) and the submit function (the
// same form, returned with the citizen's values and errors when JavaScript is off).
import { attributes, escapeHtml } from "../site/html.ts";
import { fieldType, type RawFields } from "./field-types.ts";
import type { FormDefinition } from "./definitions.ts";
import type { FieldErrors } from "./validate.ts";

/** Hidden fields every form carries: anti-bot checks and the id that makes re-submission idempotent. */
export const CONTROL_FIELDS = {
  /** A field people never see or fill; bots that fill every input give themselves away. */
  honeypot: "site_web",
  /** A random id the browser gives this form instance, so a double submit is stored once. */
  instance: "_instance",
  /** A token the server signed when the page fetched it: how long the form was on screen (see answers/timing). */
  timing: "_jeton",
} as const;

export const ERROR_SUMMARY_ID = "kit-error-summary";
export const DEFINITION_SCRIPT_ID = "kit-form-definition";

/** The page title once errors are shown (RGAA 8.6: the title says the page has changed). */
export function errorTitle(count: number, title: string): string {
  return `Erreur : ${count} champ${count > 1 ? "s" : ""} à corriger – ${title}`;
}

export function errorSummaryHtml(form: FormDefinition, errors: FieldErrors): string {
  const items = form.fields
    .filter((field) => errors[field.key])
    .map(
      (field) =>
        `<li><a href="#${fieldType(field.type).focusId(field)}">${escapeHtml(field.label)} : ${escapeHtml(errors[field.key])}</a></li>`,
    );
  if (items.length === 0) return "";
  const count = items.length;
  return `<div class="fr-alert fr-alert--error fr-mb-4w" id="${ERROR_SUMMARY_ID}" role="alert" tabindex="-1">
<h2 class="fr-alert__title">Le formulaire contient ${count} erreur${count > 1 ? "s" : ""}</h2>
<ul>${items.join("")}</ul>
</div>`;
}

export interface FormState {
  raw?: RawFields;
  errors?: FieldErrors;
}

export function renderForm(form: FormDefinition, state: FormState = {}): string {
  const raw = state.raw ?? {};
  const errors = state.errors ?? {};
  const fields = form.fields
    .map((field) => fieldType(field.type).render(field, { raw, error: errors[field.key] }))
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
<div class="fr-btns-group fr-btns-group--inline-md fr-mt-4w">
<button class="fr-btn" type="submit">Envoyer mes réponses</button>
</div>
</form>
<script type="application/json" id="${DEFINITION_SCRIPT_ID}">${definition}</script>`;
}
