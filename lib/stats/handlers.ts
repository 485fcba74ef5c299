// The measuring functions' logic, over web-standard Request/Response:
//   /api/event   a page counts a view or a form's progress: 204 at once, 4xx for what is not an event
//   /api/stats   the report as JSON; /stats/ the same as a page. Public, aggregate only, cached.
import type { PublishedForms } from "../forms/published.ts";
import { analyticsHeaders, emptyResponse, htmlResponse, jsonResponse } from "../site/headers.ts";
import { clientKey, tooManyRequestsResponse, type RateLimiter } from "../site/rate-limit.ts";
import { BodyTooLarge, readBytes } from "../site/read-body.ts";
import { paths } from "../vocabulary/index.ts";
import { buildReport } from "./aggregate.ts";
import { countsOfEvent } from "./counters.ts";
import { sourceOf } from "./event.ts";
import { parseEvent } from "./event-schema.ts";
import type { CountLedger } from "./ledger.ts";
import { renderStatsHtml } from "./render-html.ts";
import type { StatsReport } from "./report.ts";

/** A beacon is a few hundred bytes; more is not a page's. */
export const MAX_EVENT_BYTES = 2048;

/**
 * Robots, link previews, monitors and scripts, by what they call themselves. Those that hide
 * rarely load a page's images or run its scripts, which is how views are counted.
 */
const ROBOT = /bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|headless|lighthouse|pingdom|uptime|monitor|curl|wget|python|java\/|go-http|okhttp|axios|node-fetch|undici|httpclient|phantom|puppeteer|playwright|scrapy/i;

/** A page fetched ahead of a click that may never come (prefetch, prerender): not a view. */
function isPrefetch(req: Request): boolean {
  const purpose = `${req.headers.get("sec-purpose") ?? ""} ${req.headers.get("purpose") ?? ""} ${req.headers.get("x-moz") ?? ""} ${req.headers.get("x-purpose") ?? ""}`;
  return /prefetch|prerender|preview/i.test(purpose);
}

export function isRobot(req: Request): boolean {
  const agent = req.headers.get("user-agent") ?? "";
  return agent === "" || ROBOT.test(agent);
}

export interface EventHandlerOptions {
  forms: PublishedForms;
  ledger: Pick<CountLedger, "add">;
  limiter?: RateLimiter;
  now?: () => number;
}

/** The event a pixel (JavaScript off) stands for: its query, and the page's address it was loaded from (Referer). */
function pixelEvent(req: Request): Record<string, unknown> {
  const query = new URL(req.url).searchParams;
  let page: URLSearchParams | undefined;
  try {
    page = new URL(req.headers.get("referer") ?? "").searchParams;
  } catch {
    page = undefined;
  }
  return {
    type: "view",
    service: query.get("service") ?? "",
    variant: query.get("variant") ?? "",
    page: query.get("page") ?? "",
    // The page's own query only: the image cannot know the page's referrer.
    ...sourceOf(page ?? new URLSearchParams(), undefined, ""),
  };
}

/** A beacon's JSON, read no further than the limit (sendBeacon sends it as text/plain or JSON). */
async function beaconEvent(req: Request): Promise<unknown> {
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(await readBytes(req, MAX_EVENT_BYTES))) as unknown;
}

export function createEventHandler(options: EventHandlerOptions): (req: Request) => Promise<Response> {
  const now = options.now ?? Date.now;
  const refuse = (status: number, message: string, extra: Record<string, string> = {}) => jsonResponse(status, { error: message }, extra);
  return async (req) => {
    if (req.method !== "GET" && req.method !== "POST") return refuse(405, "Méthode non autorisée : GET ou POST.", { allow: "GET, POST" });
    if (options.limiter) {
      const limit = options.limiter.check(clientKey(req));
      if (!limit.ok) return tooManyRequestsResponse(limit.retryAfterSeconds);
    }
    let input: unknown;
    if (req.method === "GET") input = pixelEvent(req);
    else {
      try {
        input = await beaconEvent(req);
      } catch (error) {
        if (error instanceof BodyTooLarge) return refuse(413, `Évènement trop volumineux (${MAX_EVENT_BYTES} octets au plus).`);
        // Not JSON, not UTF-8, or an upload cut short.
        return refuse(400, "Évènement illisible : JSON attendu.");
      }
    }
    const parsed = parseEvent(input, options.forms);
    if (!parsed.ok) return refuse(400, `Évènement refusé : ${parsed.message}.`);
    // Checked after the event itself: a robot's malformed event still gets its 400.
    if (isRobot(req) || isPrefetch(req)) return emptyResponse(204);
    await options.ledger.add(countsOfEvent(parsed.event), now());
    return emptyResponse(204);
  };
}

export interface StatsHandlerOptions {
  forms: PublishedForms;
  ledger: Pick<CountLedger, "read" | "compact">;
  now?: () => number;
  /** Seconds browsers and Netlify's CDN may serve the same report. */
  maxAgeSeconds?: number;
  /** Fold a day's documents when it has this many loose ones (a read then stays short). */
  compactAbove?: number;
}

export const STATS_MAX_AGE_SECONDS = 60;
export const STATS_START = "<!-- kit:stats -->";
export const STATS_END = "<!-- /kit:stats -->";

/** The report now, for `npm run stats`, the scheduled function and the handler below. */
export async function currentReport(options: Pick<StatsHandlerOptions, "forms" | "ledger" | "now" | "compactAbove">): Promise<StatsReport> {
  const now = options.now ?? Date.now;
  await options.ledger.compact({ minLoose: options.compactAbove ?? 500 });
  return buildReport(await options.ledger.read(), options.forms, now());
}

export function createStatsHandler(options: StatsHandlerOptions): (req: Request) => Promise<Response> {
  const maxAge = options.maxAgeSeconds ?? STATS_MAX_AGE_SECONDS;
  // Public and the same for everyone: the CDN answers most requests, the function a few a minute.
  const cache = {
    "cache-control": `public, max-age=${maxAge}`,
    "netlify-cdn-cache-control": `public, durable, max-age=${maxAge}, stale-while-revalidate=${maxAge * 5}`,
  };
  return async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") return jsonResponse(405, { error: "Méthode non autorisée : GET." }, { allow: "GET" });
    const report = await currentReport(options);
    const path = new URL(req.url).pathname;
    if (path === paths.statsApi || path === `${paths.statsApi}/`) return jsonResponse(200, report, cache);
    const shell = options.forms.pages?.stats;
    const content = renderStatsHtml(report);
    const html = shell
      ? `${shell.before}\n${content}\n${shell.after}`
      : `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Statistiques</title></head><body><main><h1>Statistiques</h1>${content}</main></body></html>`;
    return htmlResponse(200, html, { ...cache, ...analyticsHeaders(options.forms.matomo?.url) });
  };
}
