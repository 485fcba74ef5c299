// Netlify function: /api/submit/<form>. A thin shell over lib/answers/submit.ts.
import type { Config } from "@netlify/functions";
import { loadIndex } from "../lib/address/index-file.ts";
import { providerFor } from "../lib/address/providers.ts";
import { wantsJson } from "../lib/answers/body.ts";
import { answerStoreFromEnvironment } from "../lib/app/answers.ts";
import { readConfig } from "../lib/app/config.ts";
import { countLedgerFromEnvironment } from "../lib/app/stats.ts";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { communeIndexPath, loadCommuneIndex } from "../lib/places/communes-file.ts";
import { pageUnavailable, servedOnce } from "../lib/site/function-shell.ts";
import { jsonResponse } from "../lib/site/headers.ts";
import { rateLimiterFor, type RateLimiter } from "../lib/site/rate-limit.ts";

// Kept when the handler is rebuilt after a failure (see lib/site/rate-limit.ts).
let limiter: RateLimiter | undefined;

async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const config = readConfig();
  const forms = await readPublishedForms(publishedFormsPath(config.buildDir));
  limiter ??= rateLimiterFor("submit", config.netlify.dev);
  // Typed addresses are looked up as the autocomplete does; the index is loaded on first need.
  let index: ReturnType<typeof loadIndex> | undefined;
  const addresses = providerFor(config.addressProvider, () => (index ??= loadIndex(config.addressIndex)), config.geoplateformeUrl);
  // Communes likewise, on the first answer to a « Commune » question (a failed read is read again).
  let communeIndex: ReturnType<typeof loadCommuneIndex> | undefined;
  const communes = () =>
    (communeIndex ??= loadCommuneIndex(communeIndexPath(config.buildDir)).catch((error: unknown) => {
      communeIndex = undefined;
      throw error;
    }));
  return createSubmitHandler({ forms, store: answerStoreFromEnvironment(config), limiter, addresses, communes, counts: countLedgerFromEnvironment(config) });
}

const UNAVAILABLE = "Service momentanément indisponible, réessayez dans quelques instants.";

export default servedOnce("submit", createHandler, (req) =>
  wantsJson(req) ? jsonResponse(503, { error: UNAVAILABLE }, { "retry-after": "10" }) : pageUnavailable(UNAVAILABLE),
);

// Netlify reads this object from the source without running it, and silently drops anything
// that is not a literal: these numbers are RATE_LIMITS.submit, copied (tests/rate-limit.test.ts
// checks they agree).
export const config: Config = {
  path: "/api/submit/:form",
  rateLimit: { windowLimit: 150, windowSize: 60, aggregateBy: ["ip", "domain"] },
};
