// Where eleventy-fetch keeps what the build downloaded (the Airtable base, attached images).
// KIT_CACHE_DIR gives each test its own, so that two local Airtable servers that happen to get
// the same port one after the other never share a cached base.
import { resolve } from "node:path";

export function cacheDirectory(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.KIT_CACHE_DIR || ".cache");
}
