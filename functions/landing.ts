// Netlify function: a service's main address when its landing page has active variants (the build
// writes no page there, so this runs; every other page is static and served first). A thin shell
// over lib/stats/split.ts.
import type { Config } from "@netlify/functions";
import { readConfig } from "../lib/app/config.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { htmlResponse } from "../lib/site/headers.ts";
import { createSplitHandler } from "../lib/stats/split.ts";

let handler: Promise<(req: Request) => Promise<Response>> | undefined;

async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const config = readConfig();
  return createSplitHandler({ forms: await readPublishedForms(publishedFormsPath(config.buildDir)) });
}

export default async function landing(req: Request): Promise<Response> {
  try {
    handler ??= createHandler();
    return await (await handler)(req);
  } catch (error) {
    handler = undefined;
    console.error("landing function failed:", error);
    return htmlResponse(503, "Service momentanément indisponible, réessayez dans quelques instants.", {
      "retry-after": "10",
      "content-type": "text/plain; charset=utf-8",
    });
  }
}

// Without the trailing slash: the router matches "/slug" and "/slug/" alike (netlify dev drops it before matching).
export const config: Config = { path: "/:slug", preferStatic: true };
