// Seeded hostile requests (tests/support/fuzz.ts) to the real submit and address handlers,
// in-process, on a real disk store in a temporary folder. For every answer: never a 5xx (nor an
// exception), nosniff, a body unless 204/303/HEAD, a streamed body read no further than the limit
// and one chunk (nothing at all when refused at the door); at the end, nothing stored.
// FUZZ_SEED=… FUZZ_COUNT=… npx vitest run tests/fuzz.test.ts replays or widens a run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressIndex } from "../lib/address/engine.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { addressCase, fuzzTargets, statusSummary, storeViolations, submitCase, type FuzzCase, type FuzzTargets, type Outcome } from "./support/fuzz.ts";

const DEFAULT_SEED = 20261130;
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED) >>> 0;
const COUNT = Math.max(1, Number(process.env.FUZZ_COUNT ?? 2000) | 0);
/** Failures printed in full; the rest are counted. */
const SHOWN = 10;

let forms: PublishedForms;
let index: AddressIndex;
let store: DiskAnswerStore;
let targets: FuzzTargets;

beforeAll(async () => {
  forms = await readPublishedForms();
  index = await loadIndex();
  store = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-fuzz-")));
  targets = fuzzTargets({ forms, store, index });
  console.log(`fuzz : graine ${SEED}, ${COUNT} requêtes par gestionnaire (FUZZ_SEED, FUZZ_COUNT pour changer)`);
});

afterAll(async () => {
  if (store) await rm(store.dir, { recursive: true, force: true });
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
});
