// Where the base comes from: Airtable when AIRTABLE_TOKEN and AIRTABLE_BASE_ID are set, the
// embedded base in data/base/ otherwise. Both go through the same validation.
import { airtableConfig } from "../airtable/client.ts";
import { readAirtableBaseCached } from "../airtable/base-reader.ts";
import { readEmbeddedBase } from "../base/embedded.ts";
import { validateBase, type Model } from "../base/model.ts";

export interface LoadOptions {
  /** Folder of the embedded base; defaults to $KIT_BASE_DIR, then data/base. */
  dir?: string;
  env?: Record<string, string | undefined>;
}

export async function loadModel(options: LoadOptions = {}): Promise<Model> {
  const env = options.env ?? process.env;
  const airtable = airtableConfig(env);
  if (airtable) return validateBase(await readAirtableBaseCached(airtable, env.AIRTABLE_CACHE_DURATION || undefined));
  return validateBase(await readEmbeddedBase(options.dir ?? (env.KIT_BASE_DIR || undefined)));
}
