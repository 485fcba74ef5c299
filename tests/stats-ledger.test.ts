// Issue 10: counting loses nothing under concurrency (on disk and in a real Netlify Blobs server),
// folds never count twice, and the event endpoint refuses what is not an event.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getStore } from "@netlify/blobs";
import { BlobsServer } from "@netlify/blobs/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { createRateLimiter } from "../lib/site/rate-limit.ts";
import { addCounts, counter, type Counts } from "../lib/stats/counters.ts";
import { createEventHandler } from "../lib/stats/handlers.ts";
import { BlobsKeyValueStore, DiskKeyValueStore, type KeyValueStore } from "../lib/stats/key-value.ts";
import { CountLedger } from "../lib/stats/ledger.ts";
import { createSplitHandler } from "../lib/stats/split.ts";
import { SAMPLE_FORM } from "./support/sample.ts";

const ORIGIN = "https://kit.example";
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const T0 = Date.parse("2026-11-30T10:00:00Z");
const VIEW = counter.view(SAMPLE_FORM, "courte", "landing");

let forms: PublishedForms;
const servers: BlobsServer[] = [];
beforeAll(async () => {
  forms = await readPublishedForms();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

async function blobsKv(): Promise<BlobsKeyValueStore> {
  const server = new BlobsServer({ directory: await mkdtemp(join(tmpdir(), "kit-stats-blobs-")), token: "t" });
  servers.push(server);
  const { port } = await server.start();
  const url = `http://localhost:${port}`;
  return new BlobsKeyValueStore(getStore({ name: "statistiques", siteID: "test", token: "t", edgeURL: url, uncachedEdgeURL: url, consistency: "strong" }));
}

const diskKv = async () => new DiskKeyValueStore(await mkdtemp(join(tmpdir(), "kit-stats-disk-")));

const view = (body: object = { type: "view", service: SAMPLE_FORM, variant: "courte", page: "landing" }, headers: Record<string, string> = {}) =>
  new Request(`${ORIGIN}/api/event`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": BROWSER, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const total = (days: Map<string, Counts>, key = VIEW) => [...days.values()].reduce((n, counts) => n + (counts[key] ?? 0), 0);

describe.each([
  ["on disk", diskKv],
  ["in Netlify Blobs", blobsKv],
])("counts %s", (_, makeKv) => {
  it("N concurrent events in, N counted, while two folders fold at once", async () => {
    const ledger = new CountLedger(await makeKv(), { now: () => T0 });
    const handler = createEventHandler({ forms, ledger, now: () => T0 });
    const n = 400;
    const sent = Array.from({ length: n }, () => handler(view()));
    // Folding while events arrive, twice at once: what one folds, the other must not fold again.
    const folding = (async () => {
      for (let i = 0; i < 3; i++) await Promise.all([ledger.compact(), ledger.compact()]);
    })();
    const statuses = await Promise.all(sent.map(async (response) => (await response).status));
    await folding;
    expect(statuses.every((status) => status === 204)).toBe(true);
    expect(total(await ledger.read())).toBe(n);
    await ledger.compact();
    expect(total(await ledger.read())).toBe(n);
    // Folded: one document left for the day.
    expect(await ledger.kv.list("jours/")).toHaveLength(1);
  });
});

describe("folding", () => {
  it("a folder that dies before deleting what it folded leaves it skipped, not counted twice", async () => {
    const kv = await diskKv();
    let failDeletes = true;
    const flaky: KeyValueStore = {
      list: (prefix) => kv.list(prefix),
      get: (key) => kv.get(key),
      set: (key, value) => kv.set(key, value),
      create: (key, value) => kv.create(key, value),
      delete: async (key) => {
        if (failDeletes) throw new Error("the folder died");
        await kv.delete(key);
      },
    };
    const ledger = new CountLedger(flaky, { now: () => T0 });
    for (let i = 0; i < 10; i++) await ledger.add({ [VIEW]: 1 });
    await expect(ledger.compact()).rejects.toThrow("the folder died");
    expect(total(await ledger.read())).toBe(10);
    await ledger.add({ [VIEW]: 1 });
    failDeletes = false;
    await ledger.compact();
    expect(total(await ledger.read())).toBe(11);
    expect(await kv.list("jours/")).toHaveLength(1);
  });

  it("a read that runs while another process folds still sees every count", async () => {
    const kv = await diskKv();
    const writer = new CountLedger(kv, { now: () => T0 });
    for (let i = 0; i < 300; i++) await writer.add({ [VIEW]: 1 });
    // A slow reader: the folder absorbs and deletes documents while it reads them.
    const slow: KeyValueStore = { ...kv, list: (p) => kv.list(p), set: (k, v) => kv.set(k, v), create: (k, v) => kv.create(k, v), delete: (k) => kv.delete(k), get: async (key) => {
      await new Promise((r) => setTimeout(r, 2));
      return kv.get(key);
    } };
    const reader = new CountLedger(slow, { now: () => T0, concurrency: 4 });
    const [days] = await Promise.all([reader.read(), new Promise((r) => setTimeout(r, 20)).then(() => writer.compact())]);
    expect(total(days)).toBe(300);
    expect(await kv.list("jours/")).toHaveLength(1); // the fold happened during the read
  });

  it("keeps days apart, in Paris time, and adds moves of progress", async () => {
    const ledger = new CountLedger(await diskKv());
    const furthest = (i: number) => counter.furthest(SAMPLE_FORM, "", i);
    // 23:30 UTC on 30 November is 00:30 on 1 December in Paris.
    await ledger.add({ [furthest(0)]: 1 }, Date.parse("2026-11-30T22:30:00Z"));
    await ledger.add({ [furthest(0)]: -1, [furthest(3)]: 1 }, Date.parse("2026-11-30T23:30:00Z"));
    const days = await ledger.read();
    expect([...days.keys()]).toEqual(["2026-11-30", "2026-12-01"]);
    const all = [...days.values()].reduce((sum, counts) => addCounts(sum, counts), {});
    expect(all).toEqual({ [furthest(3)]: 1 });
  });
});

describe("the event endpoint", () => {
  const setup = async () => {
    const ledger = new CountLedger(await diskKv(), { now: () => T0 });
    return { ledger, handler: createEventHandler({ forms, ledger, now: () => T0 }) };
  };

  it.each([
    ["an unknown service", { type: "view", service: "inconnu", page: "landing" }, /service inconnu/],
    ["an unknown variant", { type: "view", service: SAMPLE_FORM, variant: "z", page: "landing" }, /variante inconnue/],
    ["an unknown page", { type: "view", service: SAMPLE_FORM, page: "merci" }, /champ « page »/],
    ["a question past the form's end", { type: "progress", service: SAMPLE_FORM, from: 2, to: 99 }, /progression invalide/],
    ["a move backwards", { type: "progress", service: SAMPLE_FORM, from: 3, to: 1 }, /progression invalide/],
    ["an unknown type", { type: "click", service: SAMPLE_FORM }, /champ « type »/],
  ])("refuses %s with 400, counting nothing", async (_, body, message) => {
    const { ledger, handler } = await setup();
    const response = await handler(view(body));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
    expect((await ledger.read()).size).toBe(0);
  });

  it("refuses what is not JSON (400), a body over 2 KB (413) and other methods (405)", async () => {
    const { handler } = await setup();
    expect((await handler(view("{not json" as unknown as object))).status).toBe(400);
    expect((await handler(view({ type: "view", service: SAMPLE_FORM, page: "landing", source: "x".repeat(3000) }))).status).toBe(413);
    const put = await handler(new Request(`${ORIGIN}/api/event`, { method: "PUT" }));
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST");
  });

  it("answers robots and prefetches 204 without counting them", async () => {
    const { ledger, handler } = await setup();
    for (const headers of <Array<Record<string, string>>>[
      { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" },
      { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36" },
      { "user-agent": "" },
      { "sec-purpose": "prefetch;prerender" },
    ]) {
      expect((await handler(view(undefined, headers))).status).toBe(204);
    }
    expect((await ledger.read()).size).toBe(0);
  });

  it("counts a view without JavaScript (the image), its source read from the page's address", async () => {
    const { ledger, handler } = await setup();
    const response = await handler(
      new Request(`${ORIGIN}/api/event?service=${SAMPLE_FORM}&variant=courte&page=landing`, {
        headers: { "user-agent": BROWSER, referer: `${ORIGIN}/${SAMPLE_FORM}/courte/?utm_source=Affiche%20Mairie&utm_campaign=d%C3%A9cembre` },
      }),
    );
    expect(response.status).toBe(204);
    const [counts] = [...(await ledger.read()).values()];
    expect(counts).toEqual({
      [VIEW]: 1,
      [counter.sourceView(SAMPLE_FORM, "courte", "affiche-mairie")]: 1,
      [counter.campaignView(SAMPLE_FORM, "affiche-mairie", "decembre")]: 1,
    });
  });

  it("keeps no personal data: a source is a short label, and nothing else of the visitor is stored", async () => {
    const { ledger, handler } = await setup();
    await handler(view({ type: "view", service: SAMPLE_FORM, variant: "courte", page: "landing", source: "Jean.Dupont@exemple.fr <script>" }, { "x-forwarded-for": "203.0.113.9" }));
    const stored = JSON.stringify([...(await ledger.read()).values()]);
    expect(stored).not.toContain("203.0.113.9");
    expect(stored).not.toContain("Mozilla");
    expect(stored).not.toContain("<");
  });

  it("is rate limited like the other functions (429 with Retry-After)", async () => {
    const ledger = new CountLedger(await diskKv());
    const limiter = createRateLimiter({ windowLimit: 2, windowSize: 60, now: () => T0 });
    const handler = createEventHandler({ forms, ledger, limiter, now: () => T0 });
    expect((await handler(view())).status).toBe(204);
    expect((await handler(view())).status).toBe(204);
    const third = await handler(view());
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBeTruthy();
  });
});

describe("the main address's split", () => {
  const split = () => createSplitHandler({ forms, now: () => T0 });
  const visit = (ip: string, path = `/${SAMPLE_FORM}/`) => new Request(`${ORIGIN}${path}`, { headers: { "x-forwarded-for": ip, "user-agent": BROWSER } });

  it("sends the same visitor to the same variant all day, keeps the query, and is never cached", async () => {
    const handler = split();
    const first = await handler(visit("198.51.100.7", `/${SAMPLE_FORM}/?utm_source=lettre`));
    expect(first.status).toBe(302);
    expect(first.headers.get("cache-control")).toBe("no-store");
    const location = first.headers.get("location");
    expect(location).toMatch(new RegExp(`^/${SAMPLE_FORM}/(courte|detaillee)/\\?utm_source=lettre$`));
    for (let i = 0; i < 5; i++) expect((await handler(visit("198.51.100.7", `/${SAMPLE_FORM}/?utm_source=lettre`))).headers.get("location")).toBe(location);
  });

  it("answers 404 with the site's page for an address that is no service", async () => {
    const response = await split()(visit("198.51.100.7", "/pas-un-service/"));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Page non trouvée");
  });
});

describe("a person's decision on a quarantined answer", () => {
  it("moves it in the counts: released, an answer with what it said; deleted, a robot set aside", async () => {
    const { createSubmitHandler } = await import("../lib/answers/submit.ts");
    const { DiskAnswerStore } = await import("../lib/answers/store.ts");
    const { releaseAnswers, deleteAnswers } = await import("../lib/answers/review.ts");
    const { reviewedCounts } = await import("../lib/stats/submission.ts");
    const { buildReport } = await import("../lib/stats/aggregate.ts");
    const { validSubmission } = await import("./support/sample.ts");
    const ledger = new CountLedger(await diskKv(), { now: () => T0 });
    const store = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-stats-review-")));
    const submit = createSubmitHandler({ forms, store, counts: ledger, now: () => T0 });
    // Two answers without JavaScript (no timing token): both kept in quarantine.
    for (const name of ["Un", "Deux"]) {
      const entries = validSubmission().map(([k, v]): [string, string] => [k, k === "recQPrenom0000001" ? name : v]);
      const response = await submit(
        new Request(`${ORIGIN}/api/submit/${SAMPLE_FORM}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams([...entries, ["_variante", "courte"], ["_instance", name]]).toString(),
        }),
      );
      expect(response.status).toBe(303);
    }
    const row = async () => buildReport(await ledger.read(), forms, T0).services[0]!.variants.find((v) => v.slug === "courte")!;
    expect(await row()).toMatchObject({ accepted: 0, quarantined: 2, discarded: 0 });
    const [first, second] = await store.list(SAMPLE_FORM);
    const definition = forms.forms[SAMPLE_FORM]!.definition;
    const decided = async (answer: typeof first & object, decision: "released" | "deleted") => ledger.add(reviewedCounts(definition, answer, decision), Date.parse(answer.submittedAt));
    await releaseAnswers(store, [first!.id], decided);
    await deleteAnswers(store, [second!.id], decided);
    expect(await row()).toMatchObject({ accepted: 1, quarantined: 0, discarded: 1 });
    // What the released answer said is counted now: its commune, shown with the others on the
    // public page while it has fewer than 3 answers (it would tell who answered in a village).
    expect(buildReport(await ledger.read(), forms, T0).services[0]!.communes).toEqual([{ code: "autres", count: 1 }]);
    expect(buildReport(await ledger.read(), forms, T0).services[0]!.departements).toEqual([{ code: "93", count: 1 }]);
  });
});
