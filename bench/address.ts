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
import { BAN_COLUMNS, openBanFile, readBanCsv, streetIdOf } from "../lib/address/ban-csv.ts";
import type { AddressRecord } from "../lib/address/record.ts";
import { fold, STOPWORDS } from "../lib/address/normalize.ts";
import { editDistance } from "../lib/address/edit-distance.ts";
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
    /** Print the queries of the sets used to tune (never the held-out ones), and stop. */
    "show-queries": { type: "boolean", default: false },
  },
});

type Kind =
  | "full"
  | "abbreviated"
  | "number-after"
  | "type-left-out"
  | "one-typo"
  | "two-typos"
  | "arrondissement"
  | "prefix"
  | "prefix-anywhere"
  | `${TypoKind}:${"tune" | "held-out"}`;
/** The sets of typos as people make them (typedQueries): each drawn twice, to tune and held out. */
type TypoKind = "short-word" | "any-word" | "two-in-one-word" | "split-glued";
interface Query {
  kind: Kind;
  q: string;
  expect: string;
}

const TYPO_KINDS: Array<{ kind: TypoKind; label: string }> = [
  { kind: "short-word", label: "faute dans un mot court (« ue », « ds », « u »)" },
  { kind: "any-word", label: "une faute clavier, tout mot" },
  { kind: "two-in-one-word", label: "deux fautes dans un mot (« vltare »)" },
  { kind: "split-glued", label: "mot coupé, collé, apostrophe omise" },
];

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
  ...TYPO_KINDS.flatMap(({ kind, label }) => [
    { kind: `${kind}:tune` as const, label: `${label}, réglage`, top: 1 as const },
    { kind: `${kind}:held-out` as const, label: `${label}, témoin`, top: 1 as const },
  ]),
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

// ---------------------------------------------------------------------------------------------
// Typos as people make them: a key next to the right one on an AZERTY keyboard, a letter left
// out, doubled, or two swapped; in any word, short ones and street types included.

/** AZERTY letter rows, each with its offset from the row above (in key widths). */
const AZERTY: Array<[string, number]> = [["azertyuiop", 0], ["qsdfghjklm", 0.25], ["wxcvbn", 1.25]];
const NEIGHBOURS = new Map<string, string>();
for (const [row, [keys, offset]] of AZERTY.entries()) {
  for (let i = 0; i < keys.length; i++) {
    let near = "";
    for (const [other, [otherKeys, otherOffset]] of AZERTY.entries()) {
      if (Math.abs(other - row) > 1) continue;
      for (let j = 0; j < otherKeys.length; j++) {
        const distance = Math.abs(j + otherOffset - (i + offset));
        if ((other === row && distance === 1) || (other !== row && distance <= 1)) near += otherKeys[j];
      }
    }
    NEIGHBOURS.set(keys[i] as string, near);
  }
}

type Slip = "neighbour" | "deletion" | "double" | "swap";

/** One typo in a folded word, at any letter, the first included. */
function slip(word: string, kind: Slip, rand: () => number): string {
  const i = Math.floor(rand() * word.length);
  const c = word[i] as string;
  if (kind === "deletion" && word.length > 1) return word.slice(0, i) + word.slice(i + 1);
  if (kind === "double") return word.slice(0, i + 1) + c + word.slice(i + 1);
  if (kind === "swap" && word.length > 1) {
    const j = Math.min(i, word.length - 2);
    if (word[j] !== word[j + 1]) return word.slice(0, j) + word[j + 1] + word[j] + word.slice(j + 2);
  }
  const near = NEIGHBOURS.get(c) ?? "";
  const other = near ? (near[Math.floor(rand() * near.length)] as string) : c === "a" ? "z" : "a";
  return word.slice(0, i) + other + word.slice(i + 1);
}

/** How each set is drawn; the held-out sets change the weights, so as not to tune on one generator. */
interface TypoParameters {
  seed: number;
  slips: Array<[Slip, number]>;
  /** The share of queries with the postcode. */
  postcode: number;
  /** The longest word a "short word" is. */
  short: number;
}
const TUNE: TypoParameters = { seed: 1789, slips: [["neighbour", 0.4], ["deletion", 0.3], ["double", 0.15], ["swap", 0.15]], postcode: 0.5, short: 4 };
const HELD_OUT: TypoParameters = { seed: 1871, slips: [["neighbour", 0.25], ["deletion", 0.35], ["double", 0.2], ["swap", 0.2]], postcode: 0.3, short: 3 };

function pickSlip(p: TypoParameters, rand: () => number): Slip {
  let x = rand();
  for (const [kind, weight] of p.slips) if ((x -= weight) < 0) return kind;
  return "neighbour";
}

/** Held-out addresses: the streets of one in five hashes, never drawn for tuning. */
function heldOut(record: AddressRecord): boolean {
  let hash = 2166136261;
  for (const c of streetIdOf(record.id)) hash = Math.imul(hash ^ c.charCodeAt(0), 16777619);
  return (hash >>> 0) % 5 === 0;
}

/** The street's name with one set's typos, or undefined when the name has no word to make them in. */
function typed(street: string, kind: TypoKind, p: TypoParameters, rand: () => number): string | undefined {
  const words = fold(street).split(" ");
  const at = (test: (w: string) => boolean) => {
    const found = words.map((w, i) => [w, i] as const).filter(([w]) => test(w));
    return found.length === 0 ? undefined : (found[Math.floor(rand() * found.length)] as readonly [string, number])[1];
  };
  if (kind === "short-word") {
    const i = at((w) => w.length <= p.short && !/^\d+$/.test(w));
    if (i === undefined) return undefined;
    words[i] = slip(words[i] as string, pickSlip(p, rand), rand);
  } else if (kind === "any-word") {
    const i = at((w) => !/^\d+$/.test(w));
    if (i === undefined) return undefined;
    words[i] = slip(words[i] as string, pickSlip(p, rand), rand);
  } else if (kind === "two-in-one-word") {
    // Two typos in a word of 7 letters or more (in a shorter one, they leave too little of it).
    const i = at((w) => w.length >= 7);
    if (i === undefined) return undefined;
    const once = slip(words[i] as string, pickSlip(p, rand), rand);
    let twice = slip(once, pickSlip(p, rand), rand);
    for (let n = 0; n < 5 && editDistance(twice, words[i] as string, 2) < 2; n++) twice = slip(once, pickSlip(p, rand), rand);
    words[i] = twice;
  } else {
    // A small word glued to the next ("del'universite", "dela roquette"), two words glued, or one split.
    const r = rand();
    if (r < 0.4) {
      const i = at((w) => STOPWORDS.has(w));
      if (i === undefined || i + 1 >= words.length) return undefined;
      words.splice(i, 2, `${words[i]}${rand() < 0.5 ? "'" : ""}${words[i + 1]}`);
    } else if (r < 0.7) {
      const i = at((w) => w.length >= 3 && !STOPWORDS.has(w));
      if (i === undefined || i + 1 >= words.length || STOPWORDS.has(words[i + 1] as string)) return undefined;
      words.splice(i, 2, `${words[i]}${words[i + 1]}`);
    } else {
      const i = at((w) => w.length >= 6);
      if (i === undefined) return undefined;
      const w = words[i] as string;
      const cut = 2 + Math.floor(rand() * (w.length - 3));
      words[i] = `${w.slice(0, cut)} ${w.slice(cut)}`;
    }
  }
  return words.join(" ");
}

/** The sets of typos, drawn from the tuning addresses or from the held-out ones. */
function typedQueries(records: AddressRecord[], perKind: number, set: "tune" | "held-out"): Query[] {
  const p = set === "tune" ? TUNE : HELD_OUT;
  const rand = random(p.seed);
  const numbers = records.filter((r) => r.type === "housenumber" && heldOut(r) === (set === "held-out"));
  const queries: Query[] = [];
  for (const { kind } of TYPO_KINDS) {
    for (let n = 0, tries = 0; n < perKind && tries < perKind * 50; tries++) {
      const r = numbers[Math.floor(rand() * numbers.length)] as AddressRecord;
      const street = typed(r.street as string, kind, p, rand);
      if (street === undefined) continue;
      const q = `${r.housenumber} ${street}${rand() < p.postcode ? ` ${r.postcode}` : ""}`;
      queries.push({ kind: `${kind}:${set}`, q, expect: r.id });
      n++;
    }
  }
  return queries;
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
  for (const { kind } of KINDS.slice(0, 9)) {
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
  // The current sets first, drawn as before, so that their figures stay comparable.
  return [...queries, ...typedQueries(records, perKind, "tune"), ...typedQueries(records, perKind, "held-out")];
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
  /** The same, on the sets drawn before the typo sets (kinds without a ":"), for comparison with earlier runs. */
  before: { qps: number; p50: number; p99: number };
  accuracy: Record<Kind, number>;
  /** The share of queries answered with nothing at all (every query's address exists). */
  empty: Record<Kind, number>;
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
  const earlier: number[] = [];
  const hits: Record<string, number> = {};
  const counts: Record<string, number> = {};
  const missed: Record<string, number> = {};
  const empties: Record<string, number> = {};
  const total = performance.now();
  for (const q of queries) {
    const t = performance.now();
    const found = e.search(q.q, 5);
    latencies.push(performance.now() - t);
    if (!q.kind.includes(":")) earlier.push(latencies[latencies.length - 1]!);
    const top = q.kind.startsWith("prefix") ? 5 : 1;
    counts[q.kind] = (counts[q.kind] ?? 0) + 1;
    if (found.length === 0) empties[q.kind] = (empties[q.kind] ?? 0) + 1;
    // The held-out sets' misses are never printed: they are not looked at while tuning.
    if (found.slice(0, top).includes(q.expect)) hits[q.kind] = (hits[q.kind] ?? 0) + 1;
    else if (!q.kind.endsWith(":held-out") && (missed[q.kind] = (missed[q.kind] ?? 0) + 1) <= Number(args.misses)) console.error(`${name} ${q.kind}: « ${q.q} » → ${found.slice(0, top).join(", ")} (attendu ${q.expect})`);
  }
  const elapsed = performance.now() - total;
  latencies.sort((a, b) => a - b);
  earlier.sort((a, b) => a - b);
  const earlierMs = earlier.reduce((sum, ms) => sum + ms, 0);
  const share = (of: Record<string, number>) => Object.fromEntries(Object.keys(counts).map((k) => [k, (of[k] ?? 0) / (counts[k] as number)])) as Record<Kind, number>;
  const accuracy = share(hits);
  const empty = share(empties);
  const result: QueryResult = {
    loadMs,
    heapMB,
    qps: (queries.length / elapsed) * 1000,
    p50: latencies[Math.floor(latencies.length * 0.5)] as number,
    p99: latencies[Math.floor(latencies.length * 0.99)] as number,
    before: { qps: (earlier.length / earlierMs) * 1000, p50: earlier[Math.floor(earlier.length * 0.5)] as number, p99: earlier[Math.floor(earlier.length * 0.99)] as number },
    accuracy,
    empty,
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
  if (args["show-queries"]) {
    for (const q of queries) if (!q.kind.endsWith(":held-out")) console.log(`${q.kind}\t${q.q}`);
    return;
  }
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
  console.log(row("requêtes/s, sortes sans les jeux de fautes", (r) => r.before.qps.toFixed(0)));
  console.log(row("latence p50 / p99, sortes sans les jeux de fautes", (r) => `${r.before.p50.toFixed(2)} / ${r.before.p99.toFixed(2)} ms`));
  // Accuracy, and the share of queries answered with nothing although their address exists.
  const percent = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)} %`;
  for (const { kind, label } of KINDS) {
    if (kind in (results[cols[0] as string]?.accuracy ?? {})) console.log(row(label, (r) => `${(r.accuracy[kind] ?? 0).toFixed(2)} · ∅ ${percent(r.empty[kind] ?? 0)}`));
  }
  const ours = results.ours;
  if (ours && fastestPeer) {
    const peer = results[fastestPeer] as BuildResult & QueryResult;
    console.log(`\nrapports (nous / ${fastestPeer}, le pair le plus rapide) : requêtes/s ×${(ours.qps / peer.qps).toFixed(2)} ; chargement ×${(ours.loadMs / peer.loadMs).toFixed(2)} ; mémoire ×${(ours.heapMB / peer.heapMB).toFixed(2)}`);
  }
}

if (args.child) await child();
else await main();
