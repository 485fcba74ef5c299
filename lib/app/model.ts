// Where the base comes from: Airtable when AIRTABLE_TOKEN and AIRTABLE_BASE_ID are set, the
// embedded base in data/base/ otherwise. Both go through the same validation.
import { readAirtableBaseCached } from "../airtable/base-reader.ts";
import { readEmbeddedBase } from "../base/embedded.ts";
import { validateBase, type Model } from "../base/model.ts";
import { readConfig, type Config } from "./config.ts";

export async function loadModel(config: Config = readConfig()): Promise<Model> {
  if (config.airtable) {
    return validateBase(await readAirtableBaseCached(config.airtable, { duration: config.airtableCacheDuration, cacheDir: config.cacheDir }));
  }
  return validateBase(await readEmbeddedBase(config.baseDir));
}
