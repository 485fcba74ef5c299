// Where the base comes from. Airtable (AIRTABLE_TOKEN + AIRTABLE_BASE_ID) is a later step; until
// then, and whenever no account is set, the embedded base in data/base/ is the source.
import { readEmbeddedBase } from "./embedded.ts";
import { validateBase, type Model } from "./model.ts";

export { BaseValidationError, formatProblem, validateBase } from "./model.ts";
export type { Model, Service, Question, SiteSettings, Territory, Problem, RawBase, BaseRecord } from "./model.ts";

export interface LoadOptions {
  /** Folder of the embedded base; defaults to $KIT_BASE_DIR, then data/base. */
  dir?: string;
}

export async function loadModel(options: LoadOptions = {}): Promise<Model> {
  return validateBase(await readEmbeddedBase(options.dir ?? (process.env.KIT_BASE_DIR || undefined)));
}
