// npm run bench:events [-- --events 5000 --concurrency 64]
// A burst of page views sent as real POST requests to the event handler (in-process: netlify dev
// cannot measure throughput), each from its own visitor (browser user agent, own x-forwarded-for,
// no rate limiter: the store is what is measured), spread over conseil-renovation's variants.
// The kit: the count ledger (one new document per batch of events arriving together, written
// before any of them is answered), over a Netlify BlobsServer in its own
// process, then over files; its counts are read back, then folded and read again, and must add up
// to exactly N. The peer, in the same run, behind the same handler: a naive counter that reads
// one JSON document, adds, and writes it back, over the same two stores: it loses increments.
// Exit 1 if the ledger loses or adds anything, or an event is not answered 204.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { arch, cpus, loadavg, platform, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getStore } from "@netlify/blobs";
import { readPublishedForms } from "../lib/forms/published.ts";
import { addCounts, counter, isCounts, type Counts } from "../lib/stats/counters.ts";
import { createEventHandler } from "../lib/stats/handlers.ts";
import { BlobsKeyValueStore, DiskKeyValueStore, STATS_STORE_NAME, type KeyValueStore } from "../lib/stats/key-value.ts";
import { CountLedger } from "../lib/stats/ledger.ts";
import { plural } from "../lib/vocabulary/index.ts";
import { burst } from "./burst.ts";

const { values: args } = parseArgs({
  options: { events: { type: "string", default: "5000" }, concurrency: { type: "string", default: "64" } },
});
const N = Number(args.events);
const CONCURRENCY = Number(args.concurrency);
if (!(Number.isInteger(N) && N >= 1 && Number.isInteger(CONCURRENCY) && CONCURRENCY >= 1)) {
  console.error("--events et --concurrency doivent être des entiers positifs.");
  process.exit(2);
}
const TARGET = 1000;
const SERVICE = "conseil-renovation";
const UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const forms = await readPublishedForms().catch(() => {
  console.error("build/forms.json manque : lancez d'abord npm run build.");
  process.exit(2);
});
const variants = (forms.forms[SERVICE]?.variants ?? []).map((v) => v.slug);
if (variants.length === 0) {
  console.error(`build/forms.json ne publie pas le service ${SERVICE} ou ses variantes.`);
  process.exit(2);
}

const fmt = (n: number, digits = 0) => n.toLocaleString("fr-FR", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`;
const variantName = (slug: string) => slug || "principale";

// One visitor per event, the variants in turn as the main address's split would send them.
const events = Array.from({ length: N }, (_, i) => ({ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, variant: variants[i % variants.length] as string }));
const expected: Counts = {};
for (const e of events) addCounts(expected, { [counter.view(SERVICE, e.variant, "landing")]: 1 });

/** The landing views counted, all variants; and the variants whose count is not the one sent. */
function landing(counts: Counts): { counted: number; wrong: string[] } {
  const wrong = Object.entries(expected)
    .filter(([key, n]) => (counts[key] ?? 0) !== n)
    .map(([key, n]) => `${variantName(key.split("|")[2] ?? "")} : ${counts[key] ?? 0} au lieu de ${n}`);
  return { counted: Object.keys(expected).reduce((sum, key) => sum + (counts[key] ?? 0), 0), wrong };
}
const allDays = (days: Map<string, Counts>) => [...days.values()].reduce<Counts>((sum, counts) => addCounts(sum, counts), {});

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

// ---------------------------------------------------------------------------------------------
// The burst, the same for every counter.

interface Sent {
  ms: number;
  accepted: number;
  /** Answers other than 204 by status (a thrown error counts as the 500 Netlify would answer). */
  others: Map<number, number>;
  firstError?: string;
}

async function send(ledger: Pick<CountLedger, "add">, list = events): Promise<Sent> {
  const handler = createEventHandler({ forms, ledger });
  const sent: Sent = { ms: 0, accepted: 0, others: new Map() };
  sent.ms = await burst(list, CONCURRENCY, async (e) => {
    let status: number;
    let error = "";
    try {
      const response = await handler(
        new Request("http://localhost/api/event", {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": UA, "x-forwarded-for": e.ip },
          body: JSON.stringify({ type: "view", service: SERVICE, variant: e.variant, page: "landing", source: "lettre" }),
        }),
      );
      status = response.status;
      if (status !== 204) error = await response.text();
    } catch (thrown) {
      status = 500;
      error = String(thrown);
    }
    if (status === 204) sent.accepted++;
    else {
      sent.others.set(status, (sent.others.get(status) ?? 0) + 1);
      sent.firstError ??= `${status} ${error.slice(0, 200)}`;
    }
  });
  return sent;
}

/** The peer: the counts in one JSON document, read, added to and written back at each event. */
function naiveCounter(kv: KeyValueStore) {
  const KEY = "compteurs";
  const read = async (): Promise<Counts> => {
    const value = await kv.get(KEY);
    return isCounts(value) ? value : {};
  };
  return { read, add: async (counts: Counts) => kv.set(KEY, addCounts(await read(), counts)) };
}

interface Row {
  store: string;
  method: string;
  sent: Sent;
  counted: number;
  wrong: string[];
  readMs: number;
  /** The ledger only: the fold, then the read after it. */
  fold?: { ms: number; counted: number; wrong: string[]; readMs: number };
}

async function ledgerRow(store: string, kv: KeyValueStore): Promise<Row> {
  const ledger = new CountLedger(kv);
  const sent = await send(ledger);
  const [days, readMs] = await timed(() => ledger.read());
  const [, foldMs] = await timed(() => ledger.compact());
  const [folded, foldedReadMs] = await timed(() => ledger.read());
  const after = landing(allDays(folded));
  return { store, method: "registre (un document par lot d'évènements simultanés)", sent, ...landing(allDays(days)), readMs, fold: { ms: foldMs, ...after, readMs: foldedReadMs } };
}

async function naiveRow(store: string, kv: KeyValueStore): Promise<Row> {
  const naive = naiveCounter(kv);
  const sent = await send(naive);
  const [counts, readMs] = await timed(naive.read);
  return { store, method: "naïf (lire, ajouter, réécrire un JSON)", sent, ...landing(counts), readMs };
}

/** One write per event, without the handler: what the store alone allows. */
async function rawWrites(kv: KeyValueStore): Promise<number> {
  const ms = await burst(events, CONCURRENCY, (e) => kv.set(`brut/${e.ip.replaceAll(".", "-")}`, { n: 1 }));
  return (N / ms) * 1000;
}

// ---------------------------------------------------------------------------------------------

const root = await mkdtemp(join(tmpdir(), "kit-bench-events-"));
let blobs: ChildProcess | undefined;
const running = () => blobs !== undefined && blobs.exitCode === null && blobs.signalCode === null;
process.on("exit", () => running() && blobs?.kill()); // also on process.exit or an uncaught error
try {
  blobs = spawn(process.execPath, ["--import", "tsx", "bench/blobs-server.ts", join(root, "blobs"), "bench"], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(blobs, "exit").then(() => Promise.reject(new Error("le serveur Blobs s'est arrêté au démarrage")));
  const [portLine] = (await Promise.race([once(blobs.stdout!, "data"), exited])) as [Buffer];
  exited.catch(() => {}); // it exits when stopped at the end: not an error then
  const url = `http://localhost:${portLine.toString().trim()}`;
  const blobsStore = (name: string) => new BlobsKeyValueStore(getStore({ name, siteID: "bench", token: "bench", edgeURL: url, uncachedEdgeURL: url, consistency: "strong" }));

  const cpu = cpus();
  // The load says whether other work shared the processors with this run.
  console.log(`Machine : ${cpu.length} processeurs (${cpu[0]?.model.trim() ?? "?"}), Node ${process.version}, ${platform()} ${arch()}, charge moyenne ${fmt(loadavg()[0] ?? 0, 2)} au départ.`);
  console.log(`${fmt(N)} vues de ${SERVICE} (variantes ${variants.map(variantName).join(", ")}), ${CONCURRENCY} en parallèle, vers le gestionnaire d'évènements…`);

  // Warm-ups (compiled code, the server's too, open connections): no row pays for them.
  // The reference: the handler alone, counting in memory.
  const memory: Counts = {};
  await send({ add: async (counts) => void addCounts(memory, counts) });
  const handlerOnly = await send({ add: async (counts) => void addCounts(memory, counts) });

  const rows: Row[] = [];
  // The disk first: right after the Blobs rows, the kernel still writes back the server's
  // thousands of files, which made the disk rows up to ×5 slower in trials. Printed second.
  const stores: Array<[string, KeyValueStore, KeyValueStore]> = [
    ["disque", new DiskKeyValueStore(join(root, "registre")), new DiskKeyValueStore(join(root, "naif"))],
    ["Netlify Blobs", blobsStore(STATS_STORE_NAME), blobsStore("compteurs-naifs")],
  ];
  for (const [store, ledgerKv, naiveKv] of stores) {
    if (ledgerKv instanceof BlobsKeyValueStore) await send(new CountLedger(blobsStore("echauffement")), events.slice(0, 1000));
    console.log(`  ${store} : registre…`);
    rows.push(await ledgerRow(store, ledgerKv));
    console.log(`  ${store} : naïf…`);
    rows.push(await naiveRow(store, naiveKv));
  }
  console.log("  repères : écritures seules, sans gestionnaire…");
  const rawDisk = await rawWrites(new DiskKeyValueStore(join(root, "brut")));
  const rawBlobs = await rawWrites(blobsStore("brut"));
  rows.sort((a, b) => Number(a.store === "disque") - Number(b.store === "disque")); // Blobs first; stable

  const rate = (r: Row) => (r.sent.accepted / r.sent.ms) * 1000;
  const lost = (r: Row, counted = r.counted) => r.sent.accepted - counted;
  console.log("\n| magasin | méthode | envoyés | acceptés (204) | comptés | perdus | évènements/s acceptés | relecture |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const counted = r.fold ? `${fmt(r.counted)} (après repli : ${fmt(r.fold.counted)})` : fmt(r.counted);
    const lostText = r.fold ? `${fmt(lost(r))} (après repli : ${fmt(lost(r, r.fold.counted))})` : fmt(lost(r));
    const read = r.fold ? `${seconds(r.readMs)} ; repli ${seconds(r.fold.ms)}, puis ${seconds(r.fold.readMs)}` : seconds(r.readMs);
    console.log(`| ${r.store} | ${r.method} | ${fmt(N)} | ${fmt(r.sent.accepted)} | ${counted} | ${lostText} | ${fmt(rate(r))} | ${read} |`);
  }

  console.log("\n| magasin | débit registre / naïf | perdus : registre | perdus : naïf |");
  console.log("|---|---|---|---|");
  for (let i = 0; i < rows.length; i += 2) {
    const [ledger, naive] = [rows[i] as Row, rows[i + 1] as Row];
    const share = naive.sent.accepted ? ` (${fmt((100 * lost(naive)) / naive.sent.accepted, 1)} %)` : "";
    console.log(`| ${ledger.store} | ×${fmt(rate(ledger) / rate(naive), 2)} | ${fmt(lost(ledger))} | ${fmt(lost(naive))}${share} |`);
  }

  console.log("\n| repère (même rafale) | évènements/s |");
  console.log("|---|---|");
  console.log(`| gestionnaire seul, comptes en mémoire | ${fmt((handlerOnly.accepted / handlerOnly.ms) * 1000)} |`);
  console.log(`| Netlify Blobs : une écriture par évènement, sans gestionnaire | ${fmt(rawBlobs)} |`);
  console.log(`| disque : une écriture par évènement, sans gestionnaire | ${fmt(rawDisk)} |`);

  // Verdict: the ledger must count each accepted event once, after the fold too.
  const failures: string[] = [];
  for (const r of [...rows, { store: "mémoire", method: "gestionnaire seul", sent: handlerOnly } as Row]) {
    if (r.sent.others.size > 0) failures.push(`${r.store}, ${r.method} : ${[...r.sent.others].map(([s, n]) => `${n} × ${s}`).join(", ")} (${r.sent.firstError})`);
  }
  for (const r of rows.filter((row) => row.fold)) {
    const wrong = [...r.wrong, ...(r.fold?.wrong ?? []).map((w) => `après repli, ${w}`)];
    if (wrong.length > 0) failures.push(`${r.store}, registre : ${wrong.join(" ; ")}`);
  }
  console.log("");
  for (const r of rows.filter((row) => row.fold)) {
    const ok = rate(r) >= TARGET && lost(r) === 0 && lost(r, r.fold?.counted) === 0;
    console.log(`Objectif ${r.store} (≥ ${fmt(TARGET)} évènements/s acceptés, aucun perdu) : ${ok ? "atteint" : "non atteint"} (${fmt(rate(r))}/s, ${plural(lost(r), "perdu")}).`);
  }
  if (failures.length > 0) {
    console.error(`\nÉCHEC :\n${failures.join("\n")}`);
    process.exitCode = 1;
  }
} finally {
  if (running() && blobs) {
    const exit = once(blobs, "exit");
    blobs.kill();
    await exit; // its files are removed below: no write of its may still be under way
  }
  await rm(root, { recursive: true, force: true });
}
