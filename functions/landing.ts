// Netlify function: a service's main address when its landing page has active variants (the build
// writes no page there, so this runs; every other page is static and served first). A thin shell
// over lib/stats/split.ts.
import type { Config } from "@netlify/functions";
import { readConfig } from "../lib/app/config.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { pageUnavailable, servedOnce } from "../lib/site/function-shell.ts";
import { createSplitHandler } from "../lib/stats/split.ts";

async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const config = readConfig();
  return createSplitHandler({ forms: await readPublishedForms(publishedFormsPath(config.buildDir)) });
}

export default servedOnce("landing", createHandler, () => pageUnavailable("Service momentanément indisponible, réessayez dans quelques instants."));

// Without the trailing slash: the router matches "/slug" and "/slug/" alike (netlify dev drops it before matching).
export const config: Config = { path: "/:slug", preferStatic: true };
