// Per-client rate limiting (lib/site/rate-limit.ts): the in-process limiter on an injected clock,
// the 429 in the BAN's shape, and Netlify's own limits agreeing with RATE_LIMITS.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The parser Netlify's build runs on each function to read its `config` (netlify-cli's own copy).
import { parseSource } from "@netlify/zip-it-and-ship-it/dist/runtimes/node/in_source_config/index.js";
import { describe, expect, it } from "vitest";
import { createAddressHandler } from "../lib/address/api.ts";
import type { AddressError } from "../lib/address/geocodejson.ts";
import type { AddressProvider } from "../lib/address/providers.ts";
import { RATE_LIMITS, clientKey, createRateLimiter, createSharedRateLimiter, rateLimiterFor, tooManyRequestsResponse, type RateLimitResult } from "../lib/site/rate-limit.ts";

/** A clock that only moves when told to. */
function clock(start = 1_700_000_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms), at: (ms: number) => void (time = start + ms) };
}

const { windowLimit, windowSize } = RATE_LIMITS.address;

describe("the limits", () => {
  it("let a class of 30 behind one IP fill a form within the minute", () => {
    expect(RATE_LIMITS.submit).toEqual({ windowLimit: 150, windowSize: 60 });
    expect(RATE_LIMITS.address).toEqual({ windowLimit: 600, windowSize: 60 });
    expect(RATE_LIMITS.event).toEqual({ windowLimit: 600, windowSize: 60 });
    // 30 people × (1 GET + 3 POSTs); 30 people × up to 20 autocomplete requests.
    expect(RATE_LIMITS.submit.windowLimit).toBeGreaterThanOrEqual(30 * 4);
    expect(RATE_LIMITS.address.windowLimit).toBeGreaterThanOrEqual(30 * 20);
    for (const limit of Object.values(RATE_LIMITS)) expect(limit.windowSize).toBeLessThanOrEqual(180); // Netlify's maximum
  });

  it("are what Netlify reads from functions/address.ts", async () => {
    const source = await readFile("functions/address.ts", "utf8");
    const { config } = parseSource(source, { functionName: "address" });
    expect(config.path).toEqual(["/api/address", "/api/address/search", "/api/address/reverse"]);
    expect(config.rateLimit).toEqual({ ...RATE_LIMITS.address, aggregateBy: ["ip", "domain"] });
  });

  it("are what Netlify reads from functions/event.ts", async () => {
    const source = await readFile("functions/event.ts", "utf8");
    const { config } = parseSource(source, { functionName: "event" });
    expect(config.path).toEqual(["/api/event"]);
    expect(config.rateLimit).toEqual({ ...RATE_LIMITS.event, aggregateBy: ["ip", "domain"] });
  });

  it("are what Netlify reads from functions/submit.ts", async () => {
    const source = await readFile("functions/submit.ts", "utf8");
    const { config } = parseSource(source, { functionName: "submit" });
    expect(config.path).toEqual(["/api/submit/:form"]);
    expect(config.rateLimit).toEqual({ ...RATE_LIMITS.submit, aggregateBy: ["ip", "domain"] });
  });

  it("would be silently lost if the config referred to RATE_LIMITS instead of literals", () => {
    // Why functions/*.ts copy the numbers: Netlify's parser keeps literals only, and says nothing.
    const source = `import { RATE_LIMITS } from "../lib/site/rate-limit.ts";
      export default async () => new Response("");
      export const config = { path: "/x", rateLimit: { ...RATE_LIMITS.address, aggregateBy: ["ip"] } };`;
    expect(parseSource(source, { functionName: "x" }).config.rateLimit).toBeUndefined();
  });
});

describe("the in-process limiter", () => {
  it("lets 600 requests through in a window and refuses the 601st until the first leave it", () => {
    const time = clock();
    const limiter = createRateLimiter({ ...RATE_LIMITS.address, now: time.now });
    // 10 a second for 60 seconds, all at the start of each second.
    for (let second = 0; second < windowSize; second++) {
      time.at(second * 1000);
      for (let i = 0; i < windowLimit / windowSize; i++) expect(limiter.check("1.2.3.4")).toEqual({ ok: true });
    }
    time.at(59_400);
    // The 10 of second 0 stop counting at 60 s: 0.6 s from now, announced as 1 s.
    expect(limiter.check("1.2.3.4")).toEqual({ ok: false, retryAfterSeconds: 1 });
    time.at(59_999);
    expect(limiter.check("1.2.3.4").ok).toBe(false); // a refused request does not count
    time.at(60_000);
    for (let i = 0; i < 10; i++) expect(limiter.check("1.2.3.4")).toEqual({ ok: true });
    expect(limiter.check("1.2.3.4")).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it("says how long to wait after a burst, to the second", () => {
    const time = clock();
    const limiter = createRateLimiter({ ...RATE_LIMITS.address, now: time.now });
    for (let i = 0; i < windowLimit; i++) expect(limiter.check("1.2.3.4").ok).toBe(true);
    time.advance(10_000);
    const refused = limiter.check("1.2.3.4");
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 50 });
    time.advance(49_000);
    expect(limiter.check("1.2.3.4")).toEqual({ ok: false, retryAfterSeconds: 1 });
    // Waited as told (50 s after the refusal): the window has slid past the burst, all 600 again.
    time.advance(1_000);
    for (let i = 0; i < windowLimit; i++) expect(limiter.check("1.2.3.4").ok).toBe(true);
    expect(limiter.check("1.2.3.4").ok).toBe(false);
  });

  it("frees only what left the window: a window is any 60 seconds, not a calendar minute", () => {
    const time = clock();
    const limiter = createRateLimiter({ windowLimit: 10, windowSize: 60, now: time.now });
    time.at(30_000);
    for (let i = 0; i < 5; i++) limiter.check("a");
    time.at(50_000);
    for (let i = 0; i < 5; i++) limiter.check("a");
    time.at(70_000); // a fixed window would have started afresh at 60 s
    expect(limiter.check("a")).toEqual({ ok: false, retryAfterSeconds: 20 });
    time.at(90_000);
    for (let i = 0; i < 5; i++) expect(limiter.check("a").ok).toBe(true);
    expect(limiter.check("a")).toEqual({ ok: false, retryAfterSeconds: 20 });
  });

  it("counts each client apart", () => {
    const time = clock();
    const limiter = createRateLimiter({ windowLimit: 3, windowSize: 60, now: time.now });
    for (let i = 0; i < 3; i++) expect(limiter.check("192.0.2.1").ok).toBe(true);
    expect(limiter.check("192.0.2.1").ok).toBe(false);
    for (let i = 0; i < 3; i++) expect(limiter.check("192.0.2.2").ok).toBe(true);
    expect(limiter.check("192.0.2.2").ok).toBe(false);
    expect(limiter.check("2001:db8::1").ok).toBe(true);
  });

  it("tracks at most maxKeys clients, forgetting the least recently seen", () => {
    const time = clock();
    const limiter = createRateLimiter({ windowLimit: 1, windowSize: 60, now: time.now, maxKeys: 3 });
    for (const key of ["a", "b", "c"]) expect(limiter.check(key).ok).toBe(true);
    expect(limiter.check("a").ok).toBe(false); // a is now the most recently seen, b the least
    expect(limiter.check("d").ok).toBe(true); // b is forgotten
    expect(limiter.size).toBe(3);
    expect(limiter.check("a").ok).toBe(false);
    expect(limiter.check("c").ok).toBe(false);
    expect(limiter.check("d").ok).toBe(false);
    expect(limiter.check("b").ok).toBe(true); // starts afresh; now a, the least recently seen, goes
    expect(limiter.check("a").ok).toBe(true);
    expect(limiter.size).toBe(3);
  });

  it("stays bounded under a flood of distinct addresses", () => {
    const time = clock();
    const limiter = createRateLimiter({ ...RATE_LIMITS.address, now: time.now });
    for (let i = 0; i < 25_000; i++) limiter.check(`2001:db8::${i.toString(16)}`);
    expect(limiter.size).toBe(10_000);
  });

  it("survives a clock that goes back", () => {
    const time = clock();
    const limiter = createRateLimiter({ windowLimit: 2, windowSize: 60, now: time.now });
    time.at(100_000);
    expect(limiter.check("a").ok).toBe(true);
    time.at(0);
    expect(limiter.check("a").ok).toBe(true);
    const refused = limiter.check("a") as Extract<RateLimitResult, { ok: false }>;
    expect(refused.ok).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    time.at(160_000);
    expect(limiter.check("a").ok).toBe(true);
  });

  it("refuses nonsense limits", () => {
    expect(() => createRateLimiter({ windowLimit: 0, windowSize: 60 })).toThrow(RangeError);
    expect(() => createRateLimiter({ windowLimit: 10, windowSize: 0 })).toThrow(RangeError);
  });
});

describe("who the client is", () => {
  const request = (headers: Record<string, string>) => new Request("http://localhost/api/address", { headers });

  it("is the address Netlify saw, else the first forwarded one, else local", () => {
    expect(clientKey(request({ "x-nf-client-connection-ip": "203.0.113.7", "x-forwarded-for": "198.51.100.1" }))).toBe("203.0.113.7");
    expect(clientKey(request({ "x-forwarded-for": "198.51.100.1, 10.0.0.1" }))).toBe("198.51.100.1");
    expect(clientKey(request({ "x-forwarded-for": " 2001:db8::1 " }))).toBe("2001:db8::1");
    expect(clientKey(request({ "x-forwarded-for": "" }))).toBe("local");
    expect(clientKey(request({}))).toBe("local");
  });
});

describe("the 429", () => {
  it("is in the BAN's error shape, with Retry-After and the shared headers", async () => {
    const response = tooManyRequestsResponse(42);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("42");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ code: 429, message: "Trop de requêtes : réessayez dans 42 secondes.", detail: [] });
    expect(((await tooManyRequestsResponse(1).json()) as AddressError).message).toBe("Trop de requêtes : réessayez dans 1 seconde.");
  });

  it("is what /api/address answers over the limit, before anything else", async () => {
    const time = clock();
    let searches = 0;
    const provider: AddressProvider = { name: "local", search: async () => (searches++, []), reverse: async () => [] };
    const handler = createAddressHandler({ provider, limiter: createRateLimiter({ ...RATE_LIMITS.address, now: time.now }) });
    const get = (ip: string, method = "GET") =>
      handler(new Request("http://localhost/api/address?q=55+rue+baudin", { method, headers: { "x-nf-client-connection-ip": ip } }));

    for (let i = 0; i < windowLimit; i++) expect((await get("203.0.113.7")).status).toBe(200);
    expect(searches).toBe(windowLimit);
    time.advance(15_000);
    for (const method of ["GET", "OPTIONS", "POST"]) {
      const response = await get("203.0.113.7", method);
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("45");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual({ code: 429, message: "Trop de requêtes : réessayez dans 45 secondes.", detail: [] } satisfies AddressError);
    }
    expect(searches).toBe(windowLimit); // refused before the provider was asked
    expect((await get("203.0.113.8")).status).toBe(200); // another client
    time.advance(45_000);
    expect((await get("203.0.113.7")).status).toBe(200);
  });
});

describe("the limiter shared through files (netlify dev: a new worker per call)", () => {
  it("counts the calls of every worker together, and lets the client in again once the window slides", async () => {
    const time = clock();
    const dir = await mkdtemp(join(tmpdir(), "kit-rate-"));
    // A new limiter per call, as each netlify dev worker makes its own.
    const call = (ip: string) => createSharedRateLimiter({ ...RATE_LIMITS.submit, dir, now: time.now }).check(ip);
    for (let i = 0; i < RATE_LIMITS.submit.windowLimit; i++) {
      time.at(i * 100);
      expect(call("203.0.113.5")).toEqual({ ok: true });
    }
    time.at(15_000);
    // The first 10 calls (second 0) leave the window at 60 s: 45 s from now.
    expect(call("203.0.113.5")).toEqual({ ok: false, retryAfterSeconds: 45 });
    expect(call("198.51.100.5")).toEqual({ ok: true });
    time.at(60_000);
    expect(call("203.0.113.5")).toEqual({ ok: true });
  });

  it("is what the functions use under netlify dev, and memory elsewhere", () => {
    const dev = rateLimiterFor("submit", true);
    const production = rateLimiterFor("address", false);
    // The in-memory limiter counts its clients; the shared one counts folders on disk.
    production.check("203.0.113.1");
    expect(production.size).toBe(1);
    expect(dev.check("203.0.113.1").ok).toBe(true);
  });
});
