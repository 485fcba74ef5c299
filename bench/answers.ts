// npm run bench:answers [-- --answers 5000 --concurrency 64]
// A burst of answers to the submit handler (queue: a real Netlify BlobsServer), then the time to
// drain them into the rate-limited Airtable-compatible server, as a fraction of Airtable's
// physical limit (5 requests/s × 10 records = 50 answers/s). Peer, in the same run: the naive
// design, where each submission writes its own record to Airtable (airtable.js `create` with
// noRetryIfRateLimited, no queue), on the same burst.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getStore } from "@netlify/blobs";
import type Airtable from "airtable";
import { airtableBase, MAX_RECORDS_PER_WRITE, REQUESTS_PER_SECOND, type AirtableConfig } from "../lib/airtable/client.ts";
import { AirtableAnswerSink, ANSWERS_TABLE, answerFields, answerRecord } from "../lib/airtable/answer-sink.ts";
import { BlobsAnswerStore, STORE_NAME } from "../lib/answers/blobs-store.ts";
import { flushAnswers } from "../lib/airtable/flush.ts";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { definitionsOf, readPublishedForms } from "../lib/forms/published.ts";
import { FakeAirtable } from "../tests/support/airtable-server.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission } from "../tests/support/sample.ts";
import { burst } from "./burst.ts";

const { values: args } = parseArgs({
  options: { answers: { type: "string", default: "5000" }, concurrency: { type: "string", default: "64" } },
});
const N = Number(args.answers);
const CONCURRENCY = Number(args.concurrency);
const LIMIT = REQUESTS_PER_SECOND * MAX_RECORDS_PER_WRITE;
const TOKEN = "patBENCH";

const forms = await readPublishedForms().catch(() => {
  console.error("build/forms.json manque : lancez d'abord npm run build.");
  process.exit(2);
});
const definitions = definitionsOf(forms);

function bodies(count: number, tag: string): string[] {
  const base = Object.fromEntries(validSubmission().filter(([k]) => k !== SAMPLE_KEYS.works));
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ ...base, [SAMPLE_KEYS.firstName]: `${tag} ${i}`, [SAMPLE_KEYS.works]: ["Isolation"], _instance: `${tag}-0000-4000-8000-${String(i).padStart(12, "0")}` }),
  );
}


async function airtableServer(baseId: string): Promise<{ server: FakeAirtable; config: AirtableConfig }> {
  const server = new FakeAirtable({ token: TOKEN }); // Airtable's real limits: 5 requests/s, 30 s lockout
  const endpointUrl = await server.start();
  server.createBase(baseId);
  server.addTable(baseId, { name: ANSWERS_TABLE, fields: answerFields(Object.values(definitions)) });
  return { server, config: { token: TOKEN, baseId, endpointUrl } };
}

// ---------------------------------------------------------------------------------------------
// The kit: accept into the queue, then drain.
const dir = await mkdtemp(join(tmpdir(), "kit-bench-blobs-"));
const blobs = spawn("node_modules/.bin/tsx", ["bench/blobs-server.ts", dir, "bench"], { stdio: ["ignore", "pipe", "inherit"] });
const [portLine] = (await once(blobs.stdout, "data")) as [Buffer];
const url = `http://localhost:${portLine.toString().trim()}`;
const store = new BlobsAnswerStore(getStore({ name: STORE_NAME, siteID: "bench", token: "bench", edgeURL: url, uncachedEdgeURL: url, consistency: "strong" }));
const handler = createSubmitHandler({ forms, store });
const kit = await airtableServer("appBENCHKIT000001");

console.log(`${N} réponses, ${CONCURRENCY} en parallèle, vers le gestionnaire d'envoi (file : BlobsServer dans un autre processus)…`);
let rejected = 0;
const acceptMs = await burst(bodies(N, "kit"), CONCURRENCY, async (body) => {
  const response = await handler(
    new Request(`http://localhost/api/submit/${SAMPLE_FORM}`, { method: "POST", headers: { "content-type": "application/json" }, body }),
  );
  if (response.status !== 201) rejected += 1;
});
const accepted = (await store.pendingKeys()).length;
const acceptRate = (N / acceptMs) * 1000;
console.log(`  accepté : ${accepted}/${N} en ${(acceptMs / 1000).toFixed(2)} s, ${acceptRate.toFixed(0)} réponses/s`);

// What the kit's own code costs, the store aside: the same burst into an in-memory queue.
const memory = new Set<string>();
const memoryHandler = createSubmitHandler({
  forms,
  // Only put and has are on the submit path; the rest is the disk store's, never reached here.
  store: new (class extends DiskAnswerStore {
    override put = async (a: { id: string }) => (memory.has(a.id) ? "duplicate" : (memory.add(a.id), "created")) as "duplicate" | "created";
    override has = async (_: string, id: string) => memory.has(id);
  })(join(tmpdir(), "kit-bench-unused")),
});
const handlerMs = await burst(bodies(N, "mem"), CONCURRENCY, async (body) => {
  await memoryHandler(new Request(`http://localhost/api/submit/${SAMPLE_FORM}`, { method: "POST", headers: { "content-type": "application/json" }, body }));
});
const handlerRate = (N / handlerMs) * 1000;
console.log(`  le gestionnaire seul (file en mémoire) : ${handlerRate.toFixed(0)} réponses/s`);

console.log(`Vidage vers le serveur Airtable (limites réelles : ${REQUESTS_PER_SECOND} requêtes/s, ${MAX_RECORDS_PER_WRITE} enregistrements/requête)…`);
const drainStart = performance.now();
const report = await flushAnswers({
  queue: store,
  sink: new AirtableAnswerSink(kit.config, definitions),
  lease: store.lease("bench", 3_600_000),
  deadline: Date.now() + 3_600_000,
  onProgress: (r) => {
    if (r.written % 500 === 0) console.log(`  ${r.written}/${accepted} en ${((performance.now() - drainStart) / 1000).toFixed(0)} s`);
  },
});
const drainMs = performance.now() - drainStart;
const rows = kit.server.records(kit.config.baseId, ANSWERS_TABLE);
const ids = new Set(rows.map((r) => r.fields.Identifiant));
const drainRate = (rows.length / drainMs) * 1000;

// ---------------------------------------------------------------------------------------------
// The peer: each submission writes its own record to Airtable, no queue.
console.log("Pair : une écriture Airtable par envoi (airtable.js create, sans file), même rafale…");
const naive = await airtableServer("appBENCHNAIVE0001");
const naiveTable = airtableBase(naive.config, 10_000)(ANSWERS_TABLE);
let naiveOk = 0;
let naiveFailed = 0;
const naiveBodies = bodies(N, "naive").map((b) => JSON.parse(b) as Record<string, string>);
const naiveMs = await burst(
  naiveBodies,
  CONCURRENCY,
  async (body) => {
    const answer = { id: body._instance as string, form: SAMPLE_FORM, submittedAt: new Date().toISOString(), source: "web" as const, values: { [SAMPLE_KEYS.firstName]: body[SAMPLE_KEYS.firstName] as string } };
    try {
      await naiveTable.create([{ fields: answerRecord(answer, definitions[SAMPLE_FORM]) as Airtable.FieldSet }], { typecast: true });
      naiveOk += 1;
    } catch {
      naiveFailed += 1; // with airtable.js's own retries instead, the citizen would wait up to 10 minutes
    }
  },
);
const naiveRate = (naiveOk / naiveMs) * 1000;

// ---------------------------------------------------------------------------------------------
console.log("\n| mesure | kit (file + vidage) | pair (écriture directe) | rapport |");
console.log("|---|---|---|---|");
console.log(`| réponses acceptées par seconde | ${acceptRate.toFixed(0)} (gestionnaire seul : ${handlerRate.toFixed(0)}) | ${naiveRate.toFixed(1)} | ×${(acceptRate / naiveRate).toFixed(0)} |`);
console.log(`| envois refusés ou perdus | ${rejected + (N - accepted)} sur ${N} | ${naiveFailed} sur ${naiveOk + naiveFailed} | |`);
console.log(`| débit d'écriture dans Airtable | ${drainRate.toFixed(1)} réponses/s | ${naiveRate.toFixed(1)} réponses/s | |`);
console.log(`| part de la limite physique (${LIMIT}/s) | ${((drainRate / LIMIT) * 100).toFixed(1)} % | ${((naiveRate / LIMIT) * 100).toFixed(1)} % | |`);
console.log(`\nkit : ${rows.length} lignes dans Airtable pour ${accepted} réponses acceptées ; perdues : ${accepted - ids.size} ; en double : ${rows.length - ids.size} ; ${report.requests} requêtes, ${report.rateLimited} 429, ${report.retries} nouveaux essais ; vidage en ${(drainMs / 1000).toFixed(1)} s.`);
console.log(`serveur Airtable : au plus ${kit.server.stats.maxRequestsInOneWindow} requêtes dans une seconde ; pair : ${naive.server.stats.rateLimited} réponses 429.`);

await Promise.all([kit.server.stop(), naive.server.stop()]);
blobs.kill();
await rm(dir, { recursive: true, force: true });
