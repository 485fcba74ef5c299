// Netlify function: GET /api/address, a BAN-compatible address search over the bundled index
// (and/or the Géoplateforme: ADDRESS_PROVIDER=local|remote|auto), and the BAN's own paths under it,
// /api/address/search and /api/address/reverse, for clients configured with a BAN base URL.
import type { Config } from "@netlify/functions";
import { addressUnavailable, createAddressHandler } from "../lib/address/api.ts";
import type { AddressIndex } from "../lib/address/engine.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { providerFor } from "../lib/address/providers.ts";
import { readConfig } from "../lib/app/config.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { servedOnce } from "../lib/site/function-shell.ts";
import { rateLimiterFor, type RateLimiter } from "../lib/site/rate-limit.ts";

// Loaded once per function instance (cold start), never per request.
let index: Promise<AddressIndex> | undefined;
// Kept when the handler is rebuilt after a failure (see lib/site/rate-limit.ts).
let limiter: RateLimiter | undefined;

async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const config = readConfig();
  const { territory } = await readPublishedForms(publishedFormsPath(config.buildDir));
  limiter ??= rateLimiterFor("address", config.netlify.dev);
  return createAddressHandler({ provider: providerFor(config.addressProvider, () => (index ??= loadIndex(config.addressIndex)), config.geoplateformeUrl), territory, limiter });
}

export default servedOnce("address", createHandler, () => addressUnavailable([], 10), () => (index = undefined));

// Netlify reads this object from the source without running it, and silently drops anything
// that is not a literal: these numbers are RATE_LIMITS.address, copied (tests/rate-limit.test.ts
// checks they agree).
// No path ends with "/": netlify dev strips it, and so would never match. "/api/address/search/"
// reaches "/api/address/search" all the same (lib/address/api.ts reads either).
export const config: Config = {
  path: ["/api/address", "/api/address/search", "/api/address/reverse"],
  rateLimit: { windowLimit: 600, windowSize: 60, aggregateBy: ["ip", "domain"] },
};
