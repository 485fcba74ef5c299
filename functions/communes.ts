// Netlify function: GET /api/communes, geo.api.gouv.fr's commune search over build/communes.json
// (written by the build from @etalab/decoupage-administratif). A thin shell over lib/places/api.ts.
import type { Config } from "@netlify/functions";
import { readConfig } from "../lib/app/config.ts";
import { communesUnavailable, createCommunesHandler } from "../lib/places/api.ts";
import { communeIndexPath, loadCommuneIndex } from "../lib/places/communes-file.ts";
import { servedOnce } from "../lib/site/function-shell.ts";
import { rateLimiterFor, type RateLimiter } from "../lib/site/rate-limit.ts";

// Kept when the handler is rebuilt after a failure (see lib/site/rate-limit.ts).
let limiter: RateLimiter | undefined;

// The index is read once per function instance (cold start), never per request.
async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const config = readConfig();
  limiter ??= rateLimiterFor("communes", config.netlify.dev);
  return createCommunesHandler({ index: await loadCommuneIndex(communeIndexPath(config.buildDir)), limiter });
}

export default servedOnce("communes", createHandler, () => communesUnavailable());

// Netlify reads this object from the source without running it, and silently drops anything
// that is not a literal: these numbers are RATE_LIMITS.communes, copied (tests/places.test.ts
// checks they agree).
export const config: Config = {
  path: "/api/communes",
  rateLimit: { windowLimit: 600, windowSize: 60, aggregateBy: ["ip", "domain"] },
};
