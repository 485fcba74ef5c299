// The form's markup, shared by the build (the static form page) and the submit function (the
// same form, returned with the citizen's values and errors when JavaScript is off).
import { attributes, escapeHtml } from "../site/html.ts";
import type { FieldSpec, RawFields } from "./field-spec.ts";
import { CONTROL_FIELDS, DEFINITION_SCRIPT_ID, type FormDefinition } from "./definitions.ts";
import { errorSummaryHtml } from "./errors.ts";
import { linkify, renderField } from "./markup.ts";
import { STEP_IDS, stepsOf, type Step } from "./steps.ts";
import type { FieldErrors } from "./validate.ts";

// What the server needs of the form page, in one import (the browser imports each from its own
// browser-safe module: definitions.ts, errors.ts).
export { CONTROL_FIELDS, DEFINITION_SCRIPT_ID } from "./definitions.ts";
export { ERROR_SUMMARY_ID, errorSummaryHtml, errorTitle } from "./errors.ts";

export interface FormState {
  raw?: RawFields;
  errors?: FieldErrors;
}

/**
 * The DSFR stepper and the Précédent/Suivant buttons, hidden: with JavaScript the page's script
 * shows one step at a time and fills them in; without it the form is one page with its sections.
 */
function stepperHtml(steps: Step[], title: string): string {
  const first = steps[0]?.section?.label ?? title;
  const next = steps[1]?.section?.label ?? "";
  return `<div class="fr-stepper" id="${STEP_IDS.stepper}" hidden>
<h2 class="fr-stepper__title" id="${STEP_IDS.stepTitle}" tabindex="-1"><span class="kit-stepper__label">${escapeHtml(first)}</span>
<span class="fr-stepper__state" id="${STEP_IDS.stepState}">Étape 1 sur ${steps.length}</span></h2>
<div class="fr-stepper__steps" id="${STEP_IDS.stepBar}" data-fr-current-step="1" data-fr-steps="${steps.length}"></div>
<p class="fr-stepper__details" id="${STEP_IDS.nextTitle}"><span class="fr-text--bold">Étape suivante :</span> <span class="kit-stepper__next">${escapeHtml(next)}</span></p>
</div>`;
}

/**
 * Where a « Non éligible si » question says what its answer would mean: written out under it
 * (all a page without JavaScript shows), and an alert the page's script shows when the answer
 * given meets it. In a live region, so that the alert is read when it appears.
 */
function ineligibleHtml(field: FieldSpec): string {
  if (!field.ineligibleIf?.length) return "";
  const answers = field.ineligibleIf.map((rule) => `${rule.operator === "differs" ? "autre chose que " : ""}« ${rule.value} »`).join(" ou ");
  const message = (field.ineligibleMessage ?? []).map((paragraph) => `<p>${linkify(paragraph)}</p>`).join("\n");
  return `<div class="kit-ineligible" data-kit-ineligible="${escapeHtml(field.key)}">
<p class="fr-hint-text kit-ineligible__rule">Si vous répondez ${escapeHtml(answers)}, vous n'êtes pas éligible à ce service : vous pouvez alors envoyer le formulaire sans répondre aux questions suivantes.</p>
<div aria-live="polite"><div class="fr-alert fr-alert--warning fr-mb-3w" hidden>
<p class="fr-alert__title">Vous n'êtes pas éligible à ce service</p>
${message || "<p>D'après votre réponse, ce service ne peut pas vous aider.</p>"}
<p>Vous pouvez envoyer votre réponse dès maintenant : elle nous aide à savoir à qui ce service manque.</p>
</div></div>
</div>`;
}

export function renderForm(form: FormDefinition, state: FormState = {}): string {
  const raw = state.raw ?? {};
  const errors = state.errors ?? {};
  const field = (spec: FieldSpec) => renderField(spec, { raw, error: errors[spec.key], fields: form.fields }) + ineligibleHtml(spec);
  const steps = stepsOf(form.fields);
  const stepped = steps.length > 1;
  const fields = stepped
    ? steps.map((step, index) => `<div class="kit-step" data-kit-step="${index}">\n${step.fields.map(field).join("\n")}\n</div>`).join("\n")
    : form.fields.map(field).join("\n");
  // "<" is escaped so the definition can never close its script element.
  const definition = JSON.stringify(form).replace(/</g, "\\u003c");
  // novalidate: the browser's bubbles (one field at a time, in the browser's language) would stop
  // the form before the server's error summary, with JavaScript off. Controls keep "required",
  // which assistive technology announces.
  return `<div id="kit-error-summary-slot">${errorSummaryHtml(form, errors)}</div>
<form${attributes({ method: "post", action: form.action, class: "kit-form", "data-kit-form": form.slug, novalidate: true })} x-data="kitForm" x-bind="form">
${stepped ? stepperHtml(steps, form.title) : ""}
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
${stepped ? `<button class="fr-btn fr-btn--secondary" type="button" id="${STEP_IDS.previous}" hidden>Précédent</button>
<button class="fr-btn" type="button" id="${STEP_IDS.next}" hidden>Suivant</button>\n` : ""}<button class="fr-btn" type="submit" id="${STEP_IDS.submit}">Envoyer mes réponses</button>
</div>
</form>
<script type="application/json" id="${DEFINITION_SCRIPT_ID}">${definition}</script>`;
}
