// The daily statistics in Airtable: the Statistiques table created by the setup, and one row per
// service and day upserted into it, against the project's Airtable-compatible server.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AirtableConfig } from "../lib/airtable/client.ts";
import { AirtableApi, setupBase } from "../lib/airtable/setup.ts";
import { STATS_COLUMNS, STATS_TABLE, statsFields, writeDailyStats } from "../lib/airtable/stats-sink.ts";
import type { DailyServiceStats } from "../lib/stats/report.ts";
import { FakeAirtable } from "./support/airtable-server.ts";

const BASE = "appKITSTATS000001";
const TOKEN = "patTEST";

let airtable: FakeAirtable;
let config: AirtableConfig;
/** The waits the retries asked for: recorded, not slept, so a 429's 30 s pause costs no time. */
let waits: number[];
const sleep = async (ms: number) => void waits.push(ms);

beforeEach(async () => {
  // Real time for the rate limit: the writer's pacing (real time too) must keep under it.
  airtable = new FakeAirtable({ token: TOKEN });
  config = { token: TOKEN, baseId: BASE, endpointUrl: await airtable.start() };
  airtable.createBase(BASE);
  waits = [];
});

afterEach(async () => {
  await airtable.stop();
});

const createTable = () => airtable.addTable(BASE, { name: STATS_TABLE, fields: statsFields() });

function row(service: string, day: string, landingViews: number, accepted = 0): DailyServiceStats {
  return { service, day, landingViews, formViews: landingViews - 1, starts: 3, accepted, quarantined: 1, refused: 2, discarded: 4 };
}

function rowsByKey(): Map<string, Record<string, unknown>> {
  return new Map(airtable.records(BASE, STATS_TABLE).map((r) => [r.fields[STATS_COLUMNS.key] as string, r.fields]));
}

describe("npm run airtable:setup", () => {
  it("creates the Statistiques table, key first, with its field types", async () => {
    const report = await setupBase(new AirtableApi(config), []);
    expect(report.createdTables).toContain(STATS_TABLE);
    const table = airtable.tables(BASE).find((t) => t.name === STATS_TABLE)!;
    expect(table.fields.find((f) => f.id === table.primaryFieldId)?.name).toBe("Clé");
    const types = Object.fromEntries(table.fields.map((f) => [f.name, f.type]));
    expect(types).toEqual({
      Clé: "singleLineText",
      Service: "singleLineText",
      Jour: "date",
      "Vues de la page": "number",
      "Vues du formulaire": "number",
      "Formulaires commencés": "number",
      "Réponses reçues": "number",
      "En quarantaine": "number",
      "Refusées (erreurs à corriger)": "number",
      "Robots écartés": "number",
      "Conversion (%)": "number",
    });
    const options = (name: string) => table.fields.find((f) => f.name === name)?.options;
    expect(options("Jour")).toEqual({ dateFormat: { name: "european", format: "D/M/YYYY" } });
    expect(options("Réponses reçues")).toEqual({ precision: 0 });
    expect(options("Conversion (%)")).toEqual({ precision: 1 });
    expect(statsFields().every((f) => f.description)).toBe(true);
  });

  it("adds the fields a Statistiques table lacks, and nothing else", async () => {
    airtable.addTable(BASE, { name: STATS_TABLE, fields: statsFields().slice(0, 4) });
    const report = await setupBase(new AirtableApi(config), []);
    expect(report.createdTables).not.toContain(STATS_TABLE);
    expect(report.addedFields.filter((f) => f.startsWith(STATS_TABLE))).toEqual(
      statsFields().slice(4).map((f) => `${STATS_TABLE} › ${f.name}`),
    );
    expect(airtable.tables(BASE).find((t) => t.name === STATS_TABLE)?.fields.map((f) => f.name)).toEqual(statsFields().map((f) => f.name));
  });
});

describe("writeDailyStats", () => {
  it("writes one row per service and day, then updates the same rows as the counts grow", async () => {
    createTable();
    const first = [row("conseil-renovation", "2026-11-30", 40, 3), row("conseil-renovation", "2026-12-01", 0), row("aide-velo", "2026-11-30", 7, 1)];
    expect(await writeDailyStats(config, first, { sleep })).toEqual({ written: 3 });
    let rows = rowsByKey();
    expect([...rows.keys()].sort()).toEqual(["aide-velo · 2026-11-30", "conseil-renovation · 2026-11-30", "conseil-renovation · 2026-12-01"]);
    expect(rows.get("conseil-renovation · 2026-11-30")).toEqual({
      Clé: "conseil-renovation · 2026-11-30",
      Service: "conseil-renovation",
      Jour: "2026-11-30",
      "Vues de la page": 40,
      "Vues du formulaire": 39,
      "Formulaires commencés": 3,
      "Réponses reçues": 3,
      "En quarantaine": 1,
      "Refusées (erreurs à corriger)": 2,
      "Robots écartés": 4,
      "Conversion (%)": 7.5,
    });
    // No views, no conversion: the cell stays empty (Airtable leaves empty cells out).
    expect(rows.get("conseil-renovation · 2026-12-01")).not.toHaveProperty("Conversion (%)");
    expect(rows.get("aide-velo · 2026-11-30")?.["Conversion (%)"]).toBe(14.3);
    const ids = airtable.records(BASE, STATS_TABLE).map((r) => r.id).sort();

    const later = [row("conseil-renovation", "2026-11-30", 50, 5), row("conseil-renovation", "2026-12-01", 8, 2), row("aide-velo", "2026-11-30", 9, 1)];
    expect(await writeDailyStats(config, later, { sleep })).toEqual({ written: 3 });
    expect(airtable.records(BASE, STATS_TABLE).map((r) => r.id).sort()).toEqual(ids);
    rows = rowsByKey();
    expect(rows.get("conseil-renovation · 2026-11-30")).toMatchObject({ "Vues de la page": 50, "Vues du formulaire": 49, "Réponses reçues": 5, "Conversion (%)": 10 });
    expect(rows.get("conseil-renovation · 2026-12-01")).toMatchObject({ "Vues de la page": 8, "Réponses reçues": 2, "Conversion (%)": 25 });
    expect(rows.get("aide-velo · 2026-11-30")).toMatchObject({ "Vues de la page": 9, "Conversion (%)": 11.1 });
    expect(waits).toEqual([]);
  });

  it("writes 25 rows in 3 requests of at most 10, under the rate limit", async () => {
    createTable();
    const rows = Array.from({ length: 25 }, (_, i) => row(`service-${i}`, "2026-11-30", 10 + i, i % 3));
    const before = { ...airtable.stats };
    expect(await writeDailyStats(config, rows, { sleep })).toEqual({ written: 25 });
    expect(airtable.stats.writes - before.writes).toBe(3);
    expect(airtable.stats.requests - before.requests).toBe(3);
    expect(airtable.stats.rateLimited).toBe(0);
    expect(airtable.records(BASE, STATS_TABLE)).toHaveLength(25);
  });

  it("keeps the last of two rows with the same key (Airtable refuses both in one upsert)", async () => {
    createTable();
    expect(await writeDailyStats(config, [row("aide-velo", "2026-11-30", 5), row("aide-velo", "2026-11-30", 6)], { sleep })).toEqual({ written: 1 });
    expect(airtable.records(BASE, STATS_TABLE).map((r) => r.fields["Vues de la page"])).toEqual([6]);
  });

  it("retries after a 429 (Airtable's 30 s lockout) and after a 503, writing each row once", async () => {
    createTable();
    airtable.injectFault({ kind: "status", status: 429, method: "PATCH" });
    airtable.injectFault({ kind: "status", status: 503, method: "PATCH" });
    const rows = Array.from({ length: 12 }, (_, i) => row(`service-${i}`, "2026-11-30", 10));
    const before = { ...airtable.stats };
    expect(await writeDailyStats(config, rows, { sleep })).toEqual({ written: 12 });
    expect(waits[0]).toBe(30_000);
    expect(waits).toHaveLength(2);
    expect(airtable.stats.requests - before.requests).toBe(4);
    expect(airtable.stats.writes - before.writes).toBe(2);
    expect(airtable.records(BASE, STATS_TABLE)).toHaveLength(12);
  });

  it("says in French to run the setup when the table is missing", async () => {
    await expect(writeDailyStats(config, [row("aide-velo", "2026-11-30", 5)], { sleep })).rejects.toThrow(
      /table « Statistiques ».*introuvable.*npm run airtable:setup/,
    );
    expect(waits).toEqual([]);
  });

  it("says in French which column is missing", async () => {
    airtable.addTable(BASE, { name: STATS_TABLE, fields: statsFields().filter((f) => f.name !== "Robots écartés") });
    await expect(writeDailyStats(config, [row("aide-velo", "2026-11-30", 5)], { sleep })).rejects.toThrow(
      /la colonne « Robots écartés » manque.*npm run airtable:setup/,
    );
  });

  it("refuses a row whose day is not YYYY-MM-DD before writing anything", async () => {
    createTable();
    await expect(writeDailyStats(config, [row("aide-velo", "30/11/2026", 5)], { sleep })).rejects.toThrow(/ligne invalide/);
    expect(airtable.stats.requests).toBe(0);
  });
});

describe("the scheduled function's work (publishDailyStats)", () => {
  it("folds the counts and writes one row per service and day with counts, all variants together", async () => {
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { readConfig } = await import("../lib/app/config.ts");
    const { publishDailyStats } = await import("../lib/app/stats.ts");
    const { readPublishedForms } = await import("../lib/forms/published.ts");
    const { counter } = await import("../lib/stats/counters.ts");
    const { DiskKeyValueStore } = await import("../lib/stats/key-value.ts");
    const { CountLedger } = await import("../lib/stats/ledger.ts");
    createTable();
    const forms = await readPublishedForms();
    const ledger = new CountLedger(new DiskKeyValueStore(await mkdtemp(join(tmpdir(), "kit-publish-"))));
    const s = "conseil-renovation";
    const monday = Date.parse("2026-11-30T10:00:00Z");
    const tuesday = Date.parse("2026-12-01T10:00:00Z");
    for (let i = 0; i < 40; i++) await ledger.add({ [counter.view(s, i % 2 ? "courte" : "detaillee", "landing")]: 1 }, monday);
    await ledger.add({ [counter.outcome(s, "courte", "accepted")]: 1 }, monday);
    await ledger.add({ [counter.outcome(s, "detaillee", "accepted")]: 1 }, monday);
    await ledger.add({ [counter.view(s, "courte", "landing")]: 1 }, tuesday);
    const result = await publishDailyStats(ledger, forms, readConfig({ AIRTABLE_TOKEN: TOKEN, AIRTABLE_BASE_ID: BASE, AIRTABLE_ENDPOINT_URL: config.endpointUrl }));
    expect(result).toEqual({ folded: 43, written: 2 });
    const rows = rowsByKey();
    expect(rows.get(`${s} · 2026-11-30`)).toMatchObject({ "Vues de la page": 40, "Réponses reçues": 2, "Conversion (%)": 5 });
    expect(rows.get(`${s} · 2026-12-01`)).toMatchObject({ "Vues de la page": 1, "Réponses reçues": 0 });
    // Counts already folded are still read whole.
    expect((await publishDailyStats(ledger, forms, readConfig({ AIRTABLE_TOKEN: TOKEN, AIRTABLE_BASE_ID: BASE, AIRTABLE_ENDPOINT_URL: config.endpointUrl }))).folded).toBe(0);
    expect(airtable.records(BASE, STATS_TABLE)).toHaveLength(2);
  });
});
