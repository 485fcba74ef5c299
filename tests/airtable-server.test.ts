// The local Airtable stand-in, driven by the real airtable.js client (and fetch for the Meta API),
// so that code tested against it meets the same protocol as https://api.airtable.com.
import Airtable from "airtable";
import { afterEach, describe, expect, it } from "vitest";
import { FakeAirtable, type FakeAirtableOptions } from "./support/airtable-server.ts";
import { VirtualClock } from "./support/clock.ts";

const TOKEN = "patTEST";
const BASE = "appFAKEBASE00001";
const TABLE = "Réponses";

let fake: FakeAirtable | undefined;
let endpointUrl = "";

// A generous limit unless a test is about rate limiting: airtable.js pages as fast as it can.
async function startFake(options: FakeAirtableOptions = { requestsPerSecond: 1000 }): Promise<FakeAirtable> {
  fake = new FakeAirtable(options);
  endpointUrl = await fake.start();
  fake.createBase(BASE);
  fake.addTable(BASE, {
    name: TABLE,
    fields: [
      { name: "Identifiant", type: "singleLineText" },
      { name: "Statut", type: "singleSelect", options: { choices: [{ name: "Nouvelle" }, { name: "Traitée" }] } },
      { name: "Âge", type: "number", options: { precision: 0 } },
      { name: "Consentement", type: "checkbox", options: { icon: "check", color: "greenBright" } },
      { name: "Note", type: "multilineText" },
    ],
  });
  return fake;
}

afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

function base(apiKey = TOKEN): Airtable.Base {
  return new Airtable({ apiKey, endpointUrl, noRetryIfRateLimited: true }).base(BASE);
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = TOKEN,
): Promise<{ status: number; type: string; json: unknown }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(endpointUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, type, json: type.startsWith("application/json") ? JSON.parse(text) : text };
}

const reponses = `/v0/${BASE}/${encodeURIComponent(TABLE)}`;

describe("records API through airtable.js", () => {
  it("lists 250 records in pages of 100, with all(), eachPage() and the POST listRecords form", async () => {
    const server = await startFake();
    for (let i = 0; i < 25; i++) {
      server.addRecords(BASE, TABLE, Array.from({ length: 10 }, (_, j) => ({ fields: { Identifiant: `r${i * 10 + j}` } })));
    }
    const expected = server.records(BASE, TABLE).map((r) => r.id);

    const all = await base()(TABLE).select({ pageSize: 100 }).all();
    expect(all.map((r) => r.id)).toEqual(expected);
    expect(all[249]?.get("Identifiant")).toBe("r249");
    expect(server.stats.requests).toBe(3);

    const pageSizes: number[] = [];
    await base()(TABLE)
      .select({ pageSize: 100 })
      .eachPage((records, next) => {
        pageSizes.push(records.length);
        next();
      });
    expect(pageSizes).toEqual([100, 100, 50]);

    const posted = await base()(TABLE).select({ pageSize: 100, method: "post" }).all();
    expect(posted.map((r) => r.id)).toEqual(expected);
  });

  it("projects fields[], omits empty values and refuses bad pageSize or unknown offsets", async () => {
    const server = await startFake();
    server.addRecords(BASE, TABLE, [
      { fields: { Identifiant: "a", Note: "", Consentement: false, Âge: 41, Statut: "Nouvelle" } },
      { fields: { Identifiant: "b", Consentement: true } },
    ]);
    const page = await call("GET", `${reponses}?pageSize=1&fields%5B%5D=Identifiant&fields%5B%5D=Consentement`);
    expect(page.status).toBe(200);
    const first = page.json as { records: Array<{ fields: unknown }>; offset: string };
    expect(first.records.map((r) => r.fields)).toEqual([{ Identifiant: "a" }]);
    const next = await call("GET", `${reponses}?pageSize=1&fields%5B%5D=Identifiant&fields%5B%5D=Consentement&offset=${encodeURIComponent(first.offset)}`);
    expect(next.json).toEqual({ records: [expect.objectContaining({ fields: { Identifiant: "b", Consentement: true } })] });

    expect((await call("GET", `${reponses}?pageSize=101`)).json).toEqual({
      error: { type: "INVALID_REQUEST_UNKNOWN", message: expect.any(String) },
    });
    expect(await call("GET", `${reponses}?offset=itrNOPE/recNOPE`)).toMatchObject({
      status: 422,
      json: { error: { type: "LIST_RECORDS_ITERATOR_NOT_AVAILABLE" } },
    });
    expect(await call("GET", `${reponses}?fields%5B%5D=Nope`)).toMatchObject({
      status: 422,
      json: { error: { type: "UNKNOWN_FIELD_NAME" } },
    });
  });

  it("creates 10 records in one request and refuses 11, applying nothing", async () => {
    const server = await startFake();
    const ten = Array.from({ length: 10 }, (_, i) => ({ fields: { Identifiant: `c${i}`, Âge: i } }));
    const created = await base()(TABLE).create(ten);
    expect(created).toHaveLength(10);
    expect(created[3]?.id).toMatch(/^rec[A-Za-z0-9]{14}$/);
    expect(created[3]?.get("Âge")).toBe(3);
    expect(created[3]?._rawJson.createdTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);

    const eleven = Array.from({ length: 11 }, (_, i) => ({ fields: { Identifiant: `d${i}` } }));
    await expect(base()(TABLE).create(eleven)).rejects.toMatchObject({ statusCode: 422, error: "INVALID_RECORDS" });
    expect(server.records(BASE, TABLE)).toHaveLength(10);
    expect(server.stats.writes).toBe(1);
  });

  it("upserts on a merge field: creates, then updates the same record", async () => {
    const server = await startFake();
    // airtable.js 0.12.2 types update() records as needing an id and its options as typecast/method
    // only, yet it spreads any options into the PATCH body: this is the call shape that reaches Airtable.
    type Upsert = (
      records: Array<{ fields: Airtable.FieldSet }>,
      options: { performUpsert: { fieldsToMergeOn: string[] }; typecast?: boolean },
    ) => Promise<Airtable.Records<Airtable.FieldSet>>;
    const upsert = base()(TABLE).update as unknown as Upsert;
    const options = { performUpsert: { fieldsToMergeOn: ["Identifiant"] }, typecast: true };

    const [created] = await upsert([{ fields: { Identifiant: "ABC-1", Statut: "Nouvelle", Âge: "30" } }], options);
    expect(created?.fields).toEqual({ Identifiant: "ABC-1", Statut: "Nouvelle", Âge: 30 });
    const [updated] = await upsert([{ fields: { Identifiant: "ABC-1", Statut: "Traitée" } }], options);
    expect(updated?.id).toBe(created?.id);
    expect(server.records(BASE, TABLE)).toEqual([
      { id: created?.id, createdTime: expect.any(String), fields: { Identifiant: "ABC-1", Statut: "Traitée", Âge: 30 } },
    ]);

    const raw = await call("PATCH", reponses, {
      performUpsert: { fieldsToMergeOn: ["Identifiant"] },
      records: [{ fields: { Identifiant: "ABC-1", Note: "vu" } }, { fields: { Identifiant: "ABC-2" } }],
    });
    const json = raw.json as { records: Array<{ id: string }>; createdRecords: string[]; updatedRecords: string[] };
    expect(json.updatedRecords).toEqual([created?.id]);
    expect(json.createdRecords).toEqual([json.records[1]?.id]);
    expect(server.stats.writes).toBe(3);
  });

  it("updates all or nothing: an unknown record id refuses the whole batch", async () => {
    const server = await startFake();
    server.addRecords(BASE, TABLE, [{ id: "recAAAAAAAAAAAAAA", fields: { Identifiant: "a" } }]);
    await expect(
      base()(TABLE).update([
        { id: "recAAAAAAAAAAAAAA", fields: { Note: "changed" } },
        { id: "recZZZZZZZZZZZZZZ", fields: { Note: "changed" } },
      ]),
    ).rejects.toMatchObject({ statusCode: 422, error: "ROW_DOES_NOT_EXIST" });
    expect(server.records(BASE, TABLE)[0]?.fields).toEqual({ Identifiant: "a" });
    // Without performUpsert every record needs an id.
    expect((await call("PATCH", reponses, { records: [{ fields: { Note: "x" } }] })).json).toMatchObject({
      error: { type: "INVALID_RECORDS" },
    });
  });

  it("adds a select choice with typecast, and refuses it without", async () => {
    const server = await startFake();
    await expect(base()(TABLE).create([{ fields: { Identifiant: "x", Statut: "Archivée" } }])).rejects.toMatchObject({
      statusCode: 422,
      error: "INVALID_MULTIPLE_CHOICE_OPTIONS",
    });
    await expect(base()(TABLE).create([{ fields: { Identifiant: "x", Âge: "12" } }])).rejects.toMatchObject({
      error: "INVALID_VALUE_FOR_COLUMN",
    });
    expect(server.records(BASE, TABLE)).toEqual([]);

    const [record] = await base()(TABLE).create([{ fields: { Identifiant: "x", Statut: "Archivée" } }], { typecast: true });
    expect(record?.get("Statut")).toBe("Archivée");
    const statut = server.tables(BASE)[0]?.fields.find((f) => f.name === "Statut");
    expect(statut?.options).toMatchObject({
      choices: [{ name: "Nouvelle" }, { name: "Traitée" }, { name: "Archivée", id: expect.stringMatching(/^sel/) }],
    });
  });

  it("takes arrays of choice names in a multiple select, and with typecast a comma-separated string", async () => {
    const server = await startFake();
    const field = await call("POST", `/v0/meta/bases/${BASE}/tables/${encodeURIComponent(TABLE)}/fields`, {
      name: "Besoins",
      type: "multipleSelects",
      options: { choices: [{ name: "Isolation" }, { name: "Chauffage" }] },
    });
    expect(field).toMatchObject({ status: 200, json: { options: { choices: [{ name: "Isolation" }, { name: "Chauffage" }] } } });
    await base()(TABLE).create([{ fields: { Identifiant: "a", Besoins: ["Chauffage", "Isolation"] } }]);
    await expect(base()(TABLE).create([{ fields: { Identifiant: "b", Besoins: ["Fenêtres"] } }])).rejects.toMatchObject({
      error: "INVALID_MULTIPLE_CHOICE_OPTIONS",
    });
    await base()(TABLE).create([{ fields: { Identifiant: "c", Besoins: "Isolation, Fenêtres" } }], { typecast: true });
    expect(server.records(BASE, TABLE).map((r) => r.fields.Besoins)).toEqual([["Chauffage", "Isolation"], ["Isolation", "Fenêtres"]]);
  });

  it("refuses an unknown field name with 422 and applies nothing", async () => {
    const server = await startFake();
    await expect(
      base()(TABLE).create([{ fields: { Identifiant: "ok" } }, { fields: { Identifiant: "ko", Inconnu: 1 } }]),
    ).rejects.toMatchObject({ statusCode: 422, error: "UNKNOWN_FIELD_NAME", message: 'Unknown field name: "Inconnu"' });
    expect(server.records(BASE, TABLE)).toEqual([]);
    expect(server.stats.writes).toBe(0);
  });

  it("answers 401 without or with a wrong token", async () => {
    await startFake();
    expect(await call("GET", reponses, undefined, null)).toMatchObject({ status: 401, json: { error: "AUTHENTICATION_REQUIRED" } });
    expect(await call("GET", reponses, undefined, "patWRONG")).toMatchObject({
      status: 401,
      json: { error: { type: "AUTHENTICATION_REQUIRED", message: "Authentication required" } },
    });
    await expect(base("patWRONG")(TABLE).select().all()).rejects.toMatchObject({ statusCode: 401 });
  });

  it("answers 404 for an unknown base or table, and finds tables by accented name or id", async () => {
    const server = await startFake();
    const other = new Airtable({ apiKey: TOKEN, endpointUrl, noRetryIfRateLimited: true }).base("appNOPE0000000000");
    await expect(other(TABLE).select().all()).rejects.toMatchObject({ statusCode: 404, error: "NOT_FOUND" });
    expect(await call("GET", "/v0/appNOPE0000000000/Anything")).toMatchObject({ status: 404, json: { error: "NOT_FOUND" } });
    expect(await call("GET", `/v0/${BASE}/Nope`)).toMatchObject({
      status: 404,
      json: { error: { type: "TABLE_NOT_FOUND", message: `Could not find table Nope in application ${BASE}` } },
    });
    const tableId = server.tables(BASE)[0]?.id ?? "";
    await base()(tableId).create([{ fields: { Identifiant: "by id" } }]);
    expect((await base()(TABLE).select().all()).map((r) => r.get("Identifiant"))).toEqual(["by id"]);
  });

  it("finds, replaces and destroys single records", async () => {
    const server = await startFake();
    const [record] = await base()(TABLE).create([{ fields: { Identifiant: "a", Note: "gardée ?" } }]);
    const id = record?.id ?? "";
    expect((await base()(TABLE).find(id)).fields).toEqual({ Identifiant: "a", Note: "gardée ?" });
    // replace() is a PUT: every field left out is cleared.
    await base()(TABLE).replace(id, { Identifiant: "b" });
    expect(server.records(BASE, TABLE)[0]?.fields).toEqual({ Identifiant: "b" });
    await base()(TABLE).destroy(id);
    await expect(base()(TABLE).find(id)).rejects.toMatchObject({ statusCode: 404 });
    expect(server.records(BASE, TABLE)).toEqual([]);
  });

  it("reads a date-time without a zone in the field's time zone, as Airtable does", async () => {
    const server = await startFake();
    const options = { dateFormat: { name: "iso" }, timeFormat: { name: "24hour" } };
    const field = await call("POST", `/v0/meta/bases/${BASE}/tables/${encodeURIComponent(TABLE)}/fields`, {
      name: "Rendez-vous",
      type: "dateTime",
      options: { ...options, timeZone: "Europe/Paris" },
    });
    expect(field.json).toMatchObject({
      options: { dateFormat: { name: "iso", format: "YYYY-MM-DD" }, timeFormat: { name: "24hour", format: "HH:mm" } },
    });
    await base()(TABLE).create([
      { fields: { Identifiant: "été", "Rendez-vous": "2024-07-01T10:00" } },
      { fields: { Identifiant: "utc", "Rendez-vous": "2024-07-01T10:00:00.000Z" } },
    ]);
    expect(server.records(BASE, TABLE).map((r) => r.fields["Rendez-vous"])).toEqual([
      "2024-07-01T08:00:00.000Z",
      "2024-07-01T10:00:00.000Z",
    ]);
  });

  it("answers 422 INVALID_REQUEST_BODY to malformed JSON", async () => {
    const server = await startFake();
    expect(await call("POST", reponses, "{not json")).toEqual({
      status: 422,
      type: expect.stringContaining("application/json"),
      json: { error: { type: "INVALID_REQUEST_BODY" } },
    });
    expect(server.stats.writes).toBe(0);
  });
});

describe("rate limit", () => {
  // On a virtual clock that only the test moves, by sleeping on it: every request arrives at the
  // instant the test says, whatever real time the HTTP takes.
  const statuses = async (n: number): Promise<number[]> =>
    (await Promise.all(Array.from({ length: n }, () => call("GET", reponses)))).map((r) => r.status).sort();

  it("answers 429 past 5 requests in a second, then locks the base out for 30 s", async () => {
    const clock = new VirtualClock();
    const server = await startFake({ now: clock.now });
    expect(await statuses(8)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(server.stats.maxRequestsInOneWindow).toBe(5);
    // Once the window has passed the base is still locked out, for 30 s from the first 429.
    await clock.sleep(1000);
    expect(await call("GET", reponses)).toMatchObject({
      status: 429,
      json: { errors: [{ error: "RATE_LIMIT_REACHED", message: "Rate limit exceeded. Please try again later" }] },
    });
    await clock.sleep(28_999);
    expect((await call("GET", reponses)).status).toBe(429);
    await clock.sleep(1);
    // Refused requests never counted: the window is empty again.
    expect(await statuses(5)).toEqual([200, 200, 200, 200, 200]);
    expect(server.stats).toMatchObject({ requests: 15, rateLimited: 5, maxRequestsInOneWindow: 5 });
  });

  it("counts a sliding one-second window, per base", async () => {
    const clock = new VirtualClock();
    const server = await startFake({ now: clock.now });
    server.createBase("appFAKEBASE00002");
    server.addTable("appFAKEBASE00002", { name: TABLE, fields: [{ name: "Identifiant", type: "singleLineText" }] });
    // Every 200 ms from 0 to 1800 ms: from the sixth on, each comes as the one of a second before leaves.
    for (let i = 0; i < 10; i++) {
      if (i > 0) await clock.sleep(200);
      expect((await call("GET", reponses)).status).toBe(200);
    }
    await clock.sleep(199); // 1999 ms: those of 1000 to 1800 ms are still five within the second
    expect((await call("GET", `/v0/appFAKEBASE00002/${encodeURIComponent(TABLE)}`)).status).toBe(200); // not another base
    expect((await call("GET", reponses)).status).toBe(429);
    expect(server.stats).toMatchObject({ rateLimited: 1, maxRequestsInOneWindow: 5 });
  });
});

describe("faults", () => {
  it("a status fault answers without applying, once, and only for its method", async () => {
    const server = await startFake();
    server.injectFault({ kind: "status", status: 503, method: "POST" });
    await base()(TABLE).select().all(); // a GET passes untouched
    await expect(base()(TABLE).create([{ fields: { Identifiant: "a" } }])).rejects.toMatchObject({ statusCode: 503 });
    expect(server.records(BASE, TABLE)).toEqual([]);
    await base()(TABLE).create([{ fields: { Identifiant: "a" } }]);
    expect(server.records(BASE, TABLE)).toHaveLength(1);

    server.injectFault({ kind: "status", status: 502, times: 2 });
    expect(await call("GET", reponses)).toMatchObject({ status: 502, type: expect.stringContaining("text/html") });
    await expect(base()(TABLE).select().all()).rejects.toMatchObject({ statusCode: 502 });
    expect((await call("GET", reponses)).status).toBe(200);
  });

  it("a slow fault applies the write at once and answers after the delay", async () => {
    // A clock only the test moves: the server's reply waits on it.
    const clock = new VirtualClock({ auto: false });
    const server = await startFake({ requestsPerSecond: 1000, sleep: clock.sleep });
    server.injectFault({ kind: "slow", delayMs: 150 });
    let answered = false;
    const pending = base()(TABLE)
      .create([{ fields: { Identifiant: "slow" } }])
      .finally(() => (answered = true));
    await clock.untilSleeping();
    // Written, and the reply held for 150 ms from now.
    expect(server.records(BASE, TABLE)).toHaveLength(1);
    expect(clock.sleepers).toEqual([clock.now() + 150]);
    await clock.advance(149);
    expect(clock.sleepers).toHaveLength(1);
    expect(answered).toBe(false);
    await clock.advance(1);
    await expect(pending).resolves.toHaveLength(1);
  });

  it("drop-after-write applies the write but the client only sees a network error", async () => {
    const server = await startFake();
    server.injectFault({ kind: "drop-after-write", method: "PATCH" });
    const [record] = await base()(TABLE).create([{ fields: { Identifiant: "a" } }]);
    const error: unknown = await base()(TABLE)
      .update([{ id: record?.id ?? "", fields: { Note: "written" } }])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error); // node-fetch's FetchError, not an AirtableError
    expect(error).not.toHaveProperty("statusCode");
    expect(server.records(BASE, TABLE)[0]?.fields).toEqual({ Identifiant: "a", Note: "written" });
    expect(server.stats.writes).toBe(2);
  });
});

describe("Meta API", () => {
  const meta = `/v0/meta/bases/${BASE}/tables`;

  it("creates a table and a field, and refuses duplicates and missing options", async () => {
    const server = await startFake();
    const created = await call("POST", meta, {
      name: "Services",
      description: "Les démarches",
      fields: [
        { name: "Slug", type: "singleLineText" },
        { name: "Publié", type: "checkbox", options: { icon: "check", color: "greenBright" } },
      ],
    });
    expect(created.status).toBe(200);
    const table = created.json as { id: string; primaryFieldId: string; fields: Array<{ id: string; name: string }> };
    expect(table).toMatchObject({
      id: expect.stringMatching(/^tbl[A-Za-z0-9]{14}$/),
      name: "Services",
      description: "Les démarches",
      primaryFieldId: table.fields[0]?.id,
      fields: [
        { id: expect.stringMatching(/^fld[A-Za-z0-9]{14}$/), name: "Slug", type: "singleLineText" },
        { name: "Publié", type: "checkbox", options: { icon: "check", color: "greenBright" } },
      ],
      views: [{ type: "grid", name: "Grid view" }],
    });

    const field = await call("POST", `${meta}/${table.id}/fields`, { name: "Ordre", type: "number", options: { precision: 0 } });
    expect(field).toMatchObject({ status: 200, json: { id: expect.stringMatching(/^fld/), name: "Ordre", type: "number", options: { precision: 0 } } });

    expect(await call("POST", meta, { name: "services", fields: [{ name: "X", type: "singleLineText" }] })).toMatchObject({
      status: 422,
      json: { error: { type: "DUPLICATE_TABLE_NAME" } },
    });
    expect(await call("POST", `${meta}/Services/fields`, { name: "Ordre", type: "singleLineText" })).toMatchObject({
      status: 422,
      json: { error: { type: "DUPLICATE_OR_EMPTY_FIELD_NAME" } },
    });
    expect(await call("POST", `${meta}/Services/fields`, { name: "Quand", type: "dateTime", options: { timeZone: "utc" } })).toMatchObject({
      status: 422,
      json: { error: { type: "INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE" } },
    });
    expect(await call("POST", meta, { name: "Vide", fields: [] })).toMatchObject({ status: 422 });

    const listed = (await call("GET", meta)).json as { tables: Array<{ name: string; fields: unknown[] }> };
    expect(listed.tables.map((t) => [t.name, t.fields.length])).toEqual([
      [TABLE, 5],
      ["Services", 3],
    ]);
    expect(server.tables(BASE).map((t) => t.name)).toEqual([TABLE, "Services"]);
  });

  it("a link field gets an inverse field, and writes keep both sides in step", async () => {
    const server = await startFake();
    const services = server.addTable(BASE, { name: "Services", fields: [{ name: "Slug", type: "singleLineText" }] });
    server.addRecords(BASE, "Services", [{ id: "recSERVICE0000001", fields: { Slug: "renovation" } }]);
    const link = await call("POST", `${meta}/${encodeURIComponent(TABLE)}/fields`, {
      name: "Service",
      type: "multipleRecordLinks",
      options: { linkedTableId: services },
    });
    expect(link).toMatchObject({
      status: 200,
      json: { type: "multipleRecordLinks", options: { linkedTableId: services, inverseLinkFieldId: expect.stringMatching(/^fld/) } },
    });
    expect(server.tables(BASE)[1]?.fields).toMatchObject([
      { name: "Slug" },
      { name: TABLE, type: "multipleRecordLinks", options: { inverseLinkFieldId: (link.json as { id: string }).id } },
    ]);
    // Airtable refuses options it manages itself on create.
    expect(
      await call("POST", `${meta}/${encodeURIComponent(TABLE)}/fields`, {
        name: "Autre",
        type: "multipleRecordLinks",
        options: { linkedTableId: services, prefersSingleRecordLink: true },
      }),
    ).toMatchObject({ status: 422, json: { error: { type: "INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE" } } });

    const [reponse] = await base()(TABLE).create([{ fields: { Identifiant: "r1", Service: ["recSERVICE0000001"] } }]);
    expect(server.records(BASE, "Services")[0]?.fields).toEqual({ Slug: "renovation", [TABLE]: [reponse?.id] });
    await expect(base()(TABLE).create([{ fields: { Identifiant: "r2", Service: ["logement"] } }])).rejects.toMatchObject({
      statusCode: 422,
    });
    // With typecast a name is matched against the linked table's primary field, or created there.
    await base()(TABLE).create([{ fields: { Identifiant: "r2", Service: ["renovation", "logement"] } }], { typecast: true });
    expect(server.records(BASE, "Services").map((r) => r.fields.Slug)).toEqual(["renovation", "logement"]);
    await base()(TABLE).update([{ id: reponse?.id ?? "", fields: { Service: [] } }]);
    expect(server.records(BASE, "Services")[0]?.fields[TABLE]).toHaveLength(1);
  });
});

describe("tokens' scopes and bases", () => {
  const reponses = `/v0/${BASE}/${encodeURIComponent(TABLE)}`;
  const FORBIDDEN = { status: 403, json: { error: { type: "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND" } } };

  it("tells a personal access token's id only, and an OAuth token's scopes too, as whoami does", async () => {
    await startFake({ requestsPerSecond: 1000, tokens: [{ token: "patREAD", scopes: ["data.records:read"] }, { token: "oaaREAD", scopes: ["data.records:read"], oauth: true }] });
    expect(await call("GET", "/v0/meta/whoami", undefined, "patREAD")).toMatchObject({ status: 200, json: { id: expect.stringMatching(/^usr/) } });
    expect((await call("GET", "/v0/meta/whoami", undefined, "patREAD")).json).not.toHaveProperty("scopes");
    expect(await call("GET", "/v0/meta/whoami", undefined, "oaaREAD")).toMatchObject({ status: 200, json: { scopes: ["data.records:read"] } });
  });

  it("answers 403 to a request its token has no scope for, before reading its body, and changes nothing", async () => {
    const server = await startFake({ requestsPerSecond: 1000, tokens: [{ token: "patREAD", scopes: ["data.records:read", "schema.bases:read"] }, { token: TOKEN }] });
    expect((await call("GET", reponses, undefined, "patREAD")).status).toBe(200);
    expect((await call("GET", `/v0/meta/bases/${BASE}/tables`, undefined, "patREAD")).status).toBe(200);
    // The same invalid requests: refused for the body with the scope, for the scope without it.
    expect(await call("PATCH", reponses, { records: [] }, TOKEN)).toMatchObject({ status: 422, json: { error: { type: "INVALID_RECORDS" } } });
    expect(await call("PATCH", reponses, { records: [] }, "patREAD")).toMatchObject(FORBIDDEN);
    expect(await call("POST", reponses, { records: [{ fields: { Identifiant: "a" } }] }, "patREAD")).toMatchObject(FORBIDDEN);
    const table = server.tables(BASE)[0]!.id;
    expect((await call("POST", `/v0/meta/bases/${BASE}/tables/${table}/fields`, {}, TOKEN)).status).toBe(422);
    expect(await call("POST", `/v0/meta/bases/${BASE}/tables/${table}/fields`, { name: "X", type: "singleLineText" }, "patREAD")).toMatchObject(FORBIDDEN);
    expect(server.records(BASE, TABLE)).toEqual([]);
    expect(server.tables(BASE)[0]!.fields.map((f) => f.name)).not.toContain("X");
  });

  it("answers 403 on a base the token was not given access to", async () => {
    await startFake({ requestsPerSecond: 1000, tokens: [{ token: "patELSEWHERE", bases: ["appSOMEOTHERBASE1"] }] });
    expect(await call("GET", reponses, undefined, "patELSEWHERE")).toMatchObject(FORBIDDEN);
    expect(await call("GET", `/v0/meta/bases/${BASE}/tables`, undefined, "patELSEWHERE")).toMatchObject(FORBIDDEN);
    // "patTEST", the default token, is not accepted once tokens are listed.
    expect((await call("GET", reponses, undefined, TOKEN)).status).toBe(401);
  });
});
