// The answer sink: accepted answers wait in Netlify Blobs (a real BlobsServer) and are written to
// Airtable (the project's protocol-faithful server) without loss or duplicates, whatever fails.
// Airtable's limits run at their real durations (a one-second window, a 30 s lockout, 210 ms between
// requests, a 30 s pause after a 429) on a virtual clock shared by the flusher and the server: they
// cost no real time, and no count depends on how busy the machine is.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getStore } from "@netlify/blobs";
import { BlobsServer } from "@netlify/blobs/server";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AirtableConfig } from "../lib/airtable/client.ts";
import { AirtableAnswerSink, ANSWERS_TABLE, answerFields, type AnswerSink } from "../lib/airtable/answer-sink.ts";
import type { Answer } from "../lib/answers/answer.ts";
import { BlobsAnswerStore, STORE_NAME } from "../lib/answers/blobs-store.ts";
import { answerStoreKind, LEASE_TTL_MS } from "../lib/app/answers.ts";
import { readConfig } from "../lib/app/config.ts";
import { releaseAnswers } from "../lib/answers/review.ts";
import { flushAnswers, type FlushOptions } from "../lib/airtable/flush.ts";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import type { FormDefinition } from "../lib/forms/definitions.ts";
import { definitionsOf, readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { FakeAirtable } from "./support/airtable-server.ts";
import { VirtualClock } from "./support/clock.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission } from "./support/sample.ts";
import { runScript } from "./support/build.ts";

const BASE = "appKITTEST0000001";
const TOKEN = "patTEST";
/**
 * airtable.js's request time-out, a real timer: long enough that no ordinary request to the local
 * server ever reaches it, however loaded the machine. Only the test of time-outs sets a short one.
 */
const REQUEST_TIMEOUT_MS = 10_000;

let forms: PublishedForms;
let definitions: Record<string, FormDefinition>;
beforeAll(async () => {
  forms = await readPublishedForms();
  definitions = definitionsOf(forms);
});

let clock: VirtualClock;
let airtable: FakeAirtable;
let config: AirtableConfig;
let blobsDir: string;
/** The URL of the last Blobs server started. */
let blobsUrl: string;
const servers: BlobsServer[] = [];

async function blobsStore(directory = blobsDir): Promise<BlobsAnswerStore> {
  const server = new BlobsServer({ directory, token: "blobs-token" });
  servers.push(server);
  const { port } = await server.start();
  const url = `http://localhost:${port}`;
  blobsUrl = url;
  return new BlobsAnswerStore(getStore({ name: STORE_NAME, siteID: "test-site", token: "blobs-token", edgeURL: url, uncachedEdgeURL: url, consistency: "strong" }));
}

beforeEach(async () => {
  clock = new VirtualClock();
  // The rate limit on the flusher's clock: a request arrives at the virtual time it was let go.
  // Slow replies stay real, as airtable.js's time-out is a real timer.
  airtable = new FakeAirtable({ token: TOKEN, now: clock.now });
  config = { token: TOKEN, baseId: BASE, endpointUrl: await airtable.start() };
  airtable.createBase(BASE);
  airtable.addTable(BASE, { name: ANSWERS_TABLE, fields: answerFields(Object.values(definitions)) });
  blobsDir = await mkdtemp(join(tmpdir(), "kit-blobs-"));
});

afterEach(async () => {
  await airtable.stop();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const sink = (requestTimeoutMs = REQUEST_TIMEOUT_MS): AnswerSink => new AirtableAnswerSink(config, definitions, requestTimeoutMs);

/**
 * The lease on the virtual clock, without the wait that lets the local Blobs server's non-atomic
 * conditional writes settle (a real timer): it only matters to flushers racing for the lease, and
 * the test of that race sets it.
 */
const lease = (store: BlobsAnswerStore, settleMs = 0) => store.lease(`test-${Math.random()}`, LEASE_TTL_MS, clock.now, settleMs);

/** Production's pacing, pause and backoff, in virtual time, with a deadline far enough never to be met. */
function flushOptions(store: BlobsAnswerStore, overrides: Partial<FlushOptions> = {}): FlushOptions {
  return {
    queue: store,
    sink: sink(),
    lease: lease(store),
    now: clock.now,
    sleep: clock.sleep,
    deadline: clock.now() + 15 * 60_000,
    ...overrides,
  };
}

/** Submits n distinct answers through the real submit handler, each form instance twice. */
async function submitMany(store: BlobsAnswerStore, n: number): Promise<void> {
  const handler = createSubmitHandler({ forms, store });
  const requests = Array.from({ length: n }, (_, i) => {
    const body = Object.fromEntries(validSubmission().filter(([k]) => k !== SAMPLE_KEYS.works));
    return JSON.stringify({
      ...body,
      [SAMPLE_KEYS.firstName]: `Citoyen ${i}`,
      [SAMPLE_KEYS.works]: ["Isolation"],
      _instance: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    });
  });
  const send = (body: string) =>
    handler(new Request(`http://localhost/api/submit/${SAMPLE_FORM}`, { method: "POST", headers: { "content-type": "application/json" }, body }));
  const responses = await Promise.all([...requests, ...requests].map(send));
  expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
}

function rowsById(): Map<string, Record<string, unknown>> {
  const rows = airtable.records(BASE, ANSWERS_TABLE);
  return new Map(rows.map((r) => [r.fields.Identifiant as string, r.fields]));
}

describe("npm run answers:flush", () => {
  // A subprocess on real time: a busy machine slows it down (hence the time-out), and nothing
  // asserted depends on how its requests are spaced.
  it("drains the backlog from the command line, with progress", { timeout: 120_000 }, async () => {
    const store = await blobsStore();
    await submitMany(store, 30);
    // How Netlify hands a Blobs store to code it runs.
    const context = Buffer.from(JSON.stringify({ edgeURL: blobsUrl, uncachedEdgeURL: blobsUrl, siteID: "test-site", token: "blobs-token" })).toString("base64");
    // The command runs on real time: so does this server.
    await airtable.stop();
    airtable = new FakeAirtable({ token: TOKEN });
    const endpoint = await airtable.start();
    airtable.createBase(BASE);
    airtable.addTable(BASE, { name: ANSWERS_TABLE, fields: answerFields(Object.values(definitions)) });
    const run = await runScript("answers:flush", { NETLIFY_BLOBS_CONTEXT: context, AIRTABLE_TOKEN: TOKEN, AIRTABLE_BASE_ID: BASE, AIRTABLE_ENDPOINT_URL: endpoint });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("30 réponses en attente");
    expect(run.output).toContain("30/30 écrites dans Airtable");
    // Thirty answers are three writes: fewer than Airtable's five a second, so no 429 whatever the
    // spacing, and no pause. (Retries are not asserted: a write slower than the 10 s time-out would be one.)
    expect(run.output).toContain("30 écrites, 0 en attente, 0 pause(s) après un 429");
    expect(airtable.stats.rateLimited).toBe(0);
    expect(airtable.records(BASE, ANSWERS_TABLE)).toHaveLength(30);
  });
});

describe("flushing the queue to Airtable", () => {
  // 240 submissions and 120 answers through a real Blobs server: seconds of real I/O on a busy machine.
  it("writes N concurrent answers as exactly N rows, under 5xx, time-outs, dropped responses and a 429", { timeout: 90_000 }, async () => {
    const store = await blobsStore();
    await submitMany(store, 120);
    expect(await store.pendingKeys()).toHaveLength(120);

    airtable.injectFault({ kind: "status", status: 502, method: "PATCH" });
    airtable.injectFault({ kind: "drop-after-write", method: "PATCH" });
    // Longer than the client's 300 ms time-out. Both are real timers of this process, the client's
    // set first and due first: the request times out, however loaded the machine.
    airtable.injectFault({ kind: "slow", delayMs: 600, method: "PATCH" });
    airtable.injectFault({ kind: "status", status: 503, times: 2, method: "PATCH" });
    airtable.injectFault({ kind: "drop-after-write", method: "PATCH" });
    airtable.injectFault({ kind: "status", status: 429, method: "PATCH" });

    const started = clock.now();
    const report = await flushAnswers(flushOptions(store, { sink: sink(300) }));
    expect(report.stoppedBy).toBe("empty");
    expect(report.written).toBe(120);
    expect(report.rateLimited).toBe(1);
    // One retry per 5xx, time-out and dropped response; an ordinary write that took over 300 ms on a
    // busy machine would be one more, so this is not exact.
    expect(report.retries).toBeGreaterThanOrEqual(6);
    expect(report.requests).toBe(12 + report.retries + report.rateLimited);
    expect(clock.now() - started).toBeGreaterThanOrEqual(30_000); // the pause after the 429

    const rows = airtable.records(BASE, ANSWERS_TABLE);
    expect(rows).toHaveLength(120); // none lost, none duplicated
    expect(rowsById().size).toBe(120);
    expect(await store.pendingKeys()).toEqual([]);
    expect(airtable.stats.maxRequestsInOneWindow).toBeLessThanOrEqual(5);
    expect(airtable.stats.rateLimited).toBe(0); // the 429 was injected; the pace never caused one

    const row = rows.find((r) => r.fields.Prénom === "Citoyen 7")!;
    expect(row.fields).toMatchObject({
      Formulaire: SAMPLE_FORM,
      Source: "web",
      "Adresse e-mail": "camille.dupont@exemple.fr",
      "Adresse du logement": "55 Rue Baudin 93140 Bondy",
      "Travaux envisagés": ["Isolation"],
      "Nombre de personnes dans le foyer": 3,
      "J'accepte qu'un conseiller me contacte au sujet de ma demande.": true,
    });
    expect(JSON.parse(row.fields["Données brutes"] as string)).toMatchObject({ Prénom: "Citoyen 7" });
  });

  it("makes no second row for a re-send arriving after its answer was written to Airtable", async () => {
    const store = await blobsStore();
    await submitMany(store, 3);
    await flushAnswers(flushOptions(store));
    await submitMany(store, 3); // the same three form instances again: queued again…
    expect(await store.pendingKeys()).toHaveLength(3);
    const report = await flushAnswers(flushOptions(store));
    expect(report.written).toBe(3);
    expect(airtable.records(BASE, ANSWERS_TABLE)).toHaveLength(3); // …and upserted onto the same rows
  });

  it("keeps the queue across a restart between acceptance and flush", async () => {
    const first = await blobsStore();
    await submitMany(first, 15);
    await Promise.all(servers.splice(0).map((s) => s.stop())); // the process dies
    const restarted = await blobsStore(blobsDir);
    expect(await restarted.pendingKeys()).toHaveLength(15);
    const report = await flushAnswers(flushOptions(restarted));
    expect(report.written).toBe(15);
    expect(airtable.records(BASE, ANSWERS_TABLE)).toHaveLength(15);
  });

  it("lets one writer at a time work, however many flushers start", async () => {
    const store = await blobsStore();
    await submitMany(store, 40);
    let active = 0;
    let mostActive = 0;
    const slowSink = (): AnswerSink => {
      const inner = sink();
      return {
        missingColumns: inner.missingColumns,
        async write(answers) {
          mostActive = Math.max(mostActive, ++active);
          try {
            await new Promise((r) => setTimeout(r, 15)); // long enough for writers to overlap, were they allowed to
            await inner.write(answers);
          } finally {
            active -= 1;
          }
        },
      };
    };
    // The three race for the lease on the local Blobs server, whose conditional writes are a check
    // then a write: each reads the lease back after a real wait, as on `netlify dev` (lease settleMs).
    const reports = await Promise.all([1, 2, 3].map(() => flushAnswers(flushOptions(store, { sink: slowSink(), lease: lease(store, 100) }))));
    expect(mostActive).toBe(1);
    expect(reports.some((r) => r.stoppedBy === "lease")).toBe(true);
    expect(reports.reduce((sum, r) => sum + r.written, 0)).toBe(40);
    expect(airtable.records(BASE, ANSWERS_TABLE)).toHaveLength(40);
  });

  it("stops before its deadline, leaving the rest queued for the next run", async () => {
    const store = await blobsStore();
    await submitMany(store, 50);
    // 700 ms, keeping 100 for a write: writes start at 0, 210 and 420 ms; the next one, at 630, could end past the deadline.
    const report = await flushAnswers(flushOptions(store, { deadline: clock.now() + 700, requestBudgetMs: 100 }));
    expect(report.stoppedBy).toBe("deadline");
    expect(report.written).toBe(30);
    expect(await store.pendingKeys()).toHaveLength(20);
    const rest = await flushAnswers(flushOptions(store));
    expect(report.written + rest.written).toBe(50);
    expect(airtable.records(BASE, ANSWERS_TABLE)).toHaveLength(50);
  });

  it("keeps to Airtable's rate at exactly five requests a second, with no margin at all", async () => {
    const store = await blobsStore();
    await submitMany(store, 60);
    // Writes at 0, 200, … 1000 ms: the sixth comes as the first leaves the one-second window.
    const report = await flushAnswers(flushOptions(store, { minIntervalMs: 200 }));
    expect(report).toMatchObject({ stoppedBy: "empty", written: 60, requests: 6, rateLimited: 0, retries: 0 });
    expect(airtable.stats).toMatchObject({ requests: 6, rateLimited: 0, maxRequestsInOneWindow: 5 });
  });

  it("paced too fast, is locked out for 30 s, pauses 30 s and then finishes", async () => {
    const store = await blobsStore();
    await submitMany(store, 60);
    // Writes at 0, 150, … 600 ms; the sixth, at 750, is a sixth within one second: a 429, and the
    // base is locked out until 30 750. The flusher's 30 s pause ends just then: its retry is let in.
    const report = await flushAnswers(flushOptions(store, { minIntervalMs: 150 }));
    expect(report).toMatchObject({ stoppedBy: "empty", written: 60, requests: 7, rateLimited: 1, retries: 0 });
    expect(airtable.stats).toMatchObject({ requests: 7, rateLimited: 1, maxRequestsInOneWindow: 5 });
    expect(airtable.records(BASE, ANSWERS_TABLE)).toHaveLength(60);
  });

  it("stops on a refused token and loses nothing", async () => {
    const store = await blobsStore();
    await submitMany(store, 12);
    const report = await flushAnswers(flushOptions(store, { sink: new AirtableAnswerSink({ ...config, token: "patWRONG" }, definitions, REQUEST_TIMEOUT_MS) }));
    expect(report.stoppedBy).toBe("error");
    expect(report.error).toContain("AUTHENTICATION_REQUIRED");
    expect(await store.pendingKeys()).toHaveLength(12);
  });

  it("sets aside an unreadable queue entry instead of blocking the others", async () => {
    const store = await blobsStore();
    await submitMany(store, 5);
    await store.store.set("pending/conseil-renovation/000000000000000000000bad", "{ not json");
    const report = await flushAnswers(flushOptions(store));
    expect(report.written).toBe(5);
    expect(await store.pendingKeys()).toEqual([]);
    expect(await store.store.get("unreadable/pending/conseil-renovation/000000000000000000000bad", { type: "text" })).toBe("{ not json");
  });

  it("writes the raw answers when a column refuses a value, rather than block the queue", async () => {
    // A column whose type the intrapreneur changed by hand: "Prénom" now a number.
    const fields = answerFields(Object.values(definitions)).map((f) => (f.name === "Prénom" ? { name: f.name, type: "number" as const, options: { precision: 0 } } : f));
    airtable.createBase("appKITTEST0000003");
    airtable.addTable("appKITTEST0000003", { name: ANSWERS_TABLE, fields });
    config = { ...config, baseId: "appKITTEST0000003" };
    const store = await blobsStore();
    await submitMany(store, 4);
    const report = await flushAnswers(flushOptions(store));
    expect(report.stoppedBy).toBe("empty");
    const rows = airtable.records("appKITTEST0000003", ANSWERS_TABLE);
    expect(rows).toHaveLength(4);
    expect(JSON.parse(rows[0]!.fields["Données brutes"] as string).Prénom).toMatch(/^Citoyen \d$/);
  });

  it("writes answers to questions that have no column yet, keeping them in the raw column, at Airtable's pace", async () => {
    const gone = ["Prénom", "Nom", "Numéro de téléphone", "Type de logement", "Votre projet en quelques mots"];
    const withoutFirstName = answerFields(Object.values(definitions)).filter((f) => !gone.includes(f.name));
    airtable.createBase("appKITTEST0000002");
    airtable.addTable("appKITTEST0000002", { name: ANSWERS_TABLE, fields: withoutFirstName });
    config = { ...config, baseId: "appKITTEST0000002" };
    const store = await blobsStore();
    await submitMany(store, 4);
    const report = await flushAnswers(flushOptions(store));
    expect(report.written).toBe(4);
    expect(report.missingColumns.sort()).toEqual([...gone].sort());
    expect(report.requests, JSON.stringify({ ...report, window: airtable.stats })).toBe(gone.length + 1); // one refused write per missing column, then the write
    expect(airtable.stats.maxRequestsInOneWindow).toBeLessThanOrEqual(5);
    const rows = airtable.records("appKITTEST0000002", ANSWERS_TABLE);
    expect(rows).toHaveLength(4);
    expect(JSON.parse(rows[0]!.fields["Données brutes"] as string).Prénom).toMatch(/^Citoyen \d$/);
  });
});

describe("the Blobs store (deployed site, with or without Airtable)", () => {
  const answer = (id: string, values: Record<string, string>, extra: Partial<Answer> = {}): Answer => ({
    id,
    form: SAMPLE_FORM,
    submittedAt: new Date(Date.parse("2026-11-29T10:00:00Z") + Number.parseInt(id.slice(-2), 16) * 1000).toISOString(),
    source: "web",
    values,
    ...extra,
  });

  it("keeps a re-send with other values as an update, the earlier values in its history, also after a flush", async () => {
    const store = await blobsStore();
    const id = "0123456789abcdef01234501";
    expect(await store.put(answer(id, { [SAMPLE_KEYS.firstName]: "Camille" }))).toBe("created");
    expect(await store.put(answer(id, { [SAMPLE_KEYS.firstName]: "Camille" }))).toBe("duplicate");
    expect(await store.put(answer(id, { [SAMPLE_KEYS.firstName]: "Camila" }))).toBe("updated");
    expect((await store.get(SAMPLE_FORM, id))?.history?.map((v) => v.values[SAMPLE_KEYS.firstName])).toEqual(["Camille"]);
    expect((await flushAnswers(flushOptions(store))).written).toBe(1);
    // After the flush, a third version: queued again, merged onto the archived copy.
    await store.put(answer(id, { [SAMPLE_KEYS.firstName]: "Camilla" }));
    expect((await flushAnswers(flushOptions(store))).written).toBe(1);
    const stored = await store.get(SAMPLE_FORM, id);
    expect(stored?.values[SAMPLE_KEYS.firstName]).toBe("Camilla");
    expect(stored?.history?.map((v) => v.values[SAMPLE_KEYS.firstName])).toEqual(["Camille", "Camila"]);
    expect(airtable.records(BASE, ANSWERS_TABLE)).toHaveLength(1);
    expect(rowsById().get(id)?.[definitions[SAMPLE_FORM]!.fields.find((f) => f.key === SAMPLE_KEYS.firstName)!.label]).toBe("Camilla");
  });

  it("counts discarded submissions, lists forms, sets an unreadable entry aside and deletes on request", async () => {
    const store = await blobsStore();
    await Promise.all(Array.from({ length: 12 }, (_, i) => store.discard(SAMPLE_FORM, "honeypot", 1_700_000_000_000 + i)));
    expect(await store.discarded(SAMPLE_FORM)).toEqual({ honeypot: 12 });
    await store.put(answer("0123456789abcdef01234502", { a: "1" }));
    await store.put(answer("0123456789abcdef01234503", { a: "2" }));
    await store.store.set(`pending/${SAMPLE_FORM}/0123456789abcdef01234504`, "{ truncated");
    const { answers, setAside } = await store.scan();
    expect(answers.map((a) => a.values.a)).toEqual(["1", "2"]);
    expect(setAside).toEqual([`unreadable/pending/${SAMPLE_FORM}/0123456789abcdef01234504`]);
    expect(await store.forms()).toEqual([SAMPLE_FORM]);
    expect(await store.delete(SAMPLE_FORM, "0123456789abcdef01234502")).toBe(true);
    expect((await store.list()).map((a) => a.values.a)).toEqual(["2"]);
  });

  it("is where a deployed function keeps answers without Airtable, and never the function's disk", () => {
    const deployed = { NETLIFY_BLOBS_CONTEXT: "e30=" };
    expect(answerStoreKind(readConfig(deployed))).toBe("blobs");
    expect(answerStoreKind(readConfig({ ...deployed, NETLIFY_DEV: "true" }))).toBe("disk");
    expect(answerStoreKind(readConfig({}))).toBe("disk");
  });
});

describe("quarantined answers in Airtable", () => {
  it("land with the status « En quarantaine » and their reason, and a release turns the same row « Reçue »", async () => {
    const store = await blobsStore();
    const handler = createSubmitHandler({ forms, store });
    // Sent without a timing token (as without JavaScript): kept, in quarantine.
    const response = await handler(new Request(`http://localhost/api/submit/${SAMPLE_FORM}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(validSubmission()).toString() }));
    expect(response.status).toBe(303);
    await flushAnswers(flushOptions(store));
    const [id] = [...rowsById().keys()];
    expect(rowsById().get(id!)).toMatchObject({ Statut: "En quarantaine", "Motif de quarantaine": expect.stringContaining("sans mesure du temps") });

    expect(await releaseAnswers(store, [id!])).toEqual([{ id, done: true, form: SAMPLE_FORM }]);
    await flushAnswers(flushOptions(store));
    expect(airtable.records(BASE, ANSWERS_TABLE)).toHaveLength(1);
    expect(rowsById().get(id!)?.Statut).toBe("Reçue");
    expect(rowsById().get(id!)?.["Motif de quarantaine"] ?? "").toBe("");
  });
});
