// The error messages' markup, the same from the server (a form sent back with errors) and from
// the browser (inline validation): a field's message, the summary above the form, the page title.
// Browser-safe: bundled into site/js/form.ts.
import { escapeHtml } from "../site/html.ts";
import { fieldId, type FieldSpec } from "./field-spec.ts";
import { fieldType } from "./field-types.ts";
import type { FormDefinition } from "./definitions.ts";
import type { FieldErrors } from "./validate.ts";

export const ERROR_SUMMARY_ID = "kit-error-summary";

/** The error message inside a field's messages region. */
export function errorMessageHtml(field: FieldSpec, error: string | undefined): string {
  return error ? `<p class="fr-message fr-message--error" id="${fieldId(field)}-error">${escapeHtml(error)}</p>` : "";
}

/** The page title once errors are shown (RGAA 8.6: the title says the page has changed). */
export function errorTitle(count: number, title: string): string {
  return `Erreur : ${count} champ${count > 1 ? "s" : ""} à corriger – ${title}`;
}

/** The summary above the form: one link per field in error, to the control that takes focus. */
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
