// Issue 8: nothing a person sent is dropped silently, and abuse is refused at the door.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressIndex } from "../lib/address/engine.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { AutoProvider, LocalProvider, RemoteProvider, type AddressProvider } from "../lib/address/providers.ts";
import { OUT_OF_TERRITORY } from "../lib/address/territory.ts";
import { ADDRESS_NOT_FOUND } from "../lib/answers/address-check.ts";
import { createSubmitHandler, type SubmitOptions } from "../lib/answers/submit.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { checkTimingToken, issueTimingToken, MAX_TOKEN_AGE_MS } from "../lib/answers/timing.ts";
import { HOUSE_NUMBER_REQUIRED } from "../lib/forms/parse.ts";
import { readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { createRateLimiter, RATE_LIMITS } from "../lib/site/rate-limit.ts";
import { FakeGeoplateforme } from "./support/geoplateforme-server.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission } from "./support/sample.ts";

const URL_ = `http://localhost:8888/api/submit/${SAMPLE_FORM}`;
const T0 = Date.parse("2026-11-29T10:00:00Z");

let forms: PublishedForms;
let index: AddressIndex;
const geo = new FakeGeoplateforme();
let geoUrl: string;
beforeAll(async () => {
  forms = await readPublishedForms();
  index = await loadIndex();
  geoUrl = await geo.start();
});
afterAll(() => geo.stop());

/** A handler on a fresh disk store, with a clock the test moves. */
async function setup(options: Partial<SubmitOptions> = {}) {
  const clock = { now: T0 };
  const store = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-abuse-")));
  const handler = createSubmitHandler({ forms, store, now: () => clock.now, ...options });
  /** What the form page does when it opens: ask for a timing token. */
  const token = async () => {
    const response = await handler(new Request(URL_, { headers: { accept: "application/json" } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    return ((await response.json()) as { token: string }).token;
  };
  return { handler, store, clock, token };
}

const post = (entries: Array<[string, string]>, headers: Record<string, string> = {}, url = URL_) =>
  new Request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", ...headers },
    body: new URLSearchParams(entries).toString(),
  });

const withToken = (token: string, entries = validSubmission()): Array<[string, string]> => [...entries, ["_jeton", token]];

describe("quarantine: what only looks automated is kept, never dropped", () => {
  it("keeps an answer sent 1 s after the page opened, in quarantine", async () => {
    const { handler, store, clock, token } = await setup();
    const t = await token();
    clock.now += 1000;
    const response = await handler(post(withToken(t)));
    expect(response.status).toBe(303);
    const [kept, ...rest] = await store.list();
    expect(rest).toEqual([]);
    expect(kept?.quarantine).toEqual({ reason: "too-fast" });
    expect(kept?.values[SAMPLE_KEYS.firstName]).toBe("Camille");
  });

  it("keeps an answer sent without JavaScript (no token) in quarantine, 'no-timing'", async () => {
    const { handler, store } = await setup();
    expect((await handler(post(validSubmission()))).status).toBe(303);
    expect((await store.list()).map((a) => a.quarantine)).toEqual([{ reason: "no-timing" }]);
  });

  it("does not trust a token it did not sign, nor a stale one", async () => {
    const { handler, store, clock, token } = await setup();
    const forged = issueTimingToken("another key", SAMPLE_FORM, T0 - 60_000);
    await handler(post(withToken(forged)));
    const t = await token();
    clock.now += MAX_TOKEN_AGE_MS + 1;
    await handler(post(withToken(t, validSubmission().map(([k, v]): [string, string] => (k === SAMPLE_KEYS.firstName ? [k, "Alix"] : [k, v]))), { "x-nf-client-connection-ip": "198.51.100.1" }));
    expect((await store.list()).map((a) => a.quarantine?.reason)).toEqual(["bad-timing", "bad-timing"]);
  });

  it("accepts an answer sent after 3 s with the server's token, whatever the client claims", async () => {
    const { handler, store, clock, token } = await setup();
    const t = await token();
    clock.now += 3500;
    expect((await handler(post([...withToken(t), ["_elapsed", "1"]]))).status).toBe(303);
    const [answer] = await store.list();
    expect(answer?.quarantine).toBeUndefined();
  });

  it("a token is for one form only", () => {
    const key = "k".repeat(64);
    const t = issueTimingToken(key, "form-a", T0);
    expect(checkTimingToken(key, "form-a", t, T0 + 5000)).toMatchObject({ ok: true });
    expect(checkTimingToken(key, "form-b", t, T0 + 5000)).toEqual({ ok: false, reason: "bad-timing" });
    expect(checkTimingToken(key, "form-a", `${t}x`, T0 + 5000)).toEqual({ ok: false, reason: "bad-timing" });
  });

  it("checks every value of the honeypot field, and counts what it discards", async () => {
    const { handler, store } = await setup();
    const response = await handler(post([...validSubmission(), ["site_web", ""], ["site_web", "http://spam.example"]]));
    expect(response.status).toBe(303);
    expect(await store.list()).toEqual([]);
    expect(await store.discarded(SAMPLE_FORM)).toEqual({ honeypot: 1 });
  });
});

describe("a form sent again", () => {
  it("with other values updates the stored answer, the earlier values kept in its history", async () => {
    const { handler, store, clock, token } = await setup();
    const t = await token();
    clock.now += 10_000;
    await handler(post(withToken(t)));
    clock.now += 60_000;
    const corrected = withToken(t).map(([k, v]): [string, string] => (k === SAMPLE_KEYS.firstName ? [k, "Camila"] : [k, v]));
    expect((await handler(post(corrected))).status).toBe(303);
    const [answer, ...rest] = await store.list();
    expect(rest).toEqual([]);
    expect(answer?.values[SAMPLE_KEYS.firstName]).toBe("Camila");
    expect(answer?.submittedAt).toBe(new Date(T0 + 70_000).toISOString());
    expect(answer?.history?.map((v) => v.values[SAMPLE_KEYS.firstName])).toEqual(["Camille"]);
    // The same values once more change nothing.
    await handler(post(corrected));
    expect((await store.list())[0]).toEqual(answer);
  });

  it("with the same instance, concurrently and with different values, keeps every version", async () => {
    const { store } = await setup();
    const base = { id: "0123456789abcdef01234567", form: SAMPLE_FORM, source: "web" as const };
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.put({ ...base, submittedAt: new Date(T0 + i).toISOString(), values: { n: i } })),
    );
    const [answer] = await store.list();
    const seen = [answer?.values.n, ...(answer?.history ?? []).map((v) => v.values.n)].sort((a, b) => Number(a) - Number(b));
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe("refused at the door", () => {
  it.each(Object.getOwnPropertyNames(Object.prototype).map((name) => [name.toLowerCase()]))(
    "answers 404 to the slug « %s », and keeps working",
    async (slug) => {
      const { handler } = await setup();
      const response = await handler(post(validSubmission(), {}, `http://localhost:8888/api/submit/${slug}`));
      expect(response.status).toBe(404);
      expect((await handler(post(validSubmission()))).status).toBe(303);
    },
  );

  it("refuses a POST from another site's page (403) and stores nothing", async () => {
    const { handler, store } = await setup();
    const crossSite: Array<Record<string, string>> = [{ origin: "https://evil.example" }, { origin: "null" }, { "sec-fetch-site": "cross-site" }];
    for (const headers of crossSite) {
      const response = await handler(post(validSubmission(), headers));
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("depuis le site du service");
    }
    expect(await store.list()).toEqual([]);
    expect((await handler(post(validSubmission(), { origin: "http://localhost:8888", "sec-fetch-site": "same-origin" }))).status).toBe(303);
  });

  it("limits each client, with Retry-After, a French page for a form and JSON for fetch", async () => {
    const clock = { now: T0 };
    const limiter = createRateLimiter({ ...RATE_LIMITS.submit, now: () => clock.now });
    const { handler, store } = await setup({ limiter, now: () => clock.now });
    const school = { "x-nf-client-connection-ip": "203.0.113.9" };
    // A class of 30 behind one IP: each opens the form, makes a mistake, then sends it.
    const statuses: number[] = [];
    for (let pupil = 0; pupil < 30; pupil++) {
      const t = ((await (await handler(new Request(URL_, { headers: { accept: "application/json", ...school } }))).json()) as { token: string }).token;
      clock.now += 1000;
      statuses.push((await handler(post([["_jeton", t]], school))).status);
      const named = withToken(t).map(([k, v]): [string, string] => (k === SAMPLE_KEYS.firstName ? [k, `Élève ${pupil}`] : [k, v]));
      statuses.push((await handler(post(named, school))).status);
    }
    expect(statuses.filter((s) => s === 303)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(0);
    expect(await store.list()).toHaveLength(30);
    // A script from one IP is stopped at the limit.
    const bot = { "x-nf-client-connection-ip": "198.51.100.66" };
    const burst: number[] = [];
    for (let i = 0; i < 1000; i++) burst.push((await handler(post([["x", String(i)]], bot))).status);
    expect(burst.filter((s) => s !== 429)).toHaveLength(RATE_LIMITS.submit.windowLimit);
    const page = await handler(post(validSubmission(), bot));
    expect(page.status).toBe(429);
    expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("fr-alert--error");
    expect(html).toContain("réessayez dans");
    const asJson = await handler(post(validSubmission(), { ...bot, accept: "application/json" }));
    expect(asJson.status).toBe(429);
    expect(((await asJson.json()) as { error: string }).error).toContain("réessayez dans");
  });
});

describe("typed addresses are checked like chosen ones", () => {
  const typed = (label: string) =>
    validSubmission()
      .filter(([k]) => k !== `${SAMPLE_KEYS.address}__id`)
      .map(([k, v]): [string, string] => (k === SAMPLE_KEYS.address ? [k, label] : [k, v]));
  const local = () => new LocalProvider(async () => index);
  const auto = () => new AutoProvider(new LocalProvider(async () => index), new RemoteProvider({ baseUrl: geoUrl }));

  async function errorFor(label: string, addresses: AddressProvider = auto()) {
    const { handler, store } = await setup({ addresses });
    const response = await handler(post(typed(label), { accept: "application/json" }));
    if (response.status === 201) return { stored: await store.list() };
    expect(response.status).toBe(422);
    expect(await store.list()).toEqual([]);
    return { error: ((await response.json()) as { errors: Record<string, string> }).errors[SAMPLE_KEYS.address] };
  }

  it("refuses a typed address outside the territory, with the same message as a chosen one", async () => {
    expect(await errorFor("1 rue de Rivoli 75001 Paris")).toEqual({ error: OUT_OF_TERRITORY });
  });

  it("refuses a typed address the index does not know, when only the territory's index answers", async () => {
    expect(await errorFor("1 rue de Rivoli 75001 Paris", local())).toEqual({ error: ADDRESS_NOT_FOUND });
  });

  it("refuses a street without a house number when the question requires one", async () => {
    expect(await errorFor("Rue Baudin 93140 Bondy")).toEqual({ error: HOUSE_NUMBER_REQUIRED });
  });

  it("accepts a typed address inside the territory, completed with its BAN id and its parts", async () => {
    const { stored } = await errorFor("55 rue baudin bondy");
    expect(stored?.[0]?.values[SAMPLE_KEYS.address]).toMatchObject({ label: "55 rue baudin bondy", id: "93010_0620_00055", postcode: "93140", citycode: "93010", city: "Bondy" });
  });

  it("looks up words named like Object.prototype members without crashing", async () => {
    expect(await errorFor("12 rue constructor bondy", local())).toEqual({ error: ADDRESS_NOT_FOUND });
    expect(await errorFor("12 tostring valueof 93140", local())).toEqual({ error: ADDRESS_NOT_FOUND });
  });

  it("keeps the address as typed when the lookup service is down", async () => {
    const down = new RemoteProvider({ baseUrl: "http://127.0.0.1:9/geocodage", timeoutMs: 200 });
    const { stored } = await errorFor("1 place bellecour lyon", down);
    expect(stored?.[0]?.values[SAMPLE_KEYS.address]).toEqual({ label: "1 place bellecour lyon" });
  });
});

describe("numbers are checked on the server", () => {
  it.each([
    ["400 digits", "9".repeat(400)],
    ["a negative household", "-2"],
  ])("refuses %s (422), never storing an empty number", async (_, value) => {
    const { handler, store } = await setup();
    const entries = validSubmission().map(([k, v]): [string, string] => (k === SAMPLE_KEYS.household ? [k, value] : [k, v]));
    const response = await handler(post(entries, { accept: "application/json" }));
    expect(response.status).toBe(422);
    expect(((await response.json()) as { errors: Record<string, string> }).errors[SAMPLE_KEYS.household]).toMatch(/^Saisissez un nombre/);
    expect(await store.list()).toEqual([]);
  });
});
