// Seeded hostile requests (tests/support/fuzz.ts, fuzz-pages.ts) to the real submit, address,
// event, stats, split, receipt and communes handlers, in-process, on real disk stores in temporary
// folders. For every answer: never a 5xx (nor an exception), nosniff, a body unless 204/303/HEAD
// (or a 302 with its Location), a streamed body read no further than the limit and one chunk
// (nothing at all when refused at the door); the receipt never cached, and an answer's values
// shown only for a valid, unexpired token naming it; the communes as geo.api.gouv.fr gives them,
// no more than asked, and refusals in French; at the end, no answer stored, exactly the valid
// events counted, and the receipt's store as it was.
// FUZZ_SEED=… FUZZ_COUNT=… npx vitest run tests/fuzz.test.ts replays or widens a run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressIndex } from "../lib/address/engine.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { DEFAULT_BUILD_DIR, readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { communeIndexPath, loadCommuneIndex } from "../lib/places/communes-file.ts";
import { DiskKeyValueStore } from "../lib/stats/key-value.ts";
import { CountLedger } from "../lib/stats/ledger.ts";
import {
  addressCase,
  emptyTally,
  EVENT_QUESTIONS,
  EVENT_SERVICE,
  EVENT_VARIANTS,
  eventCase,
  fuzzTargets,
  ledgerViolations,
  splitCase,
  statsCase,
  statsFuzzTargets,
  statusSummary,
  storeViolations,
  submitCase,
  tallyEvent,
  type EventTally,
  type FuzzCase,
  type FuzzTargets,
  type Outcome,
  type PageFuzzCase,
  type StatsFuzzTargets,
} from "./support/fuzz.ts";
import {
  communesCase,
  communesFuzzTargets,
  RECEIPT_ANSWERS,
  receiptCase,
  receiptFuzzTargets,
  receiptStoreFiles,
  receiptStoreViolations,
  storeReceiptAnswers,
} from "./support/fuzz-pages.ts";

const DEFAULT_SEED = 20261130;
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED) >>> 0;
const COUNT = Math.max(1, Number(process.env.FUZZ_COUNT ?? 2000) | 0);
/** Stats, split, receipt and communes have little to parse: a fifth as many requests each. */
const PAGE_COUNT = Math.max(1, Math.ceil(COUNT / 5));
/** Failures printed in full; the rest are counted. */
const SHOWN = 10;

let forms: PublishedForms;
let index: AddressIndex;
let store: DiskAnswerStore;
let targets: FuzzTargets;
let ledgerDir: string;
let ledger: CountLedger;
let statsTargets: StatsFuzzTargets;

beforeAll(async () => {
  forms = await readPublishedForms();
  index = await loadIndex();
  store = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-fuzz-")));
  targets = fuzzTargets({ forms, store, index });
  ledgerDir = await mkdtemp(join(tmpdir(), "kit-fuzz-stats-"));
  ledger = new CountLedger(new DiskKeyValueStore(ledgerDir));
  statsTargets = statsFuzzTargets({ forms, ledger });
  console.log(`fuzz : graine ${SEED}, ${COUNT} requêtes par gestionnaire (FUZZ_SEED, FUZZ_COUNT pour changer)`);
});

afterAll(async () => {
  if (store) await rm(store.dir, { recursive: true, force: true });
  if (ledgerDir) await rm(ledgerDir, { recursive: true, force: true });
});

interface Run {
  statuses: Map<number, number>;
  failures: string[];
  /** POSTs answered as accepted (201/303): filled honeypots, discarded. */
  accepted: number;
}

async function fuzz(make: (seed: number, index: number) => FuzzCase): Promise<Run> {
  const run: Run = { statuses: new Map(), failures: [], accepted: 0 };
  for (let i = 0; i < COUNT; i++) {
    const c = make(SEED, i);
    const outcome: Outcome = await targets.run(c);
    run.statuses.set(outcome.status, (run.statuses.get(outcome.status) ?? 0) + 1);
    if (c.target === "submit" && c.method.toUpperCase() === "POST" && (outcome.status === 201 || outcome.status === 303)) run.accepted++;
    if (outcome.violations.length > 0) run.failures.push(`${c.describe()}\n    → ${outcome.status} : ${outcome.violations.join(" ; ")}`);
  }
  return run;
}

async function fuzzPages<C extends { describe(): string }>(make: (seed: number, index: number) => C, run1: (c: C) => Promise<Outcome>): Promise<Run> {
  const run: Run = { statuses: new Map(), failures: [], accepted: 0 };
  for (let i = 0; i < PAGE_COUNT; i++) {
    const c = make(SEED, i);
    const outcome = await run1(c);
    run.statuses.set(outcome.status, (run.statuses.get(outcome.status) ?? 0) + 1);
    if (outcome.violations.length > 0) run.failures.push(`${c.describe()}\n    → ${outcome.status} : ${outcome.violations.join(" ; ")}`);
  }
  return run;
}

function report(failures: string[]): string {
  const shown = failures.slice(0, SHOWN).join("\n");
  const more = failures.length > SHOWN ? `\n… et ${failures.length - SHOWN} autre(s)` : "";
  return `${failures.length} échec(s), graine ${SEED} (rejouer : FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT} npx vitest run tests/fuzz.test.ts)\n${shown}${more}`;
}

describe(`fuzz (graine ${SEED})`, () => {
  let submitRun: Run | undefined;

  it(`submit: ${COUNT} hostile requests, never a 5xx, never read past the limit, nothing stored`, async () => {
    submitRun = await fuzz(submitCase);
    const failures = [...submitRun.failures, ...(await storeViolations(store, submitRun.accepted)).map((v) => `[graine ${SEED}] stockage : ${v}`)];
    console.log(`fuzz envoi (graine ${SEED}, ${COUNT} requêtes) : ${statusSummary(submitRun.statuses)} ; ${submitRun.accepted} pot(s) de miel écarté(s)`);
    expect(failures, report(failures)).toEqual([]);
    // The run went where it should: refusals of every sort, and the rate limiter did bite.
    if (COUNT >= 1000) for (const status of [400, 404, 405, 413, 415, 422, 429]) expect(submitRun.statuses.get(status) ?? 0, `statut ${status}`).toBeGreaterThan(0);
  });

  it(`address: ${COUNT} hostile requests, never a 5xx, nothing stored`, async () => {
    const run = await fuzz(addressCase);
    const failures = [...run.failures, ...(await storeViolations(store, submitRun?.accepted ?? 0)).map((v) => `[graine ${SEED}] stockage : ${v}`)];
    console.log(`fuzz adresse (graine ${SEED}, ${COUNT} requêtes) : ${statusSummary(run.statuses)}`);
    expect(failures, report(failures)).toEqual([]);
    if (COUNT >= 1000) for (const status of [200, 204, 400, 405]) expect(run.statuses.get(status) ?? 0, `statut ${status}`).toBeGreaterThan(0);
  });

  let tally: EventTally | undefined;

  it(`event: ${COUNT} hostile requests, never a 5xx, never read past the limit, exactly the valid events counted`, async () => {
    // The generator's idea of the sample service must be the published one.
    const sample = forms.forms[EVENT_SERVICE];
    expect(sample?.variants?.map((v) => v.slug)).toEqual(["", ...EVENT_VARIANTS]);
    expect(sample?.definition.fields.length).toBe(EVENT_QUESTIONS);

    const run: Run = { statuses: new Map(), failures: [], accepted: 0 };
    const counted = emptyTally();
    for (let i = 0; i < COUNT; i++) {
      const c = eventCase(SEED, i);
      const outcome = await statsTargets.runEvent(c);
      run.statuses.set(outcome.status, (run.statuses.get(outcome.status) ?? 0) + 1);
      tallyEvent(counted, c, outcome.status);
      if (outcome.violations.length > 0) run.failures.push(`${c.describe()}\n    → ${outcome.status} : ${outcome.violations.join(" ; ")}`);
    }
    tally = counted;
    const failures = [...run.failures, ...(await ledgerViolations(ledger, ledgerDir, counted)).map((v) => `[graine ${SEED}] registre des comptes : ${v}`)];
    console.log(
      `fuzz évènement (graine ${SEED}, ${COUNT} requêtes) : ${statusSummary(run.statuses)} ; ${counted.counted} compté(s), ${counted.ignored} ignoré(s) (robots, préchargements), ${counted.limitedOut} refusé(s) par la limite`,
    );
    expect(failures, report(failures)).toEqual([]);
    if (COUNT >= 1000) {
      for (const status of [204, 400, 405, 413, 429]) expect(run.statuses.get(status) ?? 0, `statut ${status}`).toBeGreaterThan(0);
      expect(counted.counted, "évènements comptés").toBeGreaterThan(0);
      expect(counted.ignored, "évènements ignorés (robots, préchargements)").toBeGreaterThan(0);
    }
  });

  it(`stats: ${PAGE_COUNT} hostile requests, never a 5xx, 405 to any method but GET/HEAD, the counts unchanged`, async () => {
    const run = await fuzzPages(statsCase, (c: PageFuzzCase) => statsTargets.runPage(c));
    // The report folds the ledger as it reads it: the counts must come out the same.
    const folded = tally ? await ledgerViolations(ledger, ledgerDir, tally) : [];
    if (tally && tally.counted > 20 && !(await ledger.kv.list("jours/")).some((key) => key.includes("/f/"))) folded.push("rien n'a été replié (compactAbove: 20)");
    const failures = [...run.failures, ...folded.map((v) => `[graine ${SEED}] registre des comptes après les statistiques : ${v}`)];
    console.log(`fuzz statistiques (graine ${SEED}, ${PAGE_COUNT} requêtes) : ${statusSummary(run.statuses)}`);
    expect(failures, report(failures)).toEqual([]);
    if (PAGE_COUNT >= 200) for (const status of [200, 405]) expect(run.statuses.get(status) ?? 0, `statut ${status}`).toBeGreaterThan(0);
  });

  it(`split: ${PAGE_COUNT} hostile requests, never a 5xx, 302 to a variant from the main address only, else 404`, async () => {
    const run = await fuzzPages(splitCase, (c: PageFuzzCase) => statsTargets.runPage(c));
    console.log(`fuzz répartition (graine ${SEED}, ${PAGE_COUNT} requêtes) : ${statusSummary(run.statuses)}`);
    expect(run.failures, report(run.failures)).toEqual([]);
    if (PAGE_COUNT >= 200) for (const status of [302, 404]) expect(run.statuses.get(status) ?? 0, `statut ${status}`).toBeGreaterThan(0);
  });

  it(`receipt: ${PAGE_COUNT} hostile requests, never a 5xx, never cached, an answer shown only to a valid unexpired token naming it`, async () => {
    const signingKey = forms.signingKey;
    expect(signingKey, "signingKey dans build/forms.json").toBeTruthy();
    // The generator's idea of the published forms and their questions must be the build's.
    for (const answer of RECEIPT_ANSWERS) expect(forms.forms[answer.form]?.definition.fields.map((f) => f.key), answer.form).toContain(answer.key);
    const store = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-fuzz-recu-")));
    try {
      await storeReceiptAnswers(store);
      const before = await receiptStoreFiles(store);
      const receipt = receiptFuzzTargets({ forms, store });
      const run = await fuzzPages((seed, i) => receiptCase(seed, i, { signingKey: signingKey! }), (c) => receipt.run(c));
      const failures = [...run.failures, ...(await receiptStoreViolations(store, before)).map((v) => `[graine ${SEED}] stockage des récépissés : ${v}`)];
      console.log(`fuzz récépissé (graine ${SEED}, ${PAGE_COUNT} requêtes) : ${statusSummary(run.statuses)}`);
      expect(failures, report(failures)).toEqual([]);
      if (PAGE_COUNT >= 200) for (const status of [200, 404, 405, 410]) expect(run.statuses.get(status) ?? 0, `statut ${status}`).toBeGreaterThan(0);
    } finally {
      await rm(store.dir, { recursive: true, force: true });
    }
  });

  it(`communes: ${PAGE_COUNT} hostile requests, never a 5xx, refusals in French, no more communes than asked`, async () => {
    const communes = communesFuzzTargets({ index: await loadCommuneIndex(communeIndexPath(DEFAULT_BUILD_DIR)) });
    const run = await fuzzPages(communesCase, (c) => communes.run(c));
    console.log(`fuzz communes (graine ${SEED}, ${PAGE_COUNT} requêtes) : ${statusSummary(run.statuses)}`);
    expect(run.failures, report(run.failures)).toEqual([]);
    if (PAGE_COUNT >= 200) for (const status of [200, 204, 400, 405]) expect(run.statuses.get(status) ?? 0, `statut ${status}`).toBeGreaterThan(0);
  });
});
