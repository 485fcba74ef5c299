// npm run bench:abuse [-- --count 20000 --seed 20261130 --peer-count 4000 --concurrency 32]
// What the functions cost while they refuse. The seeded hostile requests of tests/support/fuzz.ts
// (oversized or chunked bodies, lying Content-Length, bad content types, invalid UTF-8, unknown
// forms, other sites' pages, floods from one client, address queries of garbage), `--count` of
// them to each handler (submit, address), in-process, on a real disk store in a temporary folder:
// 1. the invariants of tests/fuzz.test.ts hold for each answer (no 5xx, nosniff, a body, a body
//    never read past the limit and one chunk) and nothing is stored: exit 1 otherwise;
// 2. requests per second handled while refusing, by kind of refusal (handler time only, one at a
//    time, reading the answer included);
// 3. the peer, in the same run: "read everything first", the same submit handler behind the naive
//    reading a function usually starts with (`await req.arrayBuffer()`, or `req.formData()` for
//    multipart) and only then answering 413/400 or handing the bytes on. Both run the same
//    `--peer-count` oversized or garbage bodies, all streamed and counted, `--concurrency` at a
//    time, each in a fresh process so that its peak RSS is its own: requests/s, bytes read from
//    the clients, peak memory, and the ratios ours/peer.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadIndex } from "../lib/address/index-file.ts";
import { MAX_BODY_BYTES } from "../lib/answers/body.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { readPublishedForms } from "../lib/forms/published.ts";
import { jsonResponse } from "../lib/site/headers.ts";
import {
  addressCase,
  fuzzTargets,
  runCase,
  statusSummary,
  storeViolations,
  submitCase,
  type FuzzCase,
  type Handler,
  type SubmitKind,
} from "../tests/support/fuzz.ts";
import { burst } from "./burst.ts";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    seed: { type: "string", default: "20261130" },
    "peer-count": { type: "string" },
    concurrency: { type: "string", default: "32" },
    /** Internal: run one side of the comparison in this process and print its figures as JSON. */
    role: { type: "string" },
  },
});
const COUNT = Number(args.count);
const SEED = Number(args.seed) >>> 0;
const PEER_COUNT = Number(args["peer-count"] ?? Math.max(100, Math.round(COUNT / 5)));
const CONCURRENCY = Number(args.concurrency);
if (!(COUNT >= 1 && PEER_COUNT >= 1 && CONCURRENCY >= 1)) {
  console.error("--count, --peer-count et --concurrency doivent être des nombres positifs.");
  process.exit(2);
}

/** The bodies both sides of the comparison get: too large, or not a submission at all. */
const PEER_KINDS: readonly SubmitKind[] = ["oversized", "content-type", "malformed", "encoding"];

const forms = await readPublishedForms().catch(() => {
  console.error("build/forms.json manque : lancez d'abord npm run build.");
  process.exit(2);
});

const fmt = (n: number, digits = 0) => n.toLocaleString("fr-FR", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1_048_576, 1)} Mo`;

// ---------------------------------------------------------------------------------------------
// The peer: read everything first.

const TOO_LARGE = `Réponse trop volumineuse (${MAX_BODY_BYTES / 1024} Kio au plus).`;

/**
 * The naive reading: the whole body in memory before anything is checked (size, form, method,
 * content type), then 413 if it was too large, 400 if it could not be parsed, and otherwise the
 * same bytes handed to the same handler, which does the rest of the work exactly as ours.
 */
function readEverythingFirst(handler: Handler): Handler {
  return async (req) => {
    if (req.method === "GET" || req.method === "HEAD") return handler(req);
    const headers = new Headers(req.headers);
    headers.delete("content-length");
    let body: ArrayBuffer | FormData;
    let size: number;
    if ((req.headers.get("content-type") ?? "").toLowerCase().includes("multipart/form-data")) {
      try {
        body = await req.formData();
      } catch {
        return jsonResponse(400, { error: "Le formulaire envoyé est illisible." });
      }
      size = 0;
      for (const [name, value] of body) size += Buffer.byteLength(name) + (typeof value === "string" ? Buffer.byteLength(value) : value.size);
      headers.delete("content-type"); // the FormData gets a boundary of its own
    } else {
      body = await req.arrayBuffer();
      size = body.byteLength;
    }
    if (size > MAX_BODY_BYTES) return jsonResponse(413, { error: TOO_LARGE });
    return handler(new Request(req.url, { method: req.method, headers, body }));
  };
}

// ---------------------------------------------------------------------------------------------
// One side of the comparison, in a process of its own.

interface SideResult {
  role: "ours" | "peer";
  requests: number;
  wallMs: number;
  /** Bytes pulled from the clients' bodies. */
  pulled: number;
  /** Bytes the clients offered. */
  offered: number;
  statuses: Record<string, number>;
  violations: string[];
  violationCount: number;
  baselineRssKb: number;
  peakRssKb: number;
}


async function side(role: "ours" | "peer"): Promise<SideResult> {
  const dir = await mkdtemp(join(tmpdir(), `kit-bench-abuse-${role}-`));
  const store = new DiskAnswerStore(dir);
  const ours = createSubmitHandler({ forms, store });
  const handler = role === "ours" ? ours : readEverythingFirst(ours);
  const cases = Array.from({ length: PEER_COUNT }, (_, i) => submitCase(SEED, i, { kinds: PEER_KINDS, alwaysStream: true }));
  // Warm-up on other requests, so that both sides start from compiled code and the same baseline.
  for (let i = 0; i < 50; i++) await runCase(handler, submitCase(SEED ^ 0x5eed, i, { kinds: ["malformed"], alwaysStream: true }));
  const baselineRssKb = process.resourceUsage().maxRSS;
  const result: SideResult = { role, requests: cases.length, wallMs: 0, pulled: 0, offered: 0, statuses: {}, violations: [], violationCount: 0, baselineRssKb, peakRssKb: 0 };
  result.wallMs = await burst(cases, CONCURRENCY, async (c) => {
    const outcome = await runCase(handler, c);
    result.pulled += outcome.pulled;
    result.offered += c.body?.length ?? 0;
    result.statuses[outcome.status] = (result.statuses[outcome.status] ?? 0) + 1;
    if (outcome.violations.length > 0) result.violationCount++;
    if (outcome.violations.length > 0 && result.violations.length < 10) result.violations.push(`${c.describe()}\n    → ${outcome.status} : ${outcome.violations.join(" ; ")}`);
  });
  result.peakRssKb = process.resourceUsage().maxRSS;
  await rm(dir, { recursive: true, force: true });
  return result;
}

if (args.role === "ours" || args.role === "peer") {
  console.log(JSON.stringify(await side(args.role)));
  process.exit(0);
}

function runSide(role: "ours" | "peer"): Promise<SideResult> {
  const argv = ["--role", role, "--count", String(COUNT), "--seed", String(SEED), "--peer-count", String(PEER_COUNT), "--concurrency", String(CONCURRENCY)];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", "bench/abuse.ts", ...argv], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    proc.on("error", reject);
    proc.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`${role} : sortie ${code}`));
      try {
        resolve(JSON.parse(last) as SideResult);
      } catch {
        reject(new Error(`${role} : réponse illisible ${last.slice(0, 200)}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 1 and 2: every generator, both handlers, the invariants, the time spent refusing.

const SUBMIT_REFUSALS: Record<number, string> = {
  413: "corps trop volumineux (413)",
  415: "type de contenu refusé (415)",
  404: "formulaire inconnu (404)",
  429: "limite de débit (429)",
  400: "corps illisible (400)",
  403: "autre site (403)",
  405: "méthode refusée (405)",
  422: "réponses à corriger (422)",
};
/** The kinds asked about first, in this order; the others follow. */
const HEADLINE = ["corps trop volumineux (413)", "type de contenu refusé (415)", "formulaire inconnu (404)", "limite de débit (429)", "adresse : requête invalide (400/405)"];

function refusalOf(c: FuzzCase, status: number): string | undefined {
  if (status === 429) return "limite de débit (429)";
  if (c.target === "address") return status === 400 || status === 405 ? "adresse : requête invalide (400/405)" : undefined;
  return SUBMIT_REFUSALS[status];
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

const index = await loadIndex();
const dir = await mkdtemp(join(tmpdir(), "kit-bench-abuse-"));
const store = new DiskAnswerStore(dir);
const targets = fuzzTargets({ forms, store, index });

console.log(`Graine ${SEED} : ${fmt(COUNT)} requêtes hostiles vers le gestionnaire d'envoi, autant vers celui des adresses (en mémoire, stockage sur disque dans ${dir})…`);
const durations = new Map<string, number[]>();
const statuses = { submit: new Map<number, number>(), address: new Map<number, number>() };
const violations: string[] = [];
let violationCount = 0;
let accepted = 0;
const started = performance.now();
for (let i = 0; i < COUNT; i++) {
  for (const c of [submitCase(SEED, i), addressCase(SEED, i)]) {
    const outcome = await targets.run(c);
    const counts = statuses[c.target];
    counts.set(outcome.status, (counts.get(outcome.status) ?? 0) + 1);
    if (c.target === "submit" && c.method.toUpperCase() === "POST" && (outcome.status === 201 || outcome.status === 303)) accepted++;
    if (outcome.violations.length > 0) {
      violationCount++;
      if (violations.length < 10) violations.push(`${c.describe()}\n    → ${outcome.status} : ${outcome.violations.join(" ; ")}`);
    }
    const refusal = refusalOf(c, outcome.status);
    if (refusal) {
      const list = durations.get(refusal) ?? [];
      list.push(outcome.ms);
      durations.set(refusal, list);
    }
  }
  if ((i + 1) % 5000 === 0 && i + 1 < COUNT) console.log(`  ${fmt(i + 1)}/${fmt(COUNT)} en ${fmt((performance.now() - started) / 1000, 1)} s`);
}
const stored = await storeViolations(store, accepted);
await rm(dir, { recursive: true, force: true });
console.log(`  fait en ${fmt((performance.now() - started) / 1000, 1)} s`);
console.log(`  envoi : ${statusSummary(statuses.submit)} (${accepted} pots de miel remplis, écartés sans rien garder)`);
console.log(`  adresse : ${statusSummary(statuses.address)}`);

console.log("\n| refus (gestionnaire seul, une requête à la fois) | requêtes | requêtes/s | p50 | p99 |");
console.log("|---|---|---|---|---|");
const kinds = [...HEADLINE, ...[...durations.keys()].filter((k) => !HEADLINE.includes(k)).sort()];
for (const kind of kinds) {
  const list = (durations.get(kind) ?? []).sort((a, b) => a - b);
  if (list.length === 0) {
    console.log(`| ${kind} | 0 | – | – | – |`);
    continue;
  }
  const total = list.reduce((sum, ms) => sum + ms, 0);
  console.log(`| ${kind} | ${fmt(list.length)} | ${fmt(list.length / (total / 1000))} | ${fmt(percentile(list, 0.5), 2)} ms | ${fmt(percentile(list, 0.99), 2)} ms |`);
}

// ---------------------------------------------------------------------------------------------
// 3: the peer.

console.log(`\nPair « tout lire d'abord » : ${fmt(PEER_COUNT)} corps trop gros ou illisibles (${PEER_KINDS.join(", ")}), tous en flux comptés, ${CONCURRENCY} à la fois, chaque côté dans un processus neuf…`);
const ours = await runSide("ours");
const peer = await runSide("peer");
const rate = (r: SideResult) => r.requests / (r.wallMs / 1000);
const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? "×1" : "∞") : `×${fmt(a / b, 2)}`);
const statusText = (r: SideResult) => statusSummary(new Map(Object.entries(r.statuses).map(([s, n]) => [Number(s), n])));
console.log("\n| mesure | nous (lecture bornée) | pair (tout lire d'abord) | nous / pair |");
console.log("|---|---|---|---|");
console.log(`| requêtes/s | ${fmt(rate(ours))} | ${fmt(rate(peer))} | ${ratio(rate(ours), rate(peer))} |`);
console.log(`| octets lus (proposés : ${mb(ours.offered)}) | ${mb(ours.pulled)} | ${mb(peer.pulled)} | ${ratio(ours.pulled, peer.pulled)} |`);
console.log(`| octets lus par requête | ${fmt(ours.pulled / ours.requests)} | ${fmt(peer.pulled / peer.requests)} | |`);
console.log(`| pic de mémoire (RSS) | ${mb(ours.peakRssKb * 1024)} | ${mb(peer.peakRssKb * 1024)} | ${ratio(ours.peakRssKb, peer.peakRssKb)} |`);
console.log(`| hausse du pic pendant la rafale | ${mb((ours.peakRssKb - ours.baselineRssKb) * 1024)} | ${mb((peer.peakRssKb - peer.baselineRssKb) * 1024)} | ${ratio(ours.peakRssKb - ours.baselineRssKb, peer.peakRssKb - peer.baselineRssKb)} |`);
console.log(`| statuts | ${statusText(ours)} | ${statusText(peer)} | |`);

// ---------------------------------------------------------------------------------------------
// Verdict

const failures = [...violations, ...stored.map((v) => `stockage : ${v}`), ...ours.violations.map((v) => `comparaison, nous : ${v}`)];
const total = violationCount + stored.length + ours.violationCount;
if (peer.violationCount > 0) console.log(`\n(Le pair enfreint les invariants de lecture sur ${fmt(peer.violationCount)} requêtes sur ${fmt(peer.requests)} : attendu, il lit tout avant de refuser.)`);
if (total > 0) {
  console.error(`\nÉCHEC : ${total} invariant(s) enfreint(s), graine ${SEED}.\n${failures.slice(0, 10).join("\n")}`);
  process.exit(1);
}
console.log(`\nInvariants tenus sur ${fmt(2 * COUNT + PEER_COUNT)} requêtes : aucun 5xx, nosniff partout, aucun corps lu au-delà de la limite, rien d'enregistré.`);
