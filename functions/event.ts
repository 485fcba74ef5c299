// Netlify function: /api/event. A thin shell over lib/stats/handlers.ts.
import type { Config } from "@netlify/functions";
import { readConfig } from "../lib/app/config.ts";
import { countLedgerFromEnvironment } from "../lib/app/stats.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { jsonResponse } from "../lib/site/headers.ts";
import { rateLimiterFor, type RateLimiter } from "../lib/site/rate-limit.ts";
import { servedOnce } from "../lib/site/function-shell.ts";
import { createEventHandler } from "../lib/stats/handlers.ts";

// Kept when the handler is rebuilt after a failure (see lib/site/rate-limit.ts).
let limiter: RateLimiter | undefined;

async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const config = readConfig();
  const forms = await readPublishedForms(publishedFormsPath(config.buildDir));
  limiter ??= rateLimiterFor("event", config.netlify.dev);
  return createEventHandler({ forms, ledger: countLedgerFromEnvironment(config), limiter });
}

export default servedOnce("event", createHandler, () => jsonResponse(503, { error: "Comptage momentanément indisponible." }, { "retry-after": "10" }));

// A literal: Netlify reads it from the source without running it (RATE_LIMITS.event, checked by tests/rate-limit.test.ts).
export const config: Config = {
  path: "/api/event",
  rateLimit: { windowLimit: 600, windowSize: 60, aggregateBy: ["ip", "domain"] },
};
