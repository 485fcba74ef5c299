// Form definitions: what the pages render, the browser validates inline and the submit function
// checks, derived once from the validated model and written to build/forms.json by the build.
import type { Model, Service, SiteSettings } from "../base/model.ts";
import { hasTerritory } from "../address/territory.ts";
import type { FieldSpec } from "./field-spec.ts";
import { FIELD_TYPE_VOCABULARY } from "../vocabulary/index.ts";

export interface FormDefinition {
  /** The service's slug, which is also the form's name in /api/submit/<slug>. */
  slug: string;
  title: string;
  formPath: string;
  action: string;
  confirmationPath: string;
  fields: FieldSpec[];
}

export { paths, RESERVED_SLUGS, SLUG } from "../vocabulary/index.ts";
import { paths } from "../vocabulary/index.ts";

/** Hidden fields every form carries: anti-bot checks and the id that makes re-submission idempotent. */
export const CONTROL_FIELDS = {
  /** A field people never see or fill; bots that fill every input give themselves away. */
  honeypot: "site_web",
  /** A random id the browser gives this form instance, so a double submit is stored once. */
  instance: "_instance",
  /** A token the server signed when the page fetched it: how long the form was on screen (see answers/timing). */
  timing: "_jeton",
  /** The landing page's variant the form was reached from (set by the build), and where the visit came from (set by the page's script). */
  variant: "_variante",
  source: "_source",
  campaign: "_campagne",
} as const;

/** The id of the script element the form page carries its definition in, for the browser. */
export const DEFINITION_SCRIPT_ID = "kit-form-definition";

export function formDefinition(service: Service, site?: Pick<SiteSettings, "territory">): FormDefinition {
  const territory = hasTerritory(site?.territory) ? site.territory : undefined;
  return {
    slug: service.slug,
    title: service.title,
    formPath: paths.form(service.slug),
    action: paths.submit(service.slug),
    confirmationPath: paths.confirmation(service.slug),
    // A question is stored under its record id, so renaming its label keeps its answers.
    fields: service.questions.map(({ id, order: _order, ...field }) => ({
      key: id,
      ...field,
      ...((field.type === "address" || field.type === "commune") && territory ? { territory } : {}),
    })),
  };
}

/**
 * How long the form takes, in whole minutes, as its service page announces it: the base's
 * « Durée (minutes) » when set, else the questions' usual times (every question counted, those
 * shown only on some answers too: better to promise a little more than it takes than less).
 */
export function durationMinutes(form: Pick<FormDefinition, "fields">, set?: number): number {
  if (set !== undefined) return set;
  const seconds = form.fields.reduce((sum, field) => sum + FIELD_TYPE_VOCABULARY[field.type].seconds, 0);
  return Math.max(1, Math.ceil(seconds / 60));
}

/** Whether a form can end an answer as not eligible (« Non éligible si »): only then has an answer an eligibility. */
export function hasEligibility(form: Pick<FormDefinition, "fields"> | undefined): boolean {
  return Boolean(form?.fields.some((field) => field.ineligibleIf?.length));
}

/** Only published services have a form online. */
export function formDefinitions(model: Model): FormDefinition[] {
  return model.services.filter((s) => s.published).map((service) => formDefinition(service, model.site));
}

/**
 * Every form answers may exist for: each service's, published or not, then one per other slug
 * that has answers (a service since renamed or removed from the base), with no known question:
 * its answers keep their question ids as columns. Nothing a citizen sent is left out.
 */
export function allFormDefinitions(model: Model, slugsWithAnswers: Iterable<string> = []): FormDefinition[] {
  const known = model.services.map((service) => formDefinition(service, model.site));
  const orphans = [...new Set(slugsWithAnswers)]
    .filter((slug) => !known.some((form) => form.slug === slug))
    .map((slug): FormDefinition => ({
      slug,
      title: slug,
      formPath: paths.form(slug),
      action: paths.submit(slug),
      confirmationPath: paths.confirmation(slug),
      fields: [],
    }));
  return [...known, ...orphans];
}
