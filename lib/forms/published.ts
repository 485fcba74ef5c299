// What the build hands to the functions: the form definitions the pages were built from, and each
// form page's HTML around the form, so a submission with errors comes back as the same page.
// Written by the build to build/forms.json; the functions bundle it (netlify.toml included_files)
// and read it once per instance, never the base.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { FormDefinition } from "./definitions.ts";
import type { Territory } from "../address/territory.ts";
import type { Hypothesis } from "../base/model.ts";
import type { VariantInfo } from "../base/variants.ts";

export type PageShell = { before: string; after: string };

export interface PublishedForm {
  definition: FormDefinition;
  /** The built form page, split around the form. */
  page: PageShell;
  /** The built confirmation page, split around its content: the receipt function fills it (lib/answers/receipt.ts). */
  receipt?: PageShell;
  /** The service's « Message de confirmation », a paragraph per line, shown on the receipt. */
  confirmation?: string[];
  /** Each variant's form page, by its slug (the main page is `page`). */
  variantPages?: Record<string, PageShell>;
  /** The service's variants, the main page first (see lib/base/variants.ts). */
  variants?: VariantInfo[];
  /** What the statistics page confirms or not. */
  hypotheses?: Hypothesis[];
}

export interface PublishedForms {
  builtAt: string;
  forms: Record<string, PublishedForm>;
  /** The Site table's territory, for the address function's eligibility. */
  territory?: Territory;
  /** Signs the forms' timing tokens (answers/timing.ts). Secret: only the functions read this file. */
  signingKey?: string;
  /** Pages the functions answer with: the statistics page around its content, the 404 page. */
  pages?: { stats?: PageShell; notFound?: string };
  /** An optional Matomo the site also reports to; its origin is allowed by the pages' CSP. */
  matomo?: { url: string; siteId: string };
  /** The Site table's « Webhook des réponses », for the summary of new answers (lib/answers/summary.ts). Secret, like signingKey: never in _site/. */
  notify?: { webhookUrl: string; frequency: "daily" | "hourly"; siteName: string };
}

export const FORM_START = "<!-- kit:form -->";
export const FORM_END = "<!-- /kit:form -->";
/** Around the confirmation page's content, which the receipt function replaces. */
export const RECEIPT_START = "<!-- kit:receipt -->";
export const RECEIPT_END = "<!-- /kit:receipt -->";

/** Where the build writes what the functions read (KIT_BUILD_DIR, through lib/app/config.ts). */
export const DEFAULT_BUILD_DIR = "build";

export const publishedFormsPath = (dir = DEFAULT_BUILD_DIR) => join(resolve(dir), "forms.json");

/** Splits a built form page at its markers. */
export function splitFormPage(html: string, where: string, markers: [string, string] = [FORM_START, FORM_END]): PageShell {
  const [startMarker, endMarker] = markers;
  const start = html.indexOf(startMarker);
  const end = html.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`${where}: markers ${startMarker} … ${endMarker} not found`);
  return { before: html.slice(0, start + startMarker.length), after: html.slice(end) };
}

/** The form definitions by slug. */
export function definitionsOf(published: PublishedForms): Record<string, FormDefinition> {
  return Object.fromEntries(Object.entries(published.forms).map(([slug, form]) => [slug, form.definition]));
}

export async function readPublishedForms(path = publishedFormsPath()): Promise<PublishedForms> {
  return JSON.parse(await readFile(path, "utf8")) as PublishedForms;
}
