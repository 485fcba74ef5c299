// Netlify function: /api/stats (JSON) and /stats/ (the page). A thin shell over lib/stats/handlers.ts.
import type { Config } from "@netlify/functions";
import { readConfig } from "../lib/app/config.ts";
import { countLedgerFromEnvironment } from "../lib/app/stats.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { pageUnavailable, servedOnce } from "../lib/site/function-shell.ts";
import { createStatsHandler } from "../lib/stats/handlers.ts";

async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const config = readConfig();
  const forms = await readPublishedForms(publishedFormsPath(config.buildDir));
  return createStatsHandler({ forms, ledger: countLedgerFromEnvironment(config) });
}

export default servedOnce("stats", createHandler, () => pageUnavailable("Statistiques momentanément indisponibles, réessayez dans quelques instants."));

// "/stats" matches "/stats/" too (netlify dev drops the trailing slash before matching).
export const config: Config = { path: ["/api/stats", "/stats"] };
