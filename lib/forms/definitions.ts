// Form definitions: what the pages render, the browser validates inline and the submit function
// checks, derived once from the validated model and written to build/forms.json by the build.
import type { Model, Service, SiteSettings } from "../base/index.ts";
import { hasTerritory } from "../address/territory.ts";
import type { FieldSpec } from "./field-types.ts";

export interface FormDefinition {
  /** The service's slug, which is also the form's name in /api/submit/<slug>. */
  slug: string;
  title: string;
  formPath: string;
  action: string;
  confirmationPath: string;
  fields: FieldSpec[];
}

/** What a service slug may be: it becomes a folder of the site and a path segment of the API. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Slugs the site uses for its own pages and files. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "accessibilite", "mentions-legales", "donnees-personnelles", "api", "assets", "dsfr", "images", "404", "index",
]);

export const paths = {
  landing: (slug: string) => `/${slug}/`,
  form: (slug: string) => `/${slug}/formulaire/`,
  confirmation: (slug: string) => `/${slug}/merci/`,
  submit: (slug: string) => `/api/submit/${slug}`,
};

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
      ...(field.type === "address" && territory ? { territory } : {}),
    })),
  };
}

/** Only published services have a form online. */
export function formDefinitions(model: Model): FormDefinition[] {
  return model.services.filter((s) => s.published).map((service) => formDefinition(service, model.site));
}

/** Every service's form, published or not (answers may exist for a service since unpublished). */
export function allFormDefinitions(model: Model): FormDefinition[] {
  return model.services.map((service) => formDefinition(service, model.site));
}
