// Per-client rate limits, as data, for the two places that enforce them:
// 1. Netlify, through each function's `config.rateLimit` (sliding window, per IP and domain,
//    counted across all the function's instances). Netlify reads `config` from the source text
//    without running it, and silently drops any value that is not a literal: functions/*.ts
//    must copy the numbers below as literals. tests/rate-limit.test.ts parses each function
//    the way Netlify does and checks its limits equal these.
// 2. createRateLimiter(), in the function itself, where the platform has none (`netlify dev`,
//    tests, a plan without rate limiting). On Netlify it counts per function instance, which
//    sees at most what the platform counts across all of them: a second, looser guard there.
//    `netlify dev` runs each call in a new worker, which forgets everything: there the counts
//    live in files (createSharedRateLimiter), shared by every worker.
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { jsonResponse, type ExtraHeaders } from "./headers.ts";

export interface RateLimit {
  /** Requests allowed per client in any window of `windowSize` seconds. */
  windowLimit: number;
  /** Seconds; Netlify accepts at most 180. */
  windowSize: number;
}

/**
 * Sized for the worst legitimate case: a class of 30 citizens behind one school (or town hall,
 * or company) IP, all filling a form within the same minute.
 * - submit: each form view costs 1 GET (the timing token) and 1 to 3 POSTs (errors, then
 *   success), so at most 4 requests × 30 people = 120 a minute; 150 leaves a margin for a
 *   reload or a double click. A bot posting more than 2.5 times a second is stopped.
 * - address: the autocomplete asks at each pause in typing, 10 to 15 requests per address,
 *   more when someone corrects it: 30 people × ~20 = 600 a minute. A scraper walking the BAN
 *   through us gets 10 requests a second, no more.
 * - event: a visit sends about 20 (two page views, one per question reached): 30 people = 600.
 * - communes: the commune autocomplete asks like the address one, for shorter words: as many.
 */
export const RATE_LIMITS = {
  submit: { windowLimit: 150, windowSize: 60 },
  address: { windowLimit: 600, windowSize: 60 },
  event: { windowLimit: 600, windowSize: 60 },
  communes: { windowLimit: 600, windowSize: 60 },
} as const satisfies Record<string, RateLimit>;

export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  check(key: string): RateLimitResult;
  /** How many clients are tracked (bounded by `maxKeys`). */
  readonly size: number;
}

export interface RateLimiterOptions extends RateLimit {
  /** Milliseconds, as Date.now (the default); injected by tests, so no real time passes. */
  now?: () => number;
  /** Clients tracked at most; beyond, the least recently seen is forgotten. */
  maxKeys?: number;
}

/**
 * The window is cut into this many buckets, each counting the requests it received: the limit
 * holds for any window of `windowSize` seconds, to one bucket (1 s for a 60 s window) in the
 * client's favour, with a fixed memory per client (60 × 4 bytes) however many requests it sends.
 */
const BUCKETS = 60;

/**
 * 10,000 clients × (240 bytes of counts + the Map's overhead) stays under 5 MB. Without a cap,
 * a client rotating its address (an IPv6 block holds billions) would grow the map until the
 * function runs out of memory. Evicting the least recently seen client means that only a
 * client silent while 10,000 others spoke can start again from zero: harmless, since an
 * attacker able to do that already controls 10,000 addresses.
 */
export const DEFAULT_MAX_KEYS = 10_000;

interface Client {
  counts: Uint32Array;
  /** Number of the newest bucket counted (time / bucket width). */
  bucket: number;
  total: number;
}

export function createRateLimiter({ windowLimit, windowSize, now = Date.now, maxKeys = DEFAULT_MAX_KEYS }: RateLimiterOptions): RateLimiter {
  if (!(windowLimit >= 1 && windowSize > 0 && maxKeys >= 1)) throw new RangeError("createRateLimiter: windowLimit, windowSize and maxKeys must be positive");
  const width = (windowSize * 1000) / BUCKETS; // milliseconds per bucket
  // Map keeps insertion order: re-inserting a client on each request keeps the least recently
  // seen first, the one to evict.
  const clients = new Map<string, Client>();
  const slot = (bucket: number) => ((bucket % BUCKETS) + BUCKETS) % BUCKETS;

  /** Forgets the buckets that left the window by `bucket`. */
  function slide(client: Client, bucket: number): void {
    if (bucket <= client.bucket) return; // same bucket, or a clock that went back: nothing left
    if (bucket - client.bucket >= BUCKETS) {
      client.counts.fill(0);
      client.total = 0;
    } else {
      for (let b = client.bucket + 1; b <= bucket; b++) {
        client.total -= client.counts[slot(b)]!;
        client.counts[slot(b)] = 0;
      }
    }
    client.bucket = bucket;
  }

  /** Seconds until enough of the oldest requests leave the window for one more to fit. */
  function retryAfter(client: Client, time: number): number {
    let excess = client.total - windowLimit + 1;
    for (let b = client.bucket - BUCKETS + 1; b <= client.bucket; b++) {
      excess -= client.counts[slot(b)]!;
      // Bucket b's requests stop counting when bucket b + BUCKETS begins (rounded to the
      // millisecond first, so that a fractional bucket width cannot add a second).
      if (excess <= 0) return Math.max(1, Math.ceil(Math.round((b + BUCKETS) * width - time) / 1000));
    }
    return windowSize; // unreachable: all the buckets together hold `total`
  }

  return {
    check(key) {
      const time = now();
      const bucket = Math.floor(time / width);
      let client = clients.get(key);
      if (client) {
        clients.delete(key);
        slide(client, bucket);
      } else {
        client = { counts: new Uint32Array(BUCKETS), bucket, total: 0 };
      }
      clients.set(key, client);
      if (clients.size > maxKeys) clients.delete(clients.keys().next().value!);
      // A refused request is not counted: a client that waits as told always gets through.
      if (client.total >= windowLimit) return { ok: false, retryAfterSeconds: retryAfter(client, time) };
      client.counts[slot(client.bucket)]!++; // client.bucket: the newest, even if the clock went back
      client.total++;
      return { ok: true };
    },
    get size() {
      return clients.size;
    },
  };
}

export interface SharedRateLimiterOptions extends RateLimit {
  /** Where the counts live; every worker given the same folder shares them. */
  dir: string;
  now?: () => number;
}

/**
 * The same limit, counted in files so that separate processes or workers share it: one folder
 * per client (hashed), one file per second, one byte per request (appends of one byte do not
 * interleave). Two workers checking at the same instant may both pass the last slot: it is for
 * `netlify dev`, where a worker per call serves a few requests a second.
 */
export function createSharedRateLimiter({ windowLimit, windowSize, dir, now = Date.now }: SharedRateLimiterOptions): RateLimiter {
  return {
    check(key) {
      const time = now();
      const second = Math.floor(time / 1000);
      const folder = join(dir, createHash("sha256").update(key).digest("hex").slice(0, 32));
      mkdirSync(folder, { recursive: true });
      const counts: Array<[number, number]> = [];
      for (const name of readdirSync(folder)) {
        const at = Number(name);
        if (!Number.isInteger(at)) continue;
        if (at <= second - windowSize) rmSync(join(folder, name), { force: true });
        else counts.push([at, statSync(join(folder, name), { throwIfNoEntry: false })?.size ?? 0]);
      }
      const total = counts.reduce((sum, [, n]) => sum + n, 0);
      if (total >= windowLimit) {
        let excess = total - windowLimit + 1;
        for (const [at, n] of counts.sort(([a], [b]) => a - b)) {
          excess -= n;
          if (excess <= 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((at + windowSize) * 1000 - time) / 1000)) };
        }
        return { ok: false, retryAfterSeconds: windowSize };
      }
      appendFileSync(join(folder, String(second)), "1");
      return { ok: true };
    },
    get size() {
      return readdirSync(dir).length;
    },
  };
}

/** The limiter a function uses: shared files under `netlify dev`, memory elsewhere. */
export function rateLimiterFor(name: keyof typeof RATE_LIMITS, netlifyDev: boolean): RateLimiter {
  if (netlifyDev) return createSharedRateLimiter({ ...RATE_LIMITS[name], dir: resolve(".netlify", "rate-limit", name) });
  return createRateLimiter(RATE_LIMITS[name]);
}

/**
 * Who sent the request. On Netlify, `x-nf-client-connection-ip` is set by the platform (a client
 * cannot choose it); `x-forwarded-for` is what `netlify dev` and other proxies give, trusted
 * only where the platform header is absent, i.e. never in production.
 */
export function clientKey(req: Request): string {
  const platform = req.headers.get("x-nf-client-connection-ip")?.trim();
  if (platform) return platform;
  const forwarded = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || "local";
}

export function tooManyRequestsMessage(retryAfterSeconds: number): string {
  return `Trop de requêtes : réessayez dans ${retryAfterSeconds} seconde${retryAfterSeconds > 1 ? "s" : ""}.`;
}

/** 429 in the BAN's error shape (`{ code, message, detail }`), with Retry-After. */
export function tooManyRequestsResponse(retryAfterSeconds: number, extra: ExtraHeaders = {}): Response {
  const body = { code: 429, message: tooManyRequestsMessage(retryAfterSeconds), detail: [] as string[] };
  return jsonResponse(429, body, { ...extra, "retry-after": String(retryAfterSeconds) });
}
