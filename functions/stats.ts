// Netlify function: /api/stats (JSON) and /stats/ (the page). A thin shell over lib/stats/handlers.ts.
import type { Config } from "@netlify/functions";
import { readConfig } from "../lib/app/config.ts";
import { countLedgerFromEnvironment } from "../lib/app/stats.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { htmlResponse } from "../lib/site/headers.ts";
import { createStatsHandler } from "../lib/stats/handlers.ts";

let handler: Promise<(req: Request) => Promise<Response>> | undefined;

async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const config = readConfig();
  const forms = await readPublishedForms(publishedFormsPath(config.buildDir));
  return createStatsHandler({ forms, ledger: countLedgerFromEnvironment(config) });
}

export default async function stats(req: Request): Promise<Response> {
  try {
    handler ??= createHandler();
    return await (await handler)(req);
  } catch (error) {
    handler = undefined;
    console.error("stats function failed:", error);
    return htmlResponse(503, "Statistiques momentanément indisponibles, réessayez dans quelques instants.", {
      "retry-after": "10",
      "content-type": "text/plain; charset=utf-8",
    });
  }
}

// "/stats" matches "/stats/" too (netlify dev drops the trailing slash before matching).
export const config: Config = { path: ["/api/stats", "/stats"] };
