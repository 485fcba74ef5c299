// Issue 12: an address answer carries its parts (postcode, commune, INSEE code, coordinates), taken
// from the provider's result on the server (never from the browser), in their own columns in the
// CSV export and in Airtable. Real handlers in-process, a disk store, the project's Airtable server.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressIndex } from "../lib/address/engine.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { LocalProvider, RemoteProvider, type AddressProvider } from "../lib/address/providers.ts";
import { MIN_REQUEST_INTERVAL_MS } from "../lib/airtable/client.ts";
import { AirtableAnswerSink, ANSWERS_TABLE, answerFields, answerRecord } from "../lib/airtable/answer-sink.ts";
import type { Answer } from "../lib/answers/answer.ts";
import { answersToCsv } from "../lib/answers/export.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import type { AddressValue } from "../lib/forms/field-spec.ts";
import { definitionsOf, readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { acceptedCount } from "../lib/stats/submission.ts";
import { FakeAirtable } from "./support/airtable-server.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission } from "./support/sample.ts";

const URL_ = `http://localhost:8888/api/submit/${SAMPLE_FORM}`;
const LABEL = "Adresse du logement";
const PART_NAMES = ["code postal", "commune", "code INSEE", "latitude", "longitude"].map((words) => `${LABEL} – ${words}`);

let forms: PublishedForms;
let index: AddressIndex;
beforeAll(async () => {
  forms = await readPublishedForms();
  index = await loadIndex();
});

const local = (): AddressProvider => new LocalProvider(async () => index);

/** Submits the sample form with this address (and BAN id, when chosen in the list); returns the stored address. */
async function submitAddress(label: string, id: string | undefined, addresses: AddressProvider = local()) {
  const store = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-parts-")));
  const handler = createSubmitHandler({ forms, store, addresses });
  const entries = validSubmission()
    .filter(([k]) => k !== `${SAMPLE_KEYS.address}__id`)
    .map(([k, v]): [string, string] => (k === SAMPLE_KEYS.address ? [k, label] : [k, v]));
  if (id !== undefined) entries.push([`${SAMPLE_KEYS.address}__id`, id]);
  // What a browser cannot send but a forger may try: parts of its own, under names of its own.
  entries.push([`${SAMPLE_KEYS.address}__citycode`, "75056"]);
  const response = await handler(
    new Request(URL_, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: new URLSearchParams(entries).toString() }),
  );
  expect(response.status).toBe(201);
  const [answer] = await store.list();
  return { answer: answer as Answer, value: answer?.values[SAMPLE_KEYS.address] as AddressValue };
}

/** 55 rue Baudin, Bondy, as the sample index has it. */
const BAUDIN_55 = { postcode: "93140", citycode: "93010", city: "Bondy" };

describe("an address answer is stored with its parts, from the provider", () => {
  it("chosen in the list: the provider finds its id again by its label", async () => {
    const { value } = await submitAddress("55 Rue Baudin 93140 Bondy", "93010_0620_00055");
    expect(value).toMatchObject({ label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055", ...BAUDIN_55 });
    expect(value.lon).toBeCloseTo(2.48, 1);
    expect(value.lat).toBeCloseTo(48.9, 1);
  });

  it("typed: found by the server, with its id and its parts", async () => {
    const { value } = await submitAddress("55 rue baudin bondy", undefined);
    expect(value).toMatchObject({ label: "55 rue baudin bondy", id: "93010_0620_00055", ...BAUDIN_55 });
    expect(typeof value.lat).toBe("number");
  });

  it("the same coordinates whether chosen or typed: they are the provider's", async () => {
    const chosen = (await submitAddress("55 Rue Baudin 93140 Bondy", "93010_0620_00055")).value;
    const typed = (await submitAddress("55 rue baudin bondy", undefined)).value;
    expect([typed.lon, typed.lat]).toEqual([chosen.lon, chosen.lat]);
  });

  it("a chosen id the provider does not find again under that label: kept as chosen, without parts", async () => {
    // Another address's id under this label (a page edited by hand): no part is guessed.
    const { value } = await submitAddress("55 Rue Baudin 93140 Bondy", "93010_0620_00057");
    expect(value).toEqual({ label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00057" });
  });

  it("the provider down: kept as sent, without parts, never refused", async () => {
    const down = new RemoteProvider({ baseUrl: "http://127.0.0.1:9/geocodage", timeoutMs: 200 });
    const { value } = await submitAddress("55 Rue Baudin 93140 Bondy", "93010_0620_00055", down);
    expect(value).toEqual({ label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055" });
  });

  it("counts the answer in the commune the server found", async () => {
    const { answer } = await submitAddress("55 rue baudin bondy", undefined);
    const definition = forms.forms[SAMPLE_FORM]!.definition;
    expect(acceptedCount(definition, answer.values, { variant: "" }, "accepted").places).toEqual(["93010"]);
  });
});

describe("the parts have their own columns", () => {
  const partsAnswer = async () => (await submitAddress("55 Rue Baudin 93140 Bondy", "93010_0620_00055")).answer;
  /** Stored before the parts were kept: the address and its id only. */
  const oldAnswer = (): Answer => ({
    id: "0123456789abcdef01234567",
    form: SAMPLE_FORM,
    submittedAt: "2026-11-01T10:00:00.000Z",
    source: "web",
    values: { [SAMPLE_KEYS.address]: { label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055" } },
  });

  it("in the CSV export, right after the address, coordinates with a decimal comma; empty for an older answer", async () => {
    const answer = await partsAnswer();
    const definition = forms.forms[SAMPLE_FORM]!.definition;
    const rows = parse(answersToCsv(definition, [oldAnswer(), answer]).replace(/^\uFEFF/, ""), { delimiter: ";", columns: true }) as Record<string, string>[];
    const header = Object.keys(rows[0]!);
    expect(header.slice(header.indexOf(LABEL), header.indexOf(LABEL) + 6)).toEqual([LABEL, ...PART_NAMES]);
    const [before, now] = rows as [Record<string, string>, Record<string, string>];
    expect(PART_NAMES.map((name) => before[name])).toEqual(["", "", "", "", ""]);
    expect(now[`${LABEL} – code postal`]).toBe("93140");
    expect(now[`${LABEL} – commune`]).toBe("Bondy");
    expect(now[`${LABEL} – code INSEE`]).toBe("93010");
    expect(now[`${LABEL} – latitude`]).toMatch(/^48,\d+$/);
    expect(now[`${LABEL} – longitude`]).toMatch(/^2,\d+$/);
  });

  it("in Airtable: created by airtable:setup after the address's column, written with the answer, the raw column complete", async () => {
    const definitions = definitionsOf(forms);
    const fields = answerFields(Object.values(definitions));
    const names = fields.map((f) => f.name);
    expect(names.slice(names.indexOf(LABEL), names.indexOf(LABEL) + 6)).toEqual([LABEL, ...PART_NAMES]);
    expect(fields.find((f) => f.name === `${LABEL} – code INSEE`)?.type).toBe("singleLineText");
    expect(fields.find((f) => f.name === `${LABEL} – latitude`)?.type).toBe("number");

    const answer = await partsAnswer();
    const value = answer.values[SAMPLE_KEYS.address] as AddressValue;
    const record = answerRecord(answer, definitions[SAMPLE_FORM]);
    expect(record[`${LABEL} – code INSEE`]).toBe("93010");
    expect(record[`${LABEL} – commune`]).toBe("Bondy");
    expect(record[`${LABEL} – latitude`]).toBe(value.lat);
    expect(JSON.parse(record["Données brutes"] as string)[LABEL]).toEqual(value);
    // An older answer empties them: an upsert never leaves the parts of the address it replaced.
    const old = answerRecord(oldAnswer(), definitions[SAMPLE_FORM]);
    expect(old[`${LABEL} – code postal`]).toBe("");
    expect(old[`${LABEL} – longitude`]).toBeNull();
  });

  describe("written to Airtable", () => {
    const TOKEN = "patTEST";
    let airtable: FakeAirtable;
    let endpointUrl: string;
    beforeAll(async () => {
      airtable = new FakeAirtable({ token: TOKEN });
      endpointUrl = await airtable.start();
    });
    afterAll(() => airtable.stop());

    async function write(baseId: string, columns: ReturnType<typeof answerFields>) {
      const definitions = definitionsOf(forms);
      airtable.createBase(baseId);
      airtable.addTable(baseId, { name: ANSWERS_TABLE, fields: columns });
      const sink = new AirtableAnswerSink({ token: TOKEN, baseId, endpointUrl }, definitions);
      const answer = await partsAnswer();
      // What the flush does: a WriteAgain is the same write once more, without a missing column, at Airtable's pace.
      for (let attempt = 0; ; attempt++) {
        try {
          await sink.write([answer]);
          break;
        } catch (error) {
          if ((error as Error).name !== "WriteAgain" || attempt > 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, MIN_REQUEST_INTERVAL_MS));
        }
      }
      return { sink, row: airtable.records(baseId, ANSWERS_TABLE)[0]!.fields, answer };
    }

    it("in their columns", async () => {
      const { row, answer } = await write("appKITPARTS000001", answerFields(Object.values(definitionsOf(forms))));
      const value = answer.values[SAMPLE_KEYS.address] as AddressValue;
      expect(row[`${LABEL} – code postal`]).toBe("93140");
      expect(row[`${LABEL} – code INSEE`]).toBe("93010");
      expect(row[`${LABEL} – commune`]).toBe("Bondy");
      expect(row[`${LABEL} – longitude`]).toBe(value.lon);
      expect(row[`${LABEL} – latitude`]).toBe(value.lat);
    });

    it("a base set up before them keeps receiving answers, the parts in the raw column", async () => {
      const before = answerFields(Object.values(definitionsOf(forms))).filter((f) => !PART_NAMES.includes(f.name));
      const { sink, row, answer } = await write("appKITPARTS000002", before);
      expect([...sink.missingColumns].sort()).toEqual([...PART_NAMES].sort());
      expect(row[LABEL]).toBe("55 Rue Baudin 93140 Bondy");
      expect(JSON.parse(row["Données brutes"] as string)[LABEL]).toEqual(answer.values[SAMPLE_KEYS.address]);
    });
  });
});
