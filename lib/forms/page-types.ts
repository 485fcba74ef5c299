// The kinds of page the site has, one address each, as the build wrote them: what Lighthouse
// audits, what the screenshots show and what page weights are measured on. The service pages are
// those of the first published service (build/forms.json), so no slug is written here; the site's
// own pages have fixed addresses (site/*.njk), checked against the built folder.
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { paths } from "../vocabulary/index.ts";
import type { PublishedForms } from "./published.ts";

export type PageTypeId =
  | "home"
  | "landing"
  | "form"
  | "confirmation"
  | "stats"
  | "legal-notice"
  | "personal-data"
  | "accessibility"
  | "not-found";

export interface PageType {
  type: PageTypeId;
  /** What the page is, in French, for tables and captions. */
  label: string;
  /** Where it is on the site. */
  path: string;
  /** The HTTP status it answers with: 404 for the page of an unknown address. */
  status: 200 | 404;
}

/** The built file of a page type, from the site's folder. */
export function pageFile(page: Pick<PageType, "path" | "status">): string {
  return page.status === 404 ? "404.html" : `${page.path.replace(/^\//, "")}index.html`;
}

/** An address no page has: the site answers it with 404.html and status 404, as Netlify does. */
export const UNKNOWN_PATH = "/page-qui-n-existe-pas/";

/**
 * The page types, in the order a citizen meets them. `siteDir` is the built site, checked to hold
 * each page (a page the build no longer writes is an error, not a silent skip).
 */
export async function pageTypes(published: PublishedForms, siteDir: string): Promise<PageType[]> {
  const form = Object.values(published.forms)[0];
  if (!form) throw new Error("build/forms.json n'a aucun service publié : il faut au moins un service publié pour mesurer ses pages.");
  const { definition } = form;
  // A service whose variants split its main address has no page there (a function answers it):
  // its first active variant's pages are the ones citizens see.
  const variant = form.variants?.find((v) => v.active) ?? form.variants?.[0];
  const types: PageType[] = [
    { type: "home", label: "Accueil", path: "/", status: 200 },
    { type: "landing", label: "Page du service", path: variant?.landingPath ?? paths.landing(definition.slug), status: 200 },
    { type: "form", label: "Formulaire", path: variant?.formPath ?? definition.formPath, status: 200 },
    { type: "confirmation", label: "Remerciement", path: definition.confirmationPath, status: 200 },
    { type: "stats", label: "Statistiques", path: paths.stats, status: 200 },
    { type: "legal-notice", label: "Mentions légales", path: "/mentions-legales/", status: 200 },
    { type: "personal-data", label: "Données personnelles", path: "/donnees-personnelles/", status: 200 },
    { type: "accessibility", label: "Accessibilité", path: "/accessibilite/", status: 200 },
    { type: "not-found", label: "Page introuvable", path: UNKNOWN_PATH, status: 404 },
  ];
  const root = resolve(siteDir);
  const missing: string[] = [];
  for (const page of types) {
    const file = join(root, pageFile(page));
    if (!(await stat(file).catch(() => undefined))?.isFile()) missing.push(`${page.label} (${file})`);
  }
  if (missing.length) throw new Error(`Pages absentes du site construit, lancez npm run build : ${missing.join(", ")}`);
  return types;
}
