// Hostile requests for two more read-only handlers, from a seed as in fuzz.ts (whose helpers they
// share): the citizen's receipt (/<form>/merci/?recu=<token>, lib/answers/receipt.ts) and the
// commune search (/api/communes, lib/places/api.ts). Each case says the status it must get, decided
// from the request as the platform parses it (and, for the receipt, from the tokens the case signed
// itself); the runners check that and what each answer must hold.
// Used by tests/fuzz.test.ts.
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Answer } from "../../lib/answers/answer.ts";
import { answerReference, createReceiptHandler } from "../../lib/answers/receipt.ts";
import { issueReceiptToken, RECEIPT_LIFETIME_MS, RECEIPT_PARAM } from "../../lib/answers/receipt-token.ts";
import type { DiskAnswerStore } from "../../lib/answers/store.ts";
import type { PublishedForms } from "../../lib/forms/published.ts";
import { createCommunesHandler } from "../../lib/places/api.ts";
import type { CommuneIndex } from "../../lib/places/communes.ts";
import { COMMUNES_DEFAULT_LIMIT, COMMUNES_MAX_LIMIT } from "../../lib/places/geo-api.ts";
import { createRateLimiter, RATE_LIMITS } from "../../lib/site/rate-limit.ts";
import {
  BAD_SLUGS,
  bytesOf,
  caseSeed,
  chunkFor,
  describeCase,
  encodeQueryValue,
  FUZZ_ORIGIN,
  FUZZ_T0,
  headerSafe,
  makeRequest,
  nastyString,
  PAGE_METHODS,
  pageHeaders,
  Rng,
  runCase,
  virtualBody,
  type BodyInfo,
  type FuzzCase,
  type Handler,
  type Outcome,
} from "./fuzz.ts";
import { SAMPLE_FORM, SAMPLE_KEYS } from "./sample.ts";

/** A query parameter as sent: its name and value, encoded (or not) when the URL is written. */
type Param = [string, string];

function queryOf(rng: Rng, params: readonly Param[]): string {
  return params.map(([k, v]) => `${encodeQueryValue(rng, k)}=${encodeQueryValue(rng, v)}`).join("&");
}

/** A body for a method that may carry one (never to be read: both handlers refuse it unread). */
function strayBody(rng: Rng, method: string): { body: ReturnType<typeof virtualBody>; info: BodyInfo; chunk: number } | undefined {
  if (["GET", "HEAD"].includes(method.toUpperCase()) || !rng.chance(0.4)) return undefined;
  const body = virtualBody(bytesOf("recu="), bytesOf("a"), rng.pick([0, 100, 100_000]));
  const chunk = chunkFor(rng, body.length);
  return { body, chunk, info: { format: "text", contentType: null, length: body.length, delivery: "stream", chunk, contentLength: null, note: "" } };
}

// ---------------------------------------------------------------------------------------------
// Receipt (/<form>/merci/?recu=<token>)

/** The other published form: a token for one form is nothing to the other. */
export const RECEIPT_OTHER_FORM = "aide-velo";
export const RECEIPT_FORMS: readonly string[] = [SAMPLE_FORM, RECEIPT_OTHER_FORM];

/** One answer stored before the run in each form, each with a value found nowhere else. */
export interface StoredReceiptAnswer {
  form: string;
  id: string;
  key: string;
  value: string;
}

export const RECEIPT_ANSWERS: readonly StoredReceiptAnswer[] = [
  { form: SAMPLE_FORM, id: "7a11e7a11e7a11e7a11e7a11", key: SAMPLE_KEYS.firstName, value: "Zephyrin-Fuiteclef-7319" },
  { form: RECEIPT_OTHER_FORM, id: "b1c0b1c0b1c0b1c0b1c0b1c0", key: "recQVeloPrenom090", value: "Ombeline-Fuiteclef-4682" },
];
/** An answer id no store holds: a deleted answer, or a bot's never stored. */
export const RECEIPT_UNKNOWN_ID = "0ddba1100ddba1100ddba110";
const KNOWN_IDS = [...RECEIPT_ANSWERS.map((a) => a.id), RECEIPT_UNKNOWN_ID];

/** Each case sets the receipt's clock somewhere in the 3 days from here. */
export const RECEIPT_T0 = FUZZ_T0;

export const receiptAnswer = (a: StoredReceiptAnswer): Answer => ({
  id: a.id,
  form: a.form,
  submittedAt: new Date(RECEIPT_T0 - 60_000).toISOString(),
  source: "web",
  values: { [a.key]: a.value },
});

export type ReceiptKind = "valid" | "token" | "method" | "path" | "headers";
export const RECEIPT_KIND_WEIGHTS: Readonly<Record<ReceiptKind, number>> = { valid: 20, token: 40, method: 10, path: 20, headers: 10 };

export interface ReceiptFuzzCase extends FuzzCase<"receipt", ReceiptKind> {
  /** The receipt's clock for this request. */
  at: number;
  expectStatus: 200 | 404 | 405 | 410;
  /** The stored answer whose values the answer may show (and, to a GET, must); none without a valid token naming it. */
  shows?: StoredReceiptAnswer;
  /** The answer id whose reference the answer may show (and, to a GET, must): a token signed for the form, expired or not. */
  reveals?: string;
}

/** What the case signed: a token for `form` naming `id`, good until `expiresAt`. */
interface Signed {
  form: string;
  id: string;
  expiresAt: number;
}

const HEX = "0123456789abcdef";
const DIGITS = "0123456789";
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** One character changed, for another of its part's alphabet: the shape holds, the signature does not. */
function flipped(rng: Rng, token: string): string {
  const i = rng.int(0, token.length - 1);
  const [id = "", expires = ""] = token.split(".");
  const alphabet = i < id.length ? HEX : i === id.length || i === id.length + 1 + expires.length ? ".-_x" : i < id.length + 1 + expires.length ? DIGITS : BASE64URL;
  let c = rng.pick([...alphabet]);
  while (c === token[i]) c = rng.pick([...alphabet]);
  return `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
}

const randomOf = (rng: Rng, alphabet: string, n: number) => Array.from({ length: n }, () => rng.pick([...alphabet])).join("");

const TOKEN_GARBAGE = [
  " ", "+", "%", "%zz", "%E9%", "null", "undefined", "0", "-1", "true", "[]", "{}", "__proto__", "constructor", "toString", "../../etc/passwd", "..%2F..%2Fetc",
  '{"id":"7a11e7a11e7a11e7a11e7a11"}', "7a11e7a11e7a11e7a11e7a11", "7a11e7a11e7a11e7a11e7a11.", "..", ".9999999999.", "<script>alert(1)</script>", "\u0000", "\u202e",
  "😀", "é", "7A11-E7A1", "7a11e7a11e7a11e7a11e7a11.9999999999.AAAAAAAAAAAAAAAAAAAAAA", "7a11e7a11e7a11e7a11e7a11.99999999999.AAAAAAAAAAAAAAAAAAAAAA",
];

/**
 * Writes the receipt's recu values: the first decides (searchParams.get), the rest are noise.
 * Tokens are signed with `key` for a time around `at`; `signed` learns each real one.
 */
function recuValue(rng: Rng, key: string, form: string, at: number, signed: Map<string, Signed>, valid: boolean): { value: string | null; note: string; at?: number; encoded?: boolean } {
  const other = form === SAMPLE_FORM ? RECEIPT_OTHER_FORM : SAMPLE_FORM;
  const own = RECEIPT_ANSWERS.find((a) => a.form === form)?.id ?? RECEIPT_UNKNOWN_ID;
  const sign = (forForm: string, id: string, issuedAt: number, lifetime = RECEIPT_LIFETIME_MS, withKey = key) => {
    const token = issueReceiptToken(withKey, forForm, id, issuedAt, lifetime);
    if (withKey === key) signed.set(token, { form: forForm, id, expiresAt: Number(token.split(".")[1]) * 1000 });
    return token;
  };
  const fresh = () => at - rng.int(0, RECEIPT_LIFETIME_MS - 1);
  if (valid) return { value: sign(form, own, fresh()), note: "jeton valide" };
  switch (rng.int(0, 21)) {
    case 0:
      return { value: sign(form, own, fresh()), note: "jeton valide" };
    case 1:
      return { value: sign(form, rng.pick(KNOWN_IDS), fresh()), note: "jeton valide, réponse quelconque" };
    case 2:
      return { value: sign(form, own, at - RECEIPT_LIFETIME_MS - rng.pick([1000, rng.int(1000, 30 * 86_400_000)])), note: "jeton expiré" };
    case 3: {
      // At the edge: a millisecond before its end, at it, just after.
      const token = sign(form, own, at - rng.int(0, 86_400_000));
      const edge = (signed.get(token)?.expiresAt ?? at) + rng.pick([-1, 0, 1]);
      return { value: token, note: `jeton à la limite (${edge - (signed.get(token)?.expiresAt ?? 0)} ms)`, at: edge };
    }
    case 4:
      return { value: flipped(rng, sign(form, own, fresh())), note: "jeton valide, un caractère changé" };
    case 5:
      return { value: sign(other, rng.pick(KNOWN_IDS), fresh()), note: "jeton signé pour l'autre formulaire" };
    case 6:
      return { value: sign(form, own, fresh(), RECEIPT_LIFETIME_MS, "une autre clef"), note: "jeton signé d'une autre clef" };
    case 7: {
      const token = sign(form, own, fresh());
      const damaged = rng.pick([
        token.slice(0, rng.int(1, token.length - 1)), `${token}${rng.pick(["A", "=", "==", ".", " ", "\n", "\t", "%20", "0"])}`, ` ${token}`, token.toUpperCase(),
        `${token}.${token}`, `recu=${token}`, token.replace(/\./g, rng.pick(["", "_", ",", "%2E"])), token.replace(/^[a-f0-9]{24}/, (id) => id.toUpperCase()),
      ]);
      return { value: damaged, note: "jeton valide, abîmé" };
    }
    case 8: {
      // Every character percent-encoded (when first): the same token once decoded.
      return { value: sign(form, own, fresh()), note: "jeton valide, encodé", encoded: true };
    }
    case 9:
      return { value: sign(form, own, at + rng.int(0, 86_400_000), 10 * 365 * 86_400_000), note: "jeton signé, valable dix ans" };
    case 10:
      return { value: rng.pick([null, null, ""]), note: "sans jeton" };
    case 11:
      return { value: `${randomOf(rng, HEX, 24)}.${randomOf(rng, DIGITS, rng.pick([10, 11]))}.${randomOf(rng, BASE64URL, 22)}`, note: "jeton bien formé, jamais signé" };
    case 12:
      return { value: rng.pick(["a", "7", "%", "."]).repeat(rng.pick([100, 5000, 100_000])), note: "très long" };
    case 13:
      return { value: `${sign(form, own, fresh())}${"A".repeat(rng.pick([1, 1000, 50_000]))}`, note: "jeton valide, rallongé" };
    case 14:
      return { value: sign(other, own, fresh()), note: "jeton signé pour l'autre formulaire, même réponse" };
    case 15:
      return { value: sign(form, own, at - RECEIPT_LIFETIME_MS - rng.int(1000, 86_400_000)).replace(/\.\d+\./, `.${Math.ceil((at + RECEIPT_LIFETIME_MS) / 1000)}.`), note: "jeton expiré, échéance repoussée" };
    default:
      return { value: rng.chance(0.5) ? rng.pick(TOKEN_GARBAGE) : nastyString(rng, 5), note: "n'importe quoi" };
  }
}

const receiptPaths = (form: string): { main: string[]; other: string[] } => ({
  main: [`/${form}/merci/`, `/${form}/merci`, `/x/../${form}/merci/`, `/${form}/./merci/`, `/${form}/merci/./`, `/${form}/%2e/merci/`],
  other: [
    `/${form}/merci//`, `//${form}/merci/`, `/${form}//merci/`, `/${form.toUpperCase()}/merci/`, `/${form}/MERCI/`, `/${form}/merci/index.html`, `/${form}/merci/x`,
    `/${form}%2Fmerci/`, `/${form}/merci%2F`, `/${form}/merci%00/`, `/${form}%00/merci/`, `/${form}/merci/..`, `/${form}/merci/%2e%2e`, `/${form}/`, `/${form}/formulaire/merci/`,
    `/${form}/courte/merci/`, "/merci/", "//merci/", "/", "/merci", `/api/submit/${form}`, "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd/merci/", `/${form}/merci/${"../".repeat(50)}`,
    `/${"a-".repeat(5000)}a/merci/`, `/${form}-/merci/`, `/${form};x=1/merci/`, `/${form}/merci;x=1/`, `/${form}/merci/\u0000`, "/constructor/merci/", "/__proto__/merci/",
  ],
});

export interface ReceiptCaseOptions {
  /** The build's signing key (PublishedForms.signingKey): the tokens the handler takes. */
  signingKey: string;
}

export function receiptCase(seed: number, index: number, { signingKey }: ReceiptCaseOptions): ReceiptFuzzCase {
  const rng = new Rng(caseSeed(seed, index, 6));
  const kind = rng.weighted(RECEIPT_KIND_WEIGHTS);
  const method = kind === "method" ? rng.pick([...PAGE_METHODS, "GET", "HEAD", "get", "head"]) : rng.chance(0.85) ? "GET" : rng.pick(["HEAD", "head", "get"]);
  const form = rng.chance(0.75) ? SAMPLE_FORM : RECEIPT_OTHER_FORM;
  const paths = receiptPaths(form);
  const path = kind !== "path" ? (rng.chance(0.9) ? paths.main[0]! : rng.pick(paths.main)) : rng.chance(0.3) ? rng.pick(paths.main) : rng.chance(0.6) ? rng.pick(paths.other) : `/${rng.pick(BAD_SLUGS)}/merci/`;

  let at = RECEIPT_T0 + rng.int(0, 3 * 86_400_000);
  const signed = new Map<string, Signed>();
  const first = recuValue(rng, signingKey, form, at, signed, kind === "valid" || (kind !== "token" && rng.chance(0.5)));
  if (first.at !== undefined) at = first.at;
  const params: Param[] = [];
  if (kind !== "token" && rng.chance(0.3)) params.push([rng.pick(["utm_source", "ref", "x", "RECU", "recu[]", "Recu", ""]), nastyString(rng, 2)]);
  if (first.value !== null) params.push([RECEIPT_PARAM, first.value]);
  const notes = [first.note];
  if (kind === "token" && rng.chance(0.25)) {
    const n = rng.pick([1, 2, 5, 50, 500]);
    for (let i = 0; i < n; i++) params.push([RECEIPT_PARAM, recuValue(rng, signingKey, form, at, signed, rng.chance(0.5)).value ?? ""]);
    notes.push(`${n} autre(s) recu`);
  }
  let query: string;
  if (first.encoded && first.value) {
    const all = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("");
    query = params.map(([k, v]) => (k === RECEIPT_PARAM && v === first.value ? `${k}=${all(v)}` : `${encodeQueryValue(rng, k)}=${encodeQueryValue(rng, v)}`)).join("&");
  } else query = queryOf(rng, params);
  if (rng.chance(0.05)) query += rng.pick(["&", "&=", "#frag", "&%zz", `&${RECEIPT_PARAM}`, "&a=%E9%"]);
  if (first.value === null && rng.chance(0.3)) query = rng.pick([RECEIPT_PARAM, `${RECEIPT_PARAM}=`, `${RECEIPT_PARAM}&${RECEIPT_PARAM}=x`, `${RECEIPT_PARAM.toUpperCase()}=x`]);
  const url = `${FUZZ_ORIGIN}${path}${query ? `?${query}` : ""}`;
  const headers = pageHeaders(rng, kind === "headers" || rng.chance(0.2));
  const stray = strayBody(rng, method);

  // What the platform hands the function, and what that must get.
  const probe = new Request(url, { method, headers });
  const parsed = new URL(probe.url);
  const pageForm = RECEIPT_FORMS.find((f) => parsed.pathname === `/${f}/merci/` || parsed.pathname === `/${f}/merci`);
  const recu = parsed.searchParams.get(RECEIPT_PARAM);
  const token = recu ? signed.get(recu) : undefined;
  let expectation: Pick<ReceiptFuzzCase, "expectStatus" | "shows" | "reveals">;
  if (probe.method !== "GET" && probe.method !== "HEAD") expectation = { expectStatus: 405 };
  else if (!pageForm) expectation = { expectStatus: 404 };
  else if (!recu) expectation = { expectStatus: 200 };
  else if (!token || token.form !== pageForm) expectation = { expectStatus: 404 };
  else if (at >= token.expiresAt) expectation = { expectStatus: 410, reveals: token.id };
  else expectation = { expectStatus: 200, reveals: token.id, shows: RECEIPT_ANSWERS.find((a) => a.form === pageForm && a.id === token.id) };

  const base = { target: "receipt" as const, seed, index, kind, method, url, headers, body: stray?.info, honeypot: false, limited: false, clockStep: 0 };
  const said = `${describeCase(base)} (${notes.join(", ")}, à ${new Date(at).toISOString()}) → attendu ${expectation.expectStatus}${expectation.shows ? `, avec les réponses ${expectation.shows.id}` : ""}`;
  return {
    ...base,
    ...expectation,
    at,
    request: () => makeRequest(method, url, headers, stray ? { body: stray.body, delivery: "stream", chunk: stray.chunk } : undefined),
    describe: () => said,
  };
}

export interface ReceiptFuzzTargets {
  handler: Handler;
  /** Runs the case at its own time and checks the answer against what it expects. */
  run(c: ReceiptFuzzCase): Promise<Outcome>;
}

/** The real receipt handler on `store` (holding RECEIPT_ANSWERS: see storeReceiptAnswers), its clock injected. */
export function receiptFuzzTargets({ forms, store }: { forms: PublishedForms; store: DiskAnswerStore }): ReceiptFuzzTargets {
  let clock = RECEIPT_T0;
  const handler = createReceiptHandler({ forms, store, now: () => clock });
  return {
    handler,
    async run(c) {
      clock = c.at;
      const { response, text = "", ...outcome } = await runCase(handler, c);
      const v = outcome.violations;
      if (![200, 404, 405, 410].includes(outcome.status)) v.push(`statut ${outcome.status}, hors de 200/404/405/410`);
      else if (outcome.status !== c.expectStatus) v.push(`statut ${outcome.status}, ${c.expectStatus} attendu`);
      if (!response) return outcome;
      const header = (name: string) => response.headers.get(name) ?? "";
      if (!header("cache-control").includes("no-store")) v.push(`cache-control: ${header("cache-control")}`);
      if (header("referrer-policy") !== "no-referrer") v.push(`referrer-policy: ${header("referrer-policy")}`);
      if (!header("content-type").startsWith("text/html")) v.push(`content-type: ${header("content-type")}`);
      if (outcome.status === 405 && header("allow") !== "GET, HEAD") v.push(`405 avec allow: ${header("allow")}`);
      const method = new Request(c.url, { method: c.method }).method;
      const get = method === "GET";
      if (method === "HEAD" && text !== "") v.push(`HEAD avec un corps de ${text.length} caractères`);
      for (const answer of RECEIPT_ANSWERS) {
        if (text.includes(answer.value) && c.shows !== answer) v.push(`fuite : la réponse ${answer.id} (${answer.form}) montrée sans jeton valide pour elle`);
        if (!text.includes(answer.value) && c.shows === answer && get && outcome.status === 200) v.push(`récapitulatif absent : la réponse ${answer.id} n'est pas montrée`);
      }
      for (const id of KNOWN_IDS) {
        const reference = answerReference(id);
        if (text.includes(reference) && c.reveals !== id) v.push(`fuite : la référence ${reference} donnée sans jeton signé pour elle`);
        if (!text.includes(reference) && c.reveals === id && get && outcome.status === c.expectStatus) v.push(`référence ${reference} absente`);
      }
      return outcome;
    },
  };
}

export async function storeReceiptAnswers(store: DiskAnswerStore): Promise<void> {
  for (const answer of RECEIPT_ANSWERS) await store.put(receiptAnswer(answer));
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out;
}

/** A receipt only reads: the store holds the answers put before the run, as they were, and no other file. */
export async function receiptStoreViolations(store: DiskAnswerStore, filesBefore: readonly string[]): Promise<string[]> {
  const violations: string[] = [];
  const want = RECEIPT_ANSWERS.map(receiptAnswer);
  const got = await store.list();
  const key = (a: Answer) => `${a.form}/${a.id}`;
  if (JSON.stringify([...got].sort((a, b) => key(a).localeCompare(key(b)))) !== JSON.stringify([...want].sort((a, b) => key(a).localeCompare(key(b))))) {
    violations.push(`réponses changées : ${JSON.stringify(got).slice(0, 500)}`);
  }
  const files = (await filesUnder(store.dir)).sort();
  if (JSON.stringify(files) !== JSON.stringify([...filesBefore].sort())) violations.push(`fichiers changés : ${files.join(", ")} (avant : ${filesBefore.join(", ")})`);
  return violations;
}

export const receiptStoreFiles = (store: DiskAnswerStore): Promise<string[]> => filesUnder(store.dir);

// ---------------------------------------------------------------------------------------------
// Communes (/api/communes?q=…&limit=…)

export type CommunesKind = "query" | "limit" | "params" | "repeated" | "method" | "headers" | "plausible";
export const COMMUNES_KIND_WEIGHTS: Readonly<Record<CommunesKind, number>> = { query: 30, limit: 15, params: 10, repeated: 10, method: 10, headers: 10, plausible: 15 };

export interface CommunesFuzzCase extends FuzzCase<"communes", CommunesKind> {
  expectStatus: 200 | 204 | 400 | 405;
  /** 200: the most communes the answer may hold. */
  maxResults?: number;
  /** 200 to a GET: a known commune asked, at least one found. */
  expectFound?: boolean;
}

/** Known communes, as typed: each finds at least one. */
const PLAUSIBLE_COMMUNES = [
  "bondy", "BONDY", "Bondy (93140)", "93140", "75001", "paris", "Paris 11e", "Lyon", "marseille 1er", "st denis", "Saint-Étienne", "l'hay les roses", "Le Raincy",
  "raincy", "Y", "93", "974", "ajaccio", "é", "  bondy  ",
];

function communeQuery(rng: Rng): string | null {
  switch (rng.int(0, 13)) {
    case 0:
      return null;
    case 1:
      return rng.pick(["", " ", "\t", "\u00a0", "\u3000", "   ", "\ufeff"]);
    case 2:
      return rng.pick(["a", "Y", "1", "é", "😀", "-", "%", "2", "'", "ß", "\u0301"]);
    case 3:
      return rng.pick([
        "a".repeat(99), "a".repeat(100), "a".repeat(101), "a".repeat(1000), "a".repeat(100_000), "é".repeat(100), "é".repeat(101), "😀".repeat(50), "😀".repeat(51),
        `${" ".repeat(200)}bondy${" ".repeat(200)}`, `bondy ${"x".repeat(94)}`, "saint ".repeat(100), `${"9".repeat(99)}a`,
      ]);
    case 4:
      return rng.pick(["😀😀", "\u202ebondy", "中文", "العربية", "e\u0301", "ÉCOLE", "ﬁ", "𝕏𝕏", "\ufeffbondy", "ǅ", "İstanbul", "ß", "٩٣١٤٠", "１２３", "Ⅻ", "𝟗𝟑", "bondy\u200b", "b\u00adondy"]);
    case 5:
      return rng.pick(["\u0000", "bondy\u0000", "\u0001\u0002", "\u001b[2Jbondy", "\u007f", "\u0085bondy", "bo\u2028ndy", "\r\nbondy", "bondy\t93140", "\u0000".repeat(50)]);
    case 6:
      return rng.pick(["9", "93", "931", "9314", "93140", "931400", "0", "00000", "99999", "9".repeat(100), "1".repeat(101), "2A", "2a", "2B004", "2A004", "97411", "974", "0 0 0 0", "-93", "+93", "93.140", "1e5"]);
    case 7:
      return rng.pick(["93 140", "93140 Bondy", "Bondy 93140", "Bondy (93140)", "Bondy (75)", "75001", "Paris 11e", "Lyon 3ème arrondissement", "Marseille 1er", "St-Denis", "Ste Marie", "s/", "Neuilly s/ Seine", "L'Haÿ-les-Roses", "Le", "les", "l", "2a ajaccio", "ajaccio 2A", "93140 93140 93140"]);
    case 8:
      return nastyString(rng, 6);
    case 9:
      return rng.pick(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype", "__defineGetter__", "isPrototypeOf bondy"]);
    case 10:
      return rng.pick(["%", "%zz", "%E9%", "%C3", "%FF%FE", "%00abc", "100%", "%2525", "%u00e9"]);
    case 11:
      return rng.pick(["-", "---", "'", "()", "(93)", "*", ".", "_", "/", "//", "st", "st ", "ste-", " - ", "…", "«»"]);
    case 12:
      return rng.pick([".*", "^", "$", "[a-z]", "\\", "(?:", "a{1000}", "(a+)+$", "\\d+", "${q}", "{{q}}"]);
    default:
      return rng.pick(PLAUSIBLE_COMMUNES);
  }
}

const LIMIT_VALUES = [
  "", " ", "0", "-0", "-1", "-5", "1", "5", "20", "21", "100", "1.5", "2.0", "1e1", "1e400", "0x10", "0b11", "0o7", "Infinity", "-Infinity", "NaN", "abc", " 5 ", "9".repeat(400),
  "05", "+3", "2e-1", "１", "٣", "5abc", "1_0", "5,", "true", "[]", "null", "20.0000000000000001", "4.9999999999999999", "-0.0", "\u00a05", "3\u0000",
];
const OTHER_PARAMS = ["Q", "q ", "q[]", "query", "nom", "codePostal", "fields", "format", "boost", "type", "__proto__", "constructor", "callback", "_", "limit[]", "LIMIT", "", "😀", "limit%00"];

/** geo.api.gouv.fr's shape, exactly. */
const COMMUNE_KEYS = JSON.stringify(["code", "codeDepartement", "codesPostaux", "nom"]);
const INSEE = /^(\d{5}|2[AB]\d{3})$/;
const POSTCODE = /^\d{5}$/;
const DEPARTEMENT = /^(\d{2,3}|2[AB])$/;
/** What zod says when nobody told it what to say: English. */
const ENGLISH = /\b(invalid|expected|received|too (small|big)|must|string|number|required)\b/i;

export function communesCase(seed: number, index: number): CommunesFuzzCase {
  const rng = new Rng(caseSeed(seed, index, 7));
  const kind = rng.weighted(COMMUNES_KIND_WEIGHTS);
  const limited = rng.chance(0.3);
  const method = kind === "method" ? rng.pick([...PAGE_METHODS, "HEAD", "head", "OPTIONS", "options"]) : rng.chance(0.9) ? "GET" : rng.pick(["HEAD", "head", "get"]);
  const params: Param[] = [];
  const q = kind === "plausible" ? rng.pick(PLAUSIBLE_COMMUNES) : communeQuery(rng);
  if (q !== null) params.push(["q", q]);
  if (kind === "limit" || (kind !== "plausible" && rng.chance(0.2))) params.push(["limit", rng.chance(0.85) ? rng.pick(LIMIT_VALUES) : nastyString(rng, 3)]);
  else if (kind === "plausible" && rng.chance(0.5)) params.push(["limit", String(rng.int(1, COMMUNES_MAX_LIMIT))]);
  if (kind === "params" || rng.chance(0.05)) for (let i = rng.int(1, 5); i > 0; i--) params.push([rng.pick(OTHER_PARAMS), rng.chance(0.5) ? rng.pick(LIMIT_VALUES) : nastyString(rng, 3)]);
  if (kind === "repeated") {
    const name = rng.pick(["q", "limit"]);
    for (let i = rng.pick([2, 3, 10, 100, 1000]); i > 0; i--) params.push([name, name === "q" ? (communeQuery(rng) ?? "") : rng.pick(LIMIT_VALUES)]);
  }
  let query = queryOf(rng, rng.chance(0.2) ? [...params].reverse() : params);
  if (rng.chance(0.05)) query += rng.pick(["&", "&=", "&q", "#frag", "&q=%", "&limit"]);
  const path = rng.chance(0.97) ? "/api/communes" : rng.pick(["/api/communes/", "/API/COMMUNES", "/api/communes/x", "/api//communes"]);
  const url = `${FUZZ_ORIGIN}${path}${query ? `?${query}` : ""}`;
  const headers = pageHeaders(rng, kind === "headers" || rng.chance(0.2));
  if (rng.chance(0.2)) headers.push(["origin", headerSafe(rng.pick(["https://evil.example", "null", FUZZ_ORIGIN, "😀", ""]))]);
  if (method.toUpperCase() === "OPTIONS" && rng.chance(0.7)) headers.push(["access-control-request-method", rng.pick(["GET", "POST", "DELETE", "x"])], ["access-control-request-headers", rng.pick(["accept", "content-type", "x-evil", ""])]);
  const stray = strayBody(rng, method);

  // What the platform hands the function, and what that must get: q of 1 to 100 characters once
  // trimmed, with a letter or a digit; limit (blank is absent) an integer from 1 to 20.
  const probe = new Request(url, { method, headers });
  const search = new URL(probe.url).searchParams;
  const given = (name: string) => {
    const value = search.get(name);
    return value === null || value.trim() === "" ? undefined : value;
  };
  const qGiven = given("q")?.trim();
  const qOk = qGiven !== undefined && qGiven.length <= 100 && /[\p{L}\p{N}]/u.test(qGiven);
  const limitGiven = given("limit");
  const limit = limitGiven === undefined ? COMMUNES_DEFAULT_LIMIT : Number(limitGiven);
  const limitOk = Number.isInteger(limit) && limit >= 1 && limit <= COMMUNES_MAX_LIMIT;
  let expectation: Pick<CommunesFuzzCase, "expectStatus" | "maxResults" | "expectFound">;
  if (probe.method === "OPTIONS") expectation = { expectStatus: 204 };
  else if (probe.method !== "GET" && probe.method !== "HEAD") expectation = { expectStatus: 405 };
  else if (!qOk || !limitOk) expectation = { expectStatus: 400 };
  else expectation = { expectStatus: 200, maxResults: limit, expectFound: probe.method === "GET" && kind === "plausible" };

  const base = { target: "communes" as const, seed, index, kind, method, url, headers, body: stray?.info, honeypot: false, limited, clockStep: rng.int(0, 2) };
  const said = `${describeCase(base)} → attendu ${expectation.expectStatus}${expectation.maxResults ? ` (${expectation.maxResults} au plus)` : ""}`;
  return {
    ...base,
    ...expectation,
    request: () => makeRequest(method, url, headers, stray ? { body: stray.body, delivery: "stream", chunk: stray.chunk } : undefined),
    describe: () => said,
  };
}

export interface CommunesFuzzTargets {
  handlers: { communes: Handler; communesLimited: Handler };
  /** Runs the case (moving the limiter's clock first) and checks the answer against what it expects. */
  run(c: CommunesFuzzCase): Promise<Outcome>;
}

/** The real communes handler on `index`, with and without the real rate limit (RATE_LIMITS.communes), its clock injected. */
export function communesFuzzTargets({ index }: { index: CommuneIndex }): CommunesFuzzTargets {
  let clock = FUZZ_T0;
  const handlers = {
    communes: createCommunesHandler({ index }),
    communesLimited: createCommunesHandler({ index, limiter: createRateLimiter({ ...RATE_LIMITS.communes, now: () => clock }) }),
  };
  return {
    handlers,
    async run(c) {
      clock += c.clockStep;
      const handler = c.limited ? handlers.communesLimited : handlers.communes;
      const { response, text = "", ...outcome } = await runCase(handler, c);
      const v = outcome.violations;
      const limitedOut = outcome.status === 429 && c.limited;
      if (outcome.status < 500 && outcome.status !== c.expectStatus && !limitedOut) v.push(`statut ${outcome.status}, ${c.expectStatus} attendu`);
      if (!response || (outcome.status !== c.expectStatus && !limitedOut)) return outcome;
      const header = (name: string) => response.headers.get(name) ?? "";
      if (header("access-control-allow-origin") !== "*") v.push(`access-control-allow-origin: ${header("access-control-allow-origin")}`);
      if (outcome.status === 200 && header("cache-control") !== "public, max-age=300") v.push(`200 avec cache-control: ${header("cache-control")}`);
      if (outcome.status !== 200 && !header("cache-control").includes("no-store")) v.push(`${outcome.status} avec cache-control: ${header("cache-control")}`);
      if (outcome.status === 405 && header("allow") !== "GET, HEAD, OPTIONS") v.push(`405 avec allow: ${header("allow")}`);
      if (outcome.status === 204 && !header("access-control-allow-methods")) v.push("204 sans access-control-allow-methods");
      if (outcome.status === 204 || new Request(c.url, { method: c.method }).method === "HEAD") return outcome;
      if (!header("content-type").startsWith("application/json")) v.push(`content-type: ${header("content-type")}`);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        v.push(`corps illisible en JSON : ${String(error)}`);
        return outcome;
      }
      if (outcome.status === 200) {
        if (!Array.isArray(body)) {
          v.push(`200 sans liste : ${JSON.stringify(body).slice(0, 200)}`);
          return outcome;
        }
        if (body.length > (c.maxResults ?? 0) || body.length > COMMUNES_MAX_LIMIT) v.push(`${body.length} communes, ${c.maxResults} au plus`);
        if (c.expectFound && body.length === 0) v.push("aucune commune pour une commune connue");
        for (const item of body as Array<Record<string, unknown>>) {
          const ok =
            typeof item === "object" &&
            item !== null &&
            JSON.stringify(Object.keys(item).sort()) === COMMUNE_KEYS &&
            typeof item.nom === "string" &&
            item.nom !== "" &&
            typeof item.code === "string" &&
            INSEE.test(item.code) &&
            Array.isArray(item.codesPostaux) &&
            item.codesPostaux.every((p) => typeof p === "string" && POSTCODE.test(p)) &&
            typeof item.codeDepartement === "string" &&
            DEPARTEMENT.test(item.codeDepartement);
          if (!ok) v.push(`commune mal formée : ${JSON.stringify(item).slice(0, 200)}`);
        }
        return outcome;
      }
      // A refusal: geo.api.gouv.fr's shape, in French ({ code, message, detail }).
      const error = body as { code?: unknown; message?: unknown; detail?: unknown };
      if (typeof error !== "object" || error === null || error.code !== outcome.status || typeof error.message !== "string" || error.message === "" || !Array.isArray(error.detail)) {
        v.push(`refus mal formé : ${JSON.stringify(body).slice(0, 300)}`);
        return outcome;
      }
      const said = [error.message, ...(error.detail as unknown[])];
      if (said.some((s) => typeof s !== "string" || ENGLISH.test(s))) v.push(`refus pas en français : ${JSON.stringify(said)}`);
      if (outcome.status === 400 && (error.detail.length === 0 || (error.detail as unknown[]).some((d) => typeof d !== "string" || !/^(q|limit): /.test(d)))) {
        v.push(`400 sans le paramètre en cause : ${JSON.stringify(error.detail)}`);
      }
      return outcome;
    },
  };
}
