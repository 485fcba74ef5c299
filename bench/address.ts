// npm run bench:address -- <BAN CSV[.gz]> [--queries 300] [--engines ours,flexsearch,minisearch]
// npm run bench:address -- --synthetic 2000000 [...]
// Compares, in one run on the same data and queries, this kit's address engine with FlexSearch
// and MiniSearch: build time, cold load from disk (a function's cold start), memory, queries per
// second on one core, p50/p99 latency, and top-1 / top-5 accuracy on query sets generated from the
// data. Each engine builds in a process of its own, then loads and answers in a fresh one.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createGzip } from "node:zlib";
import { BAN_COLUMNS, openBanFile, readBanCsv } from "../lib/address/ban-csv.ts";
import type { AddressRecord } from "../lib/address/record.ts";
import { fold, STOPWORDS } from "../lib/address/normalize.ts";
import { engine, type EngineName } from "./address-engines.ts";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    queries: { type: "string", default: "300" },
    engines: { type: "string", default: "ours,flexsearch,minisearch" },
    synthetic: { type: "string" },
    child: { type: "string" },
    engine: { type: "string" },
    file: { type: "string" },
    index: { type: "string" },
    "query-file": { type: "string" },
    /** Print up to N missed queries of each kind, to see what an engine gets wrong. */
    misses: { type: "string", default: "0" },
  },
});

type Kind = "full" | "abbreviated" | "number-after" | "type-left-out" | "one-typo" | "two-typos" | "arrondissement" | "prefix" | "prefix-anywhere";
interface Query {
  kind: Kind;
  q: string;
  expect: string;
}

const KINDS: Array<{ kind: Kind; label: string; top: 1 | 5 }> = [
  { kind: "full", label: "adresse complète", top: 1 },
  { kind: "abbreviated", label: "abrégée, sans accents", top: 1 },
  { kind: "number-after", label: "numéro après la voie", top: 1 },
  { kind: "type-left-out", label: "type de voie omis", top: 1 },
  { kind: "one-typo", label: "une faute de frappe", top: 1 },
  { kind: "two-typos", label: "deux fautes de frappe", top: 1 },
  { kind: "arrondissement", label: "« Paris 11e »", top: 1 },
  { kind: "prefix", label: "début tapé, « 38 rue de v… » (top 5)", top: 5 },
  { kind: "prefix-anywhere", label: "début coupé n'importe où, « 38 ru » (top 5)", top: 5 },
];

// ---------------------------------------------------------------------------------------------
// Data and queries

/** A small seeded generator, so that every run asks the same questions. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ABBREVIATE: Record<string, string> = { rue: "r", avenue: "av", boulevard: "bd", place: "pl", impasse: "imp", saint: "st", sainte: "ste", allee: "all", chemin: "ch", square: "sq", faubourg: "fg" };
const TYPES = new Set(["rue", "avenue", "boulevard", "place", "impasse", "allee", "chemin", "square", "passage", "quai", "villa", "cite", "cours", "route", "sentier", "voie", "cour", "ruelle", "esplanade", "promenade", "parvis", "galerie", "hameau", "port", "pont", "porte", "jardin", "carrefour", "sente"]);

function typo(word: string, rand: () => number): string {
  const i = 1 + Math.floor(rand() * (word.length - 1));
  const letters = "abcdefghijklmnopqrstuvwxyz";
  let c = letters[Math.floor(rand() * 26)] as string;
  if (c === word[i]) c = c === "a" ? "e" : "a";
  return word.slice(0, i) + c + word.slice(i + 1);
}

function withTypos(street: string, count: number, rand: () => number): string {
  const words = street.split(" ");
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => fold(w).length >= 5);
  for (let n = 0; n < count && long.length > 0; n++) {
    const [, i] = long.splice(Math.floor(rand() * long.length), 1)[0] as readonly [string, number];
    words[i] = typo(fold(words[i] as string), rand);
  }
  return words.join(" ");
}

function arrondissement(record: AddressRecord): string | undefined {
  const n = /^(?:Paris|Lyon|Marseille) (\d+)(?:er|e) Arrondissement$/.exec(record.district ?? "")?.[1];
  return n ? `${record.city} ${n}${n === "1" ? "er" : "e"}` : undefined;
}

/** Where the first word of a street name that is neither its type nor a small word begins. */
function distinctiveStart(street: string): number {
  const words = /[^\s'’-]+/g;
  let first: number | undefined;
  for (let match = words.exec(street); match; match = words.exec(street)) {
    first ??= match.index;
    const word = fold(match[0]);
    if (match.index === 0 && TYPES.has(word)) continue;
    if (STOPWORDS.has(word)) continue;
    return match.index;
  }
  return first ?? 0;
}

export function makeQueries(records: AddressRecord[], perKind: number, seed = 42): Query[] {
  const rand = random(seed);
  const numbers = records.filter((r) => r.type === "housenumber");
  const queries: Query[] = [];
  for (const { kind } of KINDS) {
    for (let n = 0; n < perKind; n++) {
      const r = numbers[Math.floor(rand() * numbers.length)] as AddressRecord;
      const street = r.street as string;
      const num = r.housenumber as string;
      const place = `${r.postcode} ${r.city}`;
      let q: string;
      if (kind === "full") q = `${num} ${street} ${place}`;
      else if (kind === "abbreviated") q = `${num} ${fold(street).split(" ").map((w) => ABBREVIATE[w] ?? w).join(" ")} ${r.postcode}`;
      else if (kind === "number-after") q = `${street} ${num} ${r.postcode}`;
      else if (kind === "type-left-out") q = `${num} ${fold(street).split(" ").filter((w, i) => !(i === 0 && TYPES.has(w))).join(" ")} ${r.postcode}`;
      else if (kind === "one-typo") q = `${num} ${withTypos(street, 1, rand)} ${r.postcode}`;
      else if (kind === "two-typos") q = `${num} ${withTypos(street, 2, rand)} ${r.postcode}`;
      else if (kind === "arrondissement") q = `${num} ${street} ${arrondissement(r) ?? r.city}`;
      else if (kind === "prefix") {
        // As typed ("38 rue de v…"): the number, the street's type and small words, then at least
        // the first letter of its first word that tells it apart, cut anywhere from there on.
        const full = `${num} ${street}`;
        const first = distinctiveStart(street);
        const from = num.length + 1 + first + 1;
        q = full.slice(0, from + Math.floor(rand() * Math.max(1, full.length - from))).trimEnd();
      } else {
        // Cut anywhere from the street's second letter: "38 ru" says nothing of which street.
        const full = `${num} ${street}`;
        const cut = num.length + 3 + Math.floor(rand() * Math.max(1, street.length - 2));
        q = full.slice(0, Math.min(full.length, cut)).trimEnd();
      }
      queries.push({ kind, q, expect: r.id });
    }
  }
  return queries;
}

/**
 * A BAN-like file of n addresses: communes of 4,000 addresses, named after words of the real file,
 * each with streets of the real file's names numbered from 1 (1 to 40 numbers a street, about the
 * French mean of 15 addresses a street).
 */
async function synthesize(n: number, from: AddressRecord[], path: string): Promise<void> {
  const rand = random(7);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)] as T;
  const names = [...new Set(from.filter((r) => r.type === "street").map((r) => r.street as string))];
  const words = [...new Set(names.flatMap((name) => name.split(/[\s'’-]+/)).filter((w) => w.length >= 5 && /^\p{Lu}/u.test(w) && !TYPES.has(fold(w))))];
  const departements = Array.from({ length: 80 }, (_, i) => String(10 + i)).filter((d) => d !== "20");
  const gzip = createGzip({ level: 1 });
  const out = gzip.pipe(createWriteStream(path));
  const write = async (line: string) => {
    if (!gzip.write(line)) await new Promise<void>((r) => gzip.once("drain", () => r()));
  };
  await write(`${BAN_COLUMNS.join(";")}\n`);
  let written = 0;
  for (let commune = 0; written < n; commune++) {
    const dep = departements[commune % departements.length] as string;
    const number = String(1 + Math.floor(commune / departements.length)).padStart(3, "0");
    const citycode = `${dep}${number}`;
    const postcode = `${dep}${String(Math.floor(rand() * 100) * 10).padStart(3, "0")}`;
    const city = rand() < 0.3 ? `${pick(words)}-sur-${pick(words)}` : pick(words);
    const [lon, lat] = [-1 + rand() * 8, 43 + rand() * 6];
    const used = new Set<string>();
    const size = Math.min(4000, n - written);
    for (let count = 0, street = 0; count < size; street++) {
      if (used.size === names.length) used.clear(); // a small source file: names are used again
      let name = pick(names);
      while (used.has(name)) name = pick(names);
      used.add(name);
      const numbers = Math.min(size - count, 1 + Math.floor(rand() * 40));
      for (let num = 1; num <= numbers; num++) {
        const id = `${citycode}_${street.toString(36).padStart(4, "0")}_${String(num).padStart(5, "0")}`;
        const position = [(lon + rand() * 0.05).toFixed(6), (lat + rand() * 0.05).toFixed(6)];
        const row = [id, "", num, "", name, postcode, citycode, city, "", "", "", "", ...position, "", "", "", "", "", "", "", "", ""];
        await write(`${row.join(";")}\n`);
      }
      count += numbers;
    }
    written += size;
  }
  gzip.end();
  await new Promise<void>((r) => out.on("finish", () => r()));
}

// ---------------------------------------------------------------------------------------------
// Children: one engine, one step, one process

interface BuildResult {
  buildMs: number;
  fileBytes: number;
}

interface QueryResult {
  loadMs: number;
  heapMB: number;
  qps: number;
  p50: number;
  p99: number;
  accuracy: Record<Kind, number>;
}

async function child(): Promise<void> {
  const name = args.engine as EngineName;
  const records = args.child === "build" ? (await readBanCsv(openBanFile(args.file as string))).records : [];
  const e = engine(name);
  if (args.child === "build") {
    const started = performance.now();
    await e.build(records, args.index as string);
    const result: BuildResult = { buildMs: performance.now() - started, fileBytes: (await stat(args.index as string)).size };
    console.log(JSON.stringify(result));
    return;
  }
  const queries = JSON.parse(await readFile(args["query-file"] as string, "utf8")) as Query[];
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  // The JS heap and the buffers outside it (typed arrays live there): each engine is measured whole.
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const heapBefore = used();
  const started = performance.now();
  await e.load(args.index as string);
  const loadMs = performance.now() - started;
  gc?.();
  const heapMB = (used() - heapBefore) / 1_048_576;
  for (const q of queries.slice(0, 50)) e.search(q.q, 5); // warm-up
  const latencies: number[] = [];
  const hits: Record<string, number> = {};
  const counts: Record<string, number> = {};
  const missed: Record<string, number> = {};
  const total = performance.now();
  for (const q of queries) {
    const t = performance.now();
    const found = e.search(q.q, 5);
    latencies.push(performance.now() - t);
    const top = q.kind.startsWith("prefix") ? 5 : 1;
    counts[q.kind] = (counts[q.kind] ?? 0) + 1;
    if (found.slice(0, top).includes(q.expect)) hits[q.kind] = (hits[q.kind] ?? 0) + 1;
    else if ((missed[q.kind] = (missed[q.kind] ?? 0) + 1) <= Number(args.misses)) console.error(`${name} ${q.kind}: « ${q.q} » → ${found.slice(0, top).join(", ")} (attendu ${q.expect})`);
  }
  const elapsed = performance.now() - total;
  latencies.sort((a, b) => a - b);
  const accuracy = Object.fromEntries(Object.keys(counts).map((k) => [k, (hits[k] ?? 0) / (counts[k] as number)])) as Record<Kind, number>;
  const result: QueryResult = {
    loadMs,
    heapMB,
    qps: (queries.length / elapsed) * 1000,
    p50: latencies[Math.floor(latencies.length * 0.5)] as number,
    p99: latencies[Math.floor(latencies.length * 0.99)] as number,
    accuracy,
  };
  console.log(JSON.stringify(result));
}

function run<T>(argv: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--expose-gc", "--max-old-space-size=12000", "--import", "tsx", "bench/address.ts", ...argv], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (c: Buffer) => (out += c.toString()));
    proc.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) reject(new Error(`${argv.join(" ")} exited with ${code}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "kit-bench-address-"));
  let file = positionals[0];
  if (args.synthetic) {
    if (!file) throw new Error("--synthetic N needs a real BAN file to take street names from");
    const n = Number(args.synthetic);
    const synthetic = join(dir, `synthetic-${n}.csv.gz`);
    console.log(`Génération de ${n.toLocaleString("fr-FR")} adresses synthétiques…`);
    await synthesize(n, (await readBanCsv(openBanFile(file))).records, synthetic);
    file = synthetic;
  }
  if (!file) {
    console.error("usage : npm run bench:address -- <adresses-XX.csv.gz> [--queries 300] | --synthetic 2000000 <adresses-XX.csv.gz>");
    process.exit(2);
  }
  const records = (await readBanCsv(openBanFile(file))).records;
  const queries = makeQueries(records, Number(args.queries));
  const queryFile = join(dir, "queries.json");
  await writeFile(queryFile, JSON.stringify(queries));
  console.log(`${records.length.toLocaleString("fr-FR")} adresses, voies et communes ; ${queries.length} requêtes (${args.queries} par sorte).\n`);

  const names = (args.engines as string).split(",") as EngineName[];
  const results: Record<string, BuildResult & QueryResult> = {};
  for (const name of names) {
    const index = join(dir, `${name}.index`);
    try {
      const built = await run<BuildResult>(["--child", "build", "--engine", name, "--file", file, "--index", index]);
      const queried = await run<QueryResult>(["--child", "query", "--engine", name, "--index", index, "--query-file", queryFile, "--misses", args.misses as string]);
      results[name] = { ...built, ...queried };
      console.log(`${name} : fait`);
    } catch (error) {
      console.log(`${name} : échec (${(error as Error).message})`);
    }
  }

  const cols = names.filter((n) => results[n]);
  const peers = cols.filter((n) => n !== "ours");
  const fastestPeer = peers.sort((a, b) => (results[b]?.qps ?? 0) - (results[a]?.qps ?? 0))[0];
  const row = (label: string, f: (r: BuildResult & QueryResult) => string) => `| ${label} | ${cols.map((n) => f(results[n] as BuildResult & QueryResult)).join(" | ")} |`;
  console.log(`\n| mesure | ${cols.join(" | ")} |`);
  console.log(`|---|${cols.map(() => "---").join("|")}|`);
  console.log(row("construction", (r) => `${(r.buildMs / 1000).toFixed(1)} s`));
  console.log(row("fichier d'index", (r) => `${(r.fileBytes / 1_048_576).toFixed(1)} Mo`));
  console.log(row("chargement à froid", (r) => `${r.loadMs.toFixed(0)} ms`));
  console.log(row("mémoire après chargement", (r) => `${r.heapMB.toFixed(0)} Mo`));
  console.log(row("requêtes/s (1 cœur)", (r) => r.qps.toFixed(0)));
  console.log(row("latence p50 / p99", (r) => `${r.p50.toFixed(2)} / ${r.p99.toFixed(2)} ms`));
  for (const { kind, label } of KINDS) console.log(row(label, (r) => (r.accuracy[kind] ?? 0).toFixed(2)));
  const ours = results.ours;
  if (ours && fastestPeer) {
    const peer = results[fastestPeer] as BuildResult & QueryResult;
    console.log(`\nrapports (nous / ${fastestPeer}, le pair le plus rapide) : requêtes/s ×${(ours.qps / peer.qps).toFixed(2)} ; chargement ×${(ours.loadMs / peer.loadMs).toFixed(2)} ; mémoire ×${(ours.heapMB / peer.heapMB).toFixed(2)}`);
  }
}

if (args.child) await child();
else await main();
