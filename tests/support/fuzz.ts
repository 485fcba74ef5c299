// Hostile requests for the submit and address handlers, and for the measuring ones (event, stats,
// split), from a seed: the same seed gives the same requests, and each request depends only on
// (seed, index), so one can be rebuilt on its own.
// Used by tests/fuzz.test.ts (a few thousand requests) and bench/abuse.ts (tens of thousands);
// fuzz-pages.ts builds the receipt's and the communes' cases from the same helpers.
//
// No request generated for submit is ever a valid submission, so that "nothing stored" is a sound
// assertion, not a matter of luck. The guarantee rests on the consent field alone (required, and
// never checked): see `uncheckedConsent`, `consentSafe` and `checkNoConsentSmuggled` below.
// Events are the other way round: some are valid and must be counted, exactly those; each event
// case says what it must get (see `expectedEvent`).
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { createAddressHandler } from "../../lib/address/api.ts";
import type { AddressIndex } from "../../lib/address/engine.ts";
import { LocalProvider } from "../../lib/address/providers.ts";
import { MAX_BODY_BYTES } from "../../lib/answers/body.ts";
import type { DiskAnswerStore } from "../../lib/answers/store.ts";
import { createSubmitHandler } from "../../lib/answers/submit.ts";
import type { PublishedForms } from "../../lib/forms/published.ts";
import { CONTROL_FIELDS } from "../../lib/forms/render.ts";
import { createRateLimiter, RATE_LIMITS } from "../../lib/site/rate-limit.ts";
import { counter, parseCounter } from "../../lib/stats/counters.ts";
import { MAX_LABEL_LENGTH } from "../../lib/stats/event.ts";
import { createEventHandler, createStatsHandler, MAX_EVENT_BYTES } from "../../lib/stats/handlers.ts";
import type { CountLedger } from "../../lib/stats/ledger.ts";
import { createSplitHandler } from "../../lib/stats/split.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission } from "./sample.ts";

export const FUZZ_ORIGIN = "http://localhost:8888";
const SUBMIT_BASE = `${FUZZ_ORIGIN}/api/submit/`;
const ADDRESS_URL = `${FUZZ_ORIGIN}/api/address`;
const CONSENT = SAMPLE_KEYS.consent;
const HONEYPOT = CONTROL_FIELDS.honeypot;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: 32 bits of state, good enough to pick test cases, and no dependency. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of request `index` in the run seeded `seed` (a murmur3 finaliser over both). */
export function caseSeed(seed: number, index: number, salt = 0): number {
  let h = (seed >>> 0) ^ Math.imul((index + 1) >>> 0, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick: no items");
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** A key of `weights`, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [key, w] of entries) {
      x -= w;
      if (x < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }
}

// ---------------------------------------------------------------------------------------------
// Strings

const encoder = new TextEncoder();
export const bytesOf = (text: string) => encoder.encode(text);

/** Bits of text a hostile client sends: valid UTF-8 all of them (invalid bytes come later). */
const NASTY_PIECES = [
  "é", "ÉCOLE", "ß", "œ", "ĳ", "İ", "ﬁ", "\u0301", "e\u0301", "😀", "👩‍👩‍👧", "🇫🇷", "\u202e", "\u200f", "\u202b", "\u2066", "\u200b", "\u200d",
  "\ufeff", "\u0000", "\u0001", "\u001b[31m", "\u007f", "\u0085", "\u00a0", "\u2028", "\u2029", "\t", "\r\n", "\n", "\r", " ",
  "\ud800", "\udfff", "\uffff", "\ufffd", "中文", "العربية", "עברית", "ᚠᛇᚻ", "𝕏", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
  "'; DROP TABLE reponses; --", "=HYPERLINK(\"http://x\")", "+33", "-1", "@SUM(1)", "${7*7}", "{{7*7}}", "%00", "%zz", "%", "%%", "&", "=", "&&==",
  "+", "\\", "\\u0000", "../../etc/passwd", "..%2F..%2F", "constructor", "__proto__", "prototype", "toString", "null", "undefined", "NaN",
  "Infinity", "1e400", "-0", "0x10", "9".repeat(400), "true", "false", "oui", "[]", "{}", "[object Object]", "a".repeat(300), "--",
  "\r\n--", "Content-Disposition: form-data; name=\"x\"", "boundary", "\"", "'", "`", ";", ",",
];

/** Values the sample form accepts for some field: mixed with garbage, they go deeper into validation. */
const PLAUSIBLE = [
  "Camille", "Dupont", "camille.dupont@exemple.fr", "06 12 34 56 78", "+33 6 12 34 56 78", "55 Rue Baudin 93140 Bondy", "93010_0620_00055",
  "Maison individuelle", "Appartement", "De 1948 à 1974", "Avant 1948", "3", "20", "21", "0", "1.5", "2027-03-15", "15/03/2027", "2027-02-30",
  "Isolation", "Chauffage", "Fenêtres", "Des fenêtres qui laissent passer le froid.", "",
];

export function nastyString(rng: Rng, maxPieces = 8): string {
  let text = "";
  const n = rng.int(0, maxPieces);
  for (let i = 0; i < n; i++) text += rng.chance(0.3) ? rng.pick(PLAUSIBLE) : rng.pick(NASTY_PIECES);
  return text;
}

/** A header value as a raw HTTP request would carry it: bytes, seen as Latin-1, without NUL/CR/LF. */
export function headerSafe(text: string): string {
  return Buffer.from(text, "utf8")
    .toString("latin1")
    .replace(/[\u0000\r\n]/g, "");
}

// ---------------------------------------------------------------------------------------------
// Bodies that are never materialised unless needed: a head, a filler repeated, a tail.

export interface VirtualBody {
  readonly length: number;
  /** `n` bytes from `offset` (fewer at the end). */
  at(offset: number, n: number): Uint8Array<ArrayBuffer>;
  whole(): Uint8Array<ArrayBuffer>;
}

export function virtualBody(head: Uint8Array, filler: Uint8Array = new Uint8Array(0), fillerBytes = 0, tail: Uint8Array = new Uint8Array(0)): VirtualBody {
  const fill = filler.length > 0 ? fillerBytes : 0;
  const length = head.length + fill + tail.length;
  // The filler repeated over 16 KiB or more, so a chunk is a few block copies.
  let block = new Uint8Array(0);
  if (filler.length > 0 && fill > 0) {
    const units = Math.max(1, Math.ceil(16384 / filler.length));
    block = new Uint8Array(units * filler.length);
    for (let i = 0; i < units; i++) block.set(filler, i * filler.length);
  }
  const at = (offset: number, n: number): Uint8Array<ArrayBuffer> => {
    const end = Math.min(length, offset + n);
    const out = new Uint8Array(Math.max(0, end - offset));
    let pos = offset;
    while (pos < end) {
      if (pos < head.length) {
        const take = Math.min(end, head.length) - pos;
        out.set(head.subarray(pos, pos + take), pos - offset);
        pos += take;
      } else if (pos < head.length + fill) {
        const inFill = pos - head.length;
        const from = inFill % filler.length;
        const take = Math.min(end - pos, head.length + fill - pos, block.length - from);
        out.set(block.subarray(from, from + take), pos - offset);
        pos += take;
      } else {
        const from = pos - head.length - fill;
        const take = end - pos;
        out.set(tail.subarray(from, from + take), pos - offset);
        pos += take;
      }
    }
    return out;
  };
  return { length, at, whole: () => at(0, length) };
}

export interface StreamStats {
  /** Bytes the body holds. */
  size: number;
  /** Bytes per chunk. */
  chunk: number;
  /** Bytes handed to the reader so far. */
  pulled: number;
  cancelled: boolean;
}

/** A lazy body in chunks of `chunk` bytes; pull runs only when the reader asks (no read-ahead). */
export function countingStream(body: VirtualBody, chunk: number): { stream: ReadableStream<Uint8Array>; stats: StreamStats } {
  const stats: StreamStats = { size: body.length, chunk, pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (stats.pulled >= body.length) return controller.close();
        const bytes = body.at(stats.pulled, chunk);
        stats.pulled += bytes.length;
        controller.enqueue(bytes);
      },
      cancel() {
        stats.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, stats };
}

// ---------------------------------------------------------------------------------------------
// Cases

export type SubmitKind =
  | "oversized" // more than MAX_BODY_BYTES, Content-Length honest, lying, absent or garbage
  | "content-type" // none, unsupported, or not the body's format
  | "slug" // unknown form, Object.prototype names, traversal, long, unicode…
  | "method" // anything but POST
  | "cross-site" // another Origin, or Sec-Fetch-Site: cross-site
  | "encoding" // invalid UTF-8, BOM, NUL, RTL…
  | "malformed" // JSON that isn't an object of scalars, multipart with a bad boundary…
  | "fields" // a well-formed body of garbage, or of almost valid answers
  | "many-fields" // thousands of fields
  | "honeypot" // the honeypot filled: discarded, answered as accepted
  | "empty"; // no body at all

export type AddressKind = "query" | "params" | "method" | "repeated" | "plausible";

export const SUBMIT_KIND_WEIGHTS: Readonly<Record<SubmitKind, number>> = {
  oversized: 12,
  "content-type": 10,
  slug: 10,
  method: 8,
  "cross-site": 6,
  encoding: 10,
  malformed: 10,
  fields: 20,
  "many-fields": 3,
  honeypot: 4,
  empty: 4,
};

export const ADDRESS_KIND_WEIGHTS: Readonly<Record<AddressKind, number>> = {
  query: 35,
  params: 30,
  method: 10,
  repeated: 10,
  plausible: 15,
};

export interface BodyInfo {
  format: string;
  contentType: string | null;
  length: number;
  delivery: "bytes" | "stream" | "none";
  chunk?: number;
  contentLength: string | null;
  note: string;
}

export interface FuzzCase<Target extends string = "submit" | "address", Kind extends string = SubmitKind | AddressKind> {
  target: Target;
  seed: number;
  index: number;
  kind: Kind;
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body?: BodyInfo;
  /** The body holds a filled honeypot: the one way to an "accepted" answer (303/201), nothing stored. */
  honeypot: boolean;
  /** To the handler with a rate limiter. */
  limited: boolean;
  /** Milliseconds the injected clock moves before this request. */
  clockStep: number;
  /** A fresh Request each call (a stream body is read once); `stats` when the body is streamed. */
  request(): { request: Request; stats?: StreamStats };
  describe(): string;
}

export function describeCase(c: Omit<FuzzCase<string, string>, "describe" | "request">): string {
  const headers = c.headers.map(([k, v]) => `${k}: ${JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v)}`).join(", ");
  const url = c.url.length > 200 ? `${c.url.slice(0, 200)}…(${c.url.length})` : c.url;
  const body = c.body
    ? ` corps ${c.body.format}, ${c.body.length} o, ${c.body.delivery}${c.body.chunk ? ` (morceaux de ${c.body.chunk} o)` : ""}, content-length ${JSON.stringify(c.body.contentLength)}${c.body.note ? `, ${c.body.note}` : ""}`
    : "";
  return `[graine ${c.seed}, cas ${c.index}, ${c.target}/${c.kind}${c.limited ? ", limité" : ""}] ${c.method} ${url} {${headers}}${body}`;
}

export function makeRequest(method: string, url: string, headers: Array<[string, string]>, payload?: { body: VirtualBody; delivery: "bytes" | "stream"; chunk: number }): { request: Request; stats?: StreamStats } {
  const init: RequestInit = { method, headers };
  if (!payload) return { request: new Request(url, init) };
  if (payload.delivery === "bytes") return { request: new Request(url, { ...init, body: payload.body.whole() }) };
  const { stream, stats } = countingStream(payload.body, payload.chunk);
  // Node needs duplex: "half" for a stream body; the DOM RequestInit type doesn't know it.
  const streamed = { ...init, body: stream, duplex: "half" };
  return { request: new Request(url, streamed as RequestInit), stats };
}

// ---------------------------------------------------------------------------------------------
// Submit: fields

class Raw {
  constructor(readonly text: string) {}
}
type Value = string | number | boolean | null | Raw | Value[] | { [key: string]: Value };
type Entry = [string, Value];

/**
 * THE GUARANTEE THAT NOTHING IS EVER VALID. The sample form's consent field is required (a
 * `consent` field: checked iff one of its values is not blank and not "false", lib/forms/
 * field-types.ts), so a submission where it is not checked is refused (422) whatever the other
 * fields hold, or discarded if its honeypot is filled. Hence:
 * 1. The consent field's values only ever come from this list, all "unchecked" in every format
 *    (JSON false and null are dropped, "" and " " are blank, "false" is "false"). `consentSafe`
 *    rewrites every entry named like it, whatever built the entry.
 * 2. Byte-level damage (invalid bytes inserted, truncation) could turn "false" into "fals" or
 *    make a parser see other bytes: it is only applied to bodies without a consent entry.
 * 3. `checkNoConsentSmuggled` checks every body built: the consent field's name appears in it as
 *    many times as consent entries were written, no more (no garbage spelling it by chance). A
 *    generator bug throws instead of sending the request.
 */
const UNCHECKED_STRINGS = ["", " ", "false"] as const;
const UNCHECKED_JSON: readonly Value[] = [false, null, "", " ", "false", [], [false, null], ["", "false"]];

function uncheckedConsent(rng: Rng, json: boolean): Value {
  return json ? rng.pick(UNCHECKED_JSON) : rng.pick(UNCHECKED_STRINGS);
}

function consentSafe(rng: Rng, entries: Entry[], json: boolean): Entry[] {
  return entries.map(([name, value]): Entry => (name === CONSENT ? [name, uncheckedConsent(rng, json)] : [name, value]));
}

function countOccurrences(haystack: Uint8Array, needle: Uint8Array): number {
  let count = 0;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    count++;
  }
  return count;
}

const CONSENT_BYTES = bytesOf(CONSENT);

function checkNoConsentSmuggled(parts: Uint8Array[], expected: number, where: string): void {
  const found = parts.reduce((sum, part) => sum + countOccurrences(part, CONSENT_BYTES), 0);
  if (found !== expected) throw new Error(`fuzz generator: ${where} carries the consent field ${found} times, ${expected} written`);
}

function garbageValue(rng: Rng, json: boolean): Value {
  const roll = rng.int(0, json ? 9 : 5);
  switch (roll) {
    case 0:
    case 1:
      return nastyString(rng);
    case 2:
      return rng.pick(PLAUSIBLE);
    case 3:
      return String(rng.pick([0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER + 2, -0]));
    case 4:
      return rng.pick(NASTY_PIECES).repeat(rng.int(1, 200));
    case 5:
      return "";
    case 6:
      return new Raw(rng.pick(["1e400", "-1e400", "1e-400", "0.0000000000000000000000001", "123456789012345678901234567890", "-0", "1E5"]));
    case 7:
      return rng.pick<Value>([true, false, null, 0, 3, -2, 1.5]);
    case 8:
      return Array.from({ length: rng.int(0, 5) }, () => (rng.chance(0.8) ? rng.pick(PLAUSIBLE) : nastyString(rng, 3)));
    default:
      return rng.chance(0.5) ? { nested: nastyString(rng, 2), deeper: [1, { x: null }] } : [[rng.pick(PLAUSIBLE)]];
  }
}

const REAL_KEYS = Object.values(SAMPLE_KEYS);
const ODD_NAMES = [
  "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "", " ", "a[b]", "a.b", "x[]",
  "recQPrenom0000001[]", "RECQPRENOM0000001", "recqconsent00012", `${SAMPLE_KEYS.address}__id`, CONTROL_FIELDS.instance, CONTROL_FIELDS.timing,
  "_elapsed", "é", "😀", "\u202e", "\u0000", "name\r\nX-Injected: 1", "a".repeat(500),
];

/** Fields for the sample form: its real answers, damaged, and extras; never a checked consent. */
function sampleFields(rng: Rng, json: boolean, kind: SubmitKind): { entries: Entry[]; honeypot: boolean } {
  let entries: Entry[] = [];
  for (const [name, value] of validSubmission()) {
    const roll = rng.float();
    if (roll < 0.1) continue; // left out
    if (roll < 0.45) entries.push([name, garbageValue(rng, json)]);
    else entries.push([name, value]);
    if (rng.chance(0.05)) entries.push([name, garbageValue(rng, json)]); // twice
  }
  const extras = rng.int(0, 4);
  for (let i = 0; i < extras; i++) entries.push([rng.chance(0.7) ? rng.pick(ODD_NAMES) : nastyString(rng, 2), garbageValue(rng, json)]);
  if (rng.chance(0.4)) entries.push([CONTROL_FIELDS.timing, rng.pick(["", "x", "1.2.3", "0".repeat(200), nastyString(rng, 2)])]);
  if (rng.chance(0.3)) entries.push([CONTROL_FIELDS.instance, rng.pick(["", "0000", "../../x", nastyString(rng, 2)])]);
  let honeypot = false;
  if (kind === "honeypot" || rng.chance(0.04)) {
    const spam = rng.pick(["http://spam.example", "x", " y ", "😀"]);
    if (rng.chance(0.5)) entries.push([HONEYPOT, ""]); // the first one empty, as a clever bot sends it
    entries.push([HONEYPOT, spam]);
    honeypot = true;
  } else if (rng.chance(0.3)) {
    entries.push([HONEYPOT, rng.pick(["", " ", "\t"])]); // present, not filled
  }
  if (rng.chance(0.2)) entries = shuffle(rng, entries);
  return { entries: consentSafe(rng, entries, json), honeypot };
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Strings for urlencoded and multipart, where every value is text. */
function flatten(value: Value): string[] {
  if (value === null) return [""];
  if (value instanceof Raw) return [value.text];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (typeof value === "object") return [JSON.stringify(value)];
  return [String(value)];
}

function jsonText(value: Value): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (value !== null && typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(",")}}`;
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Submit: encodings

type Format = "urlencoded" | "multipart" | "json" | "text";

interface Encoded {
  head: Uint8Array;
  tail: Uint8Array;
  /** Where padding goes (head + filler + tail), as a field of the format. */
  filler: Uint8Array;
  contentType: string;
  consentEntries: number;
  note: string;
}

const GOOD_BOUNDARY = "----KitFuzzBoundaryAbC123";

function encodeFields(rng: Rng, format: Format, entries: Entry[], pad: boolean): Encoded {
  const consentEntries = entries.filter(([name]) => name === CONSENT).length;
  if (format === "json") {
    const parts = entries.map(([name, value]) => `${JSON.stringify(name)}:${jsonText(value)}`);
    const contentType = rng.pick(["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/json;charset=UTF-8", "application/json; charset=latin1"]);
    if (!pad) return { head: bytesOf(`{${parts.join(",")}}`), tail: new Uint8Array(0), filler: new Uint8Array(0), contentType, consentEntries, note: "" };
    return { head: bytesOf(`{${[...parts, '"_bourrage":"'].join(",")}`), tail: bytesOf('"}'), filler: bytesOf(rng.pick(["a", "é", "\\u00e9", "😀", " "])), contentType, consentEntries, note: "" };
  }
  if (format === "multipart") {
    const boundary = rng.chance(0.8) ? GOOD_BOUNDARY : rng.pick(["x", "-".repeat(60) + "Zz", "a b", "ÉTÉ"]);
    const eol = rng.chance(0.9) ? "\r\n" : "\n";
    let head = "";
    for (const [name, value] of entries) {
      for (const text of flatten(value)) {
        const quoted = name.replace(/"/g, "%22").replace(/\r|\n/g, " ");
        const file = rng.chance(0.05) ? `; filename="${rng.pick(["a.pdf", "../../x", "😀.txt"])}"${eol}Content-Type: application/octet-stream` : "";
        head += `--${boundary}${eol}Content-Disposition: form-data; name="${quoted}"${file}${eol}${eol}${text}${eol}`;
      }
    }
    const contentType = `${rng.pick(["multipart/form-data", "MULTIPART/FORM-DATA", "multipart/form-data; charset=utf-8"])}; boundary=${rng.chance(0.9) ? boundary : `"${boundary}"`}`;
    const close = `--${boundary}--${eol}`;
    if (!pad) return { head: bytesOf(head + close), tail: new Uint8Array(0), filler: new Uint8Array(0), contentType, consentEntries, note: "" };
    head += `--${boundary}${eol}Content-Disposition: form-data; name="_bourrage"${eol}${eol}`;
    return { head: bytesOf(head), tail: bytesOf(`${eol}${close}`), filler: bytesOf(rng.pick(["a", "é", "\r", "-"])), contentType, consentEntries, note: "" };
  }
  if (format === "urlencoded") {
    const params = new URLSearchParams();
    for (const [name, value] of entries) for (const text of flatten(value)) params.append(name, text);
    let text = params.toString();
    // Another spelling of a space, never one that decodes to something else (a " " consent must stay blank).
    if (rng.chance(0.1)) text = text.replace(/%20|\+/g, rng.pick(["%20", "+"]));
    const contentType = rng.pick(["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8", "APPLICATION/X-WWW-FORM-URLENCODED", "application/x-www-form-urlencoded;charset=ISO-8859-1"]);
    if (!pad) return { head: bytesOf(text), tail: new Uint8Array(0), filler: new Uint8Array(0), contentType, consentEntries, note: "" };
    return { head: bytesOf(`${text}${text ? "&" : ""}_bourrage=`), tail: new Uint8Array(0), filler: bytesOf(rng.pick(["a", "%C3%A9", "+", "&", "="])), contentType, consentEntries, note: "" };
  }
  // text: the fields as lines, as a text/plain form would send them
  const text = entries.map(([name, value]) => `${name}=${flatten(value).join(",")}`).join("\r\n");
  return { head: bytesOf(text), tail: new Uint8Array(0), filler: bytesOf("a"), contentType: "text/plain", consentEntries, note: "" };
}

/** Bodies that are well-formed in no format, or not an object of scalars. None has a consent entry. */
function malformedBody(rng: Rng): Encoded {
  const none = new Uint8Array(0);
  const json = (text: string, note: string): Encoded => ({ head: bytesOf(text), tail: none, filler: none, contentType: rng.pick(["application/json", "application/json; charset=utf-8", "application/jsonp"]), consentEntries: 0, note });
  const multipart = (contentType: string, text: string, note: string): Encoded => ({ head: bytesOf(text), tail: none, filler: none, contentType, consentEntries: 0, note });
  const part = (boundary: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${SAMPLE_KEYS.firstName}"\r\n\r\nCamille\r\n--${boundary}--\r\n`;
  const variants: Array<() => Encoded> = [
    () => json(`{"${SAMPLE_KEYS.firstName}":"Camille"`, "JSON tronqué"),
    () => json("{nom:", "JSON invalide"),
    () => json("[1,2,3]", "JSON tableau"),
    () => json('"texte"', "JSON chaîne"),
    () => json("null", "JSON null"),
    () => json("1e400", "JSON nombre"),
    () => json(`{"${SAMPLE_KEYS.firstName}":{"a":1}}`, "JSON imbriqué"),
    () => json(`{"${SAMPLE_KEYS.works}":[["Isolation"]]}`, "JSON liste de listes"),
    () => json(`${"[".repeat(50_000)}${"]".repeat(50_000)}`, "JSON très profond"),
    () => json(`{"a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`, "JSON profond dans un champ"),
    () => json(`{"a":"1"}garbage`, "JSON suivi de déchets"),
    () => json("\ufeff{}", "JSON avec BOM"),
    () => json(`{"__proto__":{"polluted":true}}`, "JSON __proto__ objet"),
    () => json(`{"a":"\\ud800"}`, "JSON surrogate isolé"),
    () => json("", "JSON vide"),
    () => multipart("multipart/form-data", part(GOOD_BOUNDARY), "multipart sans boundary"),
    () => multipart("multipart/form-data; boundary=", part(GOOD_BOUNDARY), "boundary vide"),
    () => multipart(`multipart/form-data; boundary=autre`, part(GOOD_BOUNDARY), "boundary qui ne correspond pas"),
    () => multipart(`multipart/form-data; boundary=${GOOD_BOUNDARY.toLowerCase()}`, part(GOOD_BOUNDARY), "boundary en minuscules"),
    () => multipart(`multipart/form-data; boundary=${GOOD_BOUNDARY}`, `--${GOOD_BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nsans fin`, "multipart sans fin"),
    () => multipart(`multipart/form-data; boundary=${GOOD_BOUNDARY}`, "ceci n'est pas un formulaire", "multipart illisible"),
    () => multipart(`multipart/form-data; boundary=${GOOD_BOUNDARY}`, `--${GOOD_BOUNDARY}\r\n\r\nsans en-tête\r\n--${GOOD_BOUNDARY}--\r\n`, "partie sans nom"),
    () => multipart(`multipart/form-data; boundary=${"b".repeat(200)}`, part("b".repeat(200)), "boundary de 200 caractères"),
    () => multipart(`multipart/form-data; boundary=${GOOD_BOUNDARY}`, "", "multipart vide"),
    () => ({ head: bytesOf("a=%E9&b=%FF%FE&c=%"), tail: none, filler: none, contentType: "application/x-www-form-urlencoded", consentEntries: 0, note: "pourcents non UTF-8" }),
  ];
  return rng.pick(variants)();
}

/** Invalid UTF-8 and other byte-level damage; only for bodies without a consent entry (see above). */
function damage(rng: Rng, bytes: Uint8Array): { bytes: Uint8Array; note: string } {
  const sequences: Array<[string, number[]]> = [
    ["0xFF", [0xff]],
    ["0xFE 0xFF", [0xfe, 0xff]],
    ["continuation isolée", [0x80]],
    ["surlong", [0xc0, 0x80]],
    ["tronqué", [0xe2, 0x82]],
    ["surrogate encodé", [0xed, 0xa0, 0x80]],
    ["hors Unicode", [0xf4, 0x90, 0x80, 0x80]],
    ["NUL", [0x00]],
    ["BOM", [0xef, 0xbb, 0xbf]],
  ];
  const [name, seq] = rng.pick(sequences);
  const where = rng.chance(0.3) ? 0 : rng.chance(0.3) ? bytes.length : rng.int(0, bytes.length);
  const out = new Uint8Array(bytes.length + seq.length);
  out.set(bytes.subarray(0, where), 0);
  out.set(seq, where);
  out.set(bytes.subarray(where), where + seq.length);
  if (rng.chance(0.2)) return { bytes: out.subarray(0, rng.int(0, out.length)), note: `${name} à ${where}, puis tronqué` };
  return { bytes: out, note: `${name} à ${where}` };
}

// ---------------------------------------------------------------------------------------------
// Submit: the request

export const BAD_SLUGS = [
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Object.prototype).map((n) => n.toLowerCase()),
  "inconnu", "conseil-renovation-2", "Conseil-Renovation", "CONSEIL-RENOVATION", "conseil_renovation", "conseil--renovation", "-conseil-renovation",
  "conseil-renovation-", "..%2Fconseil-renovation", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f", "..", ".", "%2E", "conseil-renovation%2F", "conseil-renovation%00",
  "conseil%2Drenovation", "conseil-r%C3%A9novation", "rénovation", "conseil‐renovation", "conseil-renovation\u200b", "😀", "\u202econseil", "a".repeat(5000),
  `${"a-".repeat(2000)}a`, "", "conseil-renovation//", "conseil-renovation/merci", "conseil-renovation/..", "%", "%zz", "a%20b", "_ecartees", "_illisibles",
  "conseil-renovation;x=1", "conseil-renovation.json",
];
const ODD_PATHS = ["/API/SUBMIT/conseil-renovation", "/api/submit", "/api//submit/conseil-renovation", "/api/submit/", "/api/submit/conseil-renovation/../conseil-renovation/", "/api/submitconseil-renovation", "/", "/api/address"];
const GOOD_SLUG_SPELLINGS = [SAMPLE_FORM, SAMPLE_FORM, SAMPLE_FORM, `${SAMPLE_FORM}/`, `${SAMPLE_FORM}?x=1`, `${SAMPLE_FORM}#x`, `${SAMPLE_FORM}?${"a=1&".repeat(300)}`];

const OTHER_METHODS = ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "get", "Head", "put", "delete", "Patch", "options", "PROPFIND", "FOO", "M-SEARCH"];
const POST_SPELLINGS = ["POST", "POST", "POST", "POST", "post", "Post", "pOsT"];

const CROSS_SITE_ORIGINS = ["https://evil.example", "null", "http://localhost:8889", "https://localhost:8888", "http://localhost:8888/", "HTTP://LOCALHOST:8888", "http://localhost", "http://127.0.0.1:8888", " ", "garbage", "😀"];
const ACCEPTS = [null, null, "text/html", "application/json", "*/*", "application/json, text/html", "text/html;q=0.9, application/json", "APPLICATION/JSON", "", "application/*", "application/jsonx", "😀"];
/** Clients: a few of them send most, so the rate limiter has something to stop. */
const CLIENTS: Array<[string, string] | null> = [
  null, null, null, null, ["x-forwarded-for", "203.0.113.7"], ["x-forwarded-for", "203.0.113.7"], ["x-forwarded-for", "203.0.113.7, 10.0.0.1"],
  ["x-nf-client-connection-ip", "198.51.100.66"], ["x-forwarded-for", ""], ["x-forwarded-for", ","], ["x-forwarded-for", " , , "],
  ["x-forwarded-for", "unknown"], ["x-forwarded-for", "::1"], ["x-forwarded-for", "2001:db8::1"], ["x-forwarded-for", "999.999.999.999"],
];

function clientHeader(rng: Rng): Array<[string, string]> {
  if (rng.chance(0.1)) return [["x-forwarded-for", headerSafe(nastyString(rng, 4)).trim() || "x"]];
  if (rng.chance(0.03)) return [["x-forwarded-for", `${rng.int(0, 255)}.${rng.int(0, 255)}.0.1,`.repeat(rng.int(1, 400))]];
  const client = rng.pick(CLIENTS);
  return client ? [client] : [];
}

function commonHeaders(rng: Rng, kind: string, oneClient = false): Array<[string, string]> {
  // oneClient: most requests from the same client (no forwarding header: "local"), as a script would.
  const headers: Array<[string, string]> = oneClient && rng.chance(0.5) ? [] : [...clientHeader(rng)];
  const accept = rng.pick(ACCEPTS);
  if (accept !== null) headers.push(["accept", headerSafe(accept)]);
  if (kind === "cross-site") {
    if (rng.chance(0.75)) headers.push(["origin", headerSafe(rng.pick(CROSS_SITE_ORIGINS))]);
    if (rng.chance(0.5)) headers.push(["sec-fetch-site", "cross-site"]);
    else if (!headers.some(([k]) => k === "origin")) headers.push(["origin", "https://evil.example"]);
  } else {
    if (rng.chance(0.3)) headers.push(["origin", FUZZ_ORIGIN]);
    if (rng.chance(0.3)) headers.push(["sec-fetch-site", rng.pick(["same-origin", "same-site", "none", "CROSS-SITE", ""])]);
  }
  if (rng.chance(0.2)) headers.push(["user-agent", headerSafe(nastyString(rng, 3))]);
  if (rng.chance(0.05)) headers.push(["x-nf-client-connection-ip", headerSafe(rng.pick(["", " ", "::ffff:1.2.3.4", nastyString(rng, 2)]))]);
  return headers;
}

const BAD_CONTENT_TYPES = [
  null, "", "text/plain", "text/plain; charset=utf-8", "application/xml", "text/xml", "application/octet-stream", "image/png", "multipart/mixed; boundary=x",
  "multipart/related", "x-www-form-urlencoded", "application/x-www-form", "form-data", "*/*", "text/html; charset=utf-8", "application/vnd.api+json",
  "text/json", "application/x-json", "application/graphql", "application/x-ndjson", "😀", "a".repeat(2000),
];

/** Sizes: mostly small, some around the limit, some up to ~200 KB. */
function oversize(rng: Rng): number {
  return rng.pick([MAX_BODY_BYTES + 1, MAX_BODY_BYTES + rng.int(2, 4096), rng.int(MAX_BODY_BYTES, 200_000), rng.int(100_000, 200_000), 200_000]);
}

function contentLengthFor(rng: Rng, length: number, kind: SubmitKind): string | null {
  const roll = rng.float();
  if (roll < 0.45) return null;
  if (roll < 0.7) return String(length); // honest
  if (roll < 0.88) {
    // lying: small, zero, or huge
    return String(rng.pick([0, 10, Math.max(0, length - 1), length + 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1, 100 * 1024 * 1024, kind === "oversized" ? 1 : 10 ** 12]));
  }
  return rng.pick(["abc", "-1", "1e400", " 12 ", "0x20000", "99999999999999999999", "", "1,2", "NaN", "Infinity", "-Infinity", "+5"]);
}

/** Chunk sizes from a byte at a time to more than the limit, with at most ~2,000 chunks a body. */
export function chunkFor(rng: Rng, length: number): number {
  return Math.max(rng.pick([1, 7, 100, 1024, 4096, 16384, 65536, 100_000]), Math.ceil(length / 2000), 1);
}

export interface SubmitCaseOptions {
  /** Only these kinds (their weights kept). */
  kinds?: readonly SubmitKind[];
  /** Every body streamed through a counting stream (bench: bytes read are measured). */
  alwaysStream?: boolean;
  /** Share of requests sent to the rate-limited handler. */
  limitedShare?: number;
}

export function submitCase(seed: number, index: number, options: SubmitCaseOptions = {}): FuzzCase {
  const rng = new Rng(caseSeed(seed, index, 1));
  const weights = options.kinds ? Object.fromEntries(options.kinds.map((k) => [k, SUBMIT_KIND_WEIGHTS[k]])) as Record<SubmitKind, number> : SUBMIT_KIND_WEIGHTS;
  const kind = rng.weighted(weights);
  const limited = rng.chance(options.limitedShare ?? 0.4);
  const clockStep = rng.int(0, 50);

  const method = kind === "method" ? rng.pick(OTHER_METHODS) : rng.pick(POST_SPELLINGS);
  let url: string;
  if (kind === "slug") url = rng.chance(0.15) ? `${FUZZ_ORIGIN}${rng.pick(ODD_PATHS)}` : `${SUBMIT_BASE}${rng.pick(BAD_SLUGS)}`;
  else url = `${SUBMIT_BASE}${rng.pick(GOOD_SLUG_SPELLINGS)}`;
  const headers = commonHeaders(rng, kind);

  const canHaveBody = !["GET", "HEAD"].includes(method.toUpperCase());
  let honeypot = false;
  let encoded: Encoded | undefined;
  let fillerBytes = 0;
  let format: Format = rng.pick(["urlencoded", "urlencoded", "multipart", "json", "json"] as const);

  if (kind === "empty" || !canHaveBody || (kind === "method" && rng.chance(0.3))) {
    encoded = undefined;
  } else if (kind === "malformed") {
    encoded = malformedBody(rng);
    format = encoded.contentType.includes("json") ? "json" : encoded.contentType.includes("multipart") ? "multipart" : "urlencoded";
  } else if (kind === "many-fields") {
    const n = format === "multipart" ? rng.int(500, 1000) : rng.pick([1000, 5000, 10_000]);
    const entries: Entry[] = Array.from({ length: n }, (_, i): Entry => [rng.chance(0.02) ? rng.pick(REAL_KEYS) : `f${i}`, rng.chance(0.5) ? "" : String(i % 10)]);
    encoded = encodeFields(rng, format, consentSafe(rng, entries, format === "json"), false);
  } else {
    if (kind === "content-type" && rng.chance(0.3)) format = "text";
    const json = format === "json";
    const sample = sampleFields(rng, json, kind);
    let entries = sample.entries;
    honeypot = sample.honeypot;
    // Byte-level damage needs a body without a consent entry (guarantee, point 2).
    if (kind === "encoding") entries = entries.filter(([name]) => name !== CONSENT);
    const pad = kind === "oversized" || rng.chance(0.08);
    encoded = encodeFields(rng, format, entries, pad);
    if (pad) fillerBytes = kind === "oversized" ? Math.max(0, oversize(rng) - encoded.head.length - encoded.tail.length) : rng.int(0, MAX_BODY_BYTES + 10) - encoded.head.length - encoded.tail.length;
    if (encoded.filler.length > 1) fillerBytes -= fillerBytes % encoded.filler.length; // whole units: valid UTF-8 stays valid
    fillerBytes = Math.max(0, fillerBytes);
    if (kind === "oversized" && encoded.head.length + fillerBytes + encoded.tail.length <= MAX_BODY_BYTES) fillerBytes += MAX_BODY_BYTES; // oversized, whatever the rounding
    if (kind === "encoding") {
      const damaged = damage(rng, encoded.head);
      encoded = { ...encoded, head: damaged.bytes, note: damaged.note };
      // A NUL after "site_web= " fills the honeypot: the body may then be discarded too.
      if (entries.some(([name]) => name === HONEYPOT)) honeypot = true;
    }
  }

  if (encoded) {
    if (kind === "content-type") {
      const ct = rng.pick(BAD_CONTENT_TYPES);
      encoded = { ...encoded, contentType: ct ?? "", note: `${encoded.note}${encoded.note ? ", " : ""}corps ${format}` };
      if (ct !== null) headers.push(["content-type", headerSafe(ct)]);
    } else {
      headers.push(["content-type", encoded.contentType]);
    }
    checkNoConsentSmuggled([encoded.head, encoded.filler, encoded.tail], encoded.consentEntries, `case ${index}`);
  } else if (canHaveBody && rng.chance(0.7)) {
    headers.push(["content-type", rng.pick(["application/x-www-form-urlencoded", "application/json", `multipart/form-data; boundary=${GOOD_BOUNDARY}`, "text/plain"])]);
  }

  const body = encoded ? virtualBody(encoded.head, encoded.filler, fillerBytes, encoded.tail) : undefined;
  let delivery: BodyInfo["delivery"] = "none";
  let chunk = 0;
  let contentLength: string | null = null;
  if (body) {
    delivery = options.alwaysStream || rng.chance(0.5) ? "stream" : "bytes";
    chunk = delivery === "stream" ? chunkFor(rng, body.length) : 0;
    contentLength = contentLengthFor(rng, body.length, kind);
  } else if (canHaveBody && rng.chance(0.2)) {
    contentLength = rng.pick(["0", "10", String(MAX_BODY_BYTES + 1), "abc"]);
  }
  if (contentLength !== null) headers.push(["content-length", contentLength]);

  const info: BodyInfo | undefined = body
    ? { format, contentType: headers.find(([k]) => k === "content-type")?.[1] ?? null, length: body.length, delivery, chunk: chunk || undefined, contentLength, note: encoded?.note ?? "" }
    : undefined;
  const base = { target: "submit" as const, seed, index, kind, method, url, headers, body: info, honeypot, limited, clockStep };
  return {
    ...base,
    request: () => makeRequest(method, url, headers, body && delivery !== "none" ? { body, delivery: delivery === "stream" ? "stream" : "bytes", chunk } : undefined),
    describe: () => describeCase(base),
  };
}

// ---------------------------------------------------------------------------------------------
// Address

const PLAUSIBLE_QUERIES = ["55 rue baudin bondy", "rue du vieux chateau", "bondy", "93140", "1 rue du vieux", "Rue Baudin", "55 Rue Baudin 93140 Bondy", "place", "av", "1 place bellecour lyon"];

/** Words named like Object.prototype members, alone or within an address: lookup tables beware. */
const PROTOTYPE_QUERIES = [
  "constructor", "rue constructor", "1 rue du constructor bondy", "12 constructor", "__proto__", "rue __proto__", "toString", "valueof",
  "hasownproperty", "12 rue prototype", "1 isprototypeof", "propertyisenumerable bondy", "tolocalestring",
];

function addressQuery(rng: Rng): string | null {
  const roll = rng.int(0, 16);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return "";
    case 2:
      return rng.pick(["a", "1", "é", "😀", " ", "%"]);
    case 3:
      return rng.pick(["ab", "12", "  a  ", "a\u0000b"]);
    case 4:
      return "a".repeat(rng.pick([199, 200, 201, 202, 500, 5000]));
    case 5:
      return `55 ${"rue ".repeat(rng.int(40, 300))}`;
    case 6:
      return rng.pick(["😀😀😀", "\u202erue baudin", "\u200frue", "中文地址", "العربية", "e\u0301cole", "ÉCOLE", "ﬁ", "𝕏𝕏𝕏", "\ufeffrue baudin"]);
    case 7:
      return rng.pick(["%", "%zz", "%E9%", "%C3", "%FF%FE", "%00abc", "%%%", "100%", "%2525", "%u00e9"]);
    case 8:
      return rng.pick(["\u0001\u0002\u0003", "rue\u0000baudin", "rue\tbaudin", "\u001b[2Jrue", "rue\u007f", "\u0085rue", "rue\u2028baudin"]);
    case 9:
      return rng.pick(["-rue", "'rue", "*", "***", "?rue", "(rue)", "[rue]", "\\rue", ".rue", "_rue", " - "]);
    case 10:
      return nastyString(rng, 6);
    case 12:
      return rng.pick(PROTOTYPE_QUERIES);
    case 11:
      return rng.pick(["1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "9".repeat(150), "0", "000", "a a a a a a a a a a a a a a a a a a a a a a a a a a a a"]);
    default:
      return rng.pick(PLAUSIBLE_QUERIES);
  }
}

const PARAM_VALUES: Record<string, readonly string[]> = {
  limit: ["", "0", "1", "5", "20", "21", "-1", "1.5", "1e1", "1e400", "0x10", "Infinity", "NaN", "abc", " 5 ", "9".repeat(400), "05", "+3", "2e-1"],
  autocomplete: ["", "0", "1", "2", "true", "false", "01", " 1", "oui"],
  type: ["", "housenumber", "street", "locality", "municipality", "HOUSENUMBER", "x", "housenumber,street", "__proto__", "constructor"],
  postcode: ["", "93140", "9314", "931400", "abcde", "٩٣١٤٠", "93 140", "00000", "99999", "1e400"],
  citycode: ["", "93010", "2A004", "2a004", "2B999", "2C004", "99999", "9301", "930100", "abcde", "__proto__"],
  lat: ["", "0", "-90", "90", "90.0000001", "-90.0000001", "48.89", "1e400", "-1e400", "NaN", "Infinity", "abc", "-0", "4e1", "0x10", " 48 "],
  lon: ["", "0", "-180", "180", "180.0000001", "-181", "2.48", "1e400", "NaN", "abc", "-0", " 2 "],
  // The BAN's other names for them.
  latitude: ["", "48.8986", "91", "abc"],
  lng: ["", "2.473", "2.48", "-181", "abc", "1e400"],
  longitude: ["", "2.473", "NaN"],
};

export function encodeQueryValue(rng: Rng, value: string): string {
  // Mostly encoded as a browser would; sometimes raw, so the URL parser and URLSearchParams see `%`-garbage as is.
  // encodeURIComponent throws on a lone surrogate: a browser sends U+FFFD for it.
  return rng.chance(0.75) ? encodeURIComponent(value.replace(/[\ud800-\udfff]/gu, "\ufffd")).replace(/%(?![0-9A-F]{2})/g, "%25") : value.replace(/[#&]/g, (c) => encodeURIComponent(c));
}

export interface AddressCaseOptions {
  kinds?: readonly AddressKind[];
  limitedShare?: number;
}

export function addressCase(seed: number, index: number, options: AddressCaseOptions = {}): FuzzCase {
  const rng = new Rng(caseSeed(seed, index, 2));
  const weights = options.kinds ? Object.fromEntries(options.kinds.map((k) => [k, ADDRESS_KIND_WEIGHTS[k]])) as Record<AddressKind, number> : ADDRESS_KIND_WEIGHTS;
  const kind = rng.weighted(weights);
  const limited = rng.chance(options.limitedShare ?? 0.6);
  const clockStep = rng.int(0, 2);
  const method = kind === "method" ? rng.pick(["HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH", "get", "head", "options", "post", "FOO"]) : rng.chance(0.9) ? "GET" : rng.pick(["HEAD", "get"]);

  const params: Array<[string, string]> = [];
  const q = kind === "plausible" ? rng.pick(PLAUSIBLE_QUERIES) : addressQuery(rng);
  if (q !== null) params.push(["q", q]);
  const names = Object.keys(PARAM_VALUES);
  const extra = kind === "params" ? rng.int(1, 5) : kind === "plausible" ? rng.int(0, 1) : rng.int(0, 2);
  for (let i = 0; i < extra; i++) {
    const name = rng.pick(names);
    params.push([name, kind === "params" && rng.chance(0.2) ? nastyString(rng, 3) : rng.pick(PARAM_VALUES[name]!)]);
  }
  if (kind === "params" && rng.chance(0.2)) params.push([rng.pick(["Q", "q ", "q[]", "__proto__", "constructor", "", "😀", "limit%00"]), nastyString(rng, 2)]);
  if (kind === "repeated") {
    const name = rng.pick(["q", "q", ...names]);
    const values = name === "q" ? [...PLAUSIBLE_QUERIES, "", "a", "😀"] : PARAM_VALUES[name]!;
    for (let i = rng.int(2, 50); i > 0; i--) params.push([name, rng.pick(values)]);
  }
  const ordered = rng.chance(0.3) ? shuffle(rng, params) : params;
  let query = ordered.map(([k, v]) => `${encodeQueryValue(rng, k)}=${encodeQueryValue(rng, v)}`).join(rng.chance(0.95) ? "&" : rng.pick(["&&", ";", "&amp;"]));
  if (rng.chance(0.05)) query += rng.pick(["&", "&=", "&q", "#frag", "&q=%"]);
  // The BAN's paths under it too (/search, /reverse), as a BAN client asks them, and nearby mistakes.
  const path = rng.chance(0.8)
    ? "/api/address"
    : rng.pick(["/api/address/", "/API/ADDRESS", "/api/address/x", "/api/address/search", "/api/address/search/", "/api/address/reverse", "/api/address/reverse/", "/api/address/reverse//", "/api/address/reverse/x", "/api/address/REVERSE"]);
  const url = `${path === "/api/address" ? ADDRESS_URL : `${FUZZ_ORIGIN}${path}`}${query ? `?${query}` : ""}`;
  const headers = commonHeaders(rng, rng.chance(0.1) ? "cross-site" : "other", true);
  const canHaveBody = !["GET", "HEAD"].includes(method.toUpperCase());
  const body = canHaveBody && rng.chance(0.5) ? virtualBody(bytesOf(q ?? ""), bytesOf("a"), rng.pick([0, 10, 100_000])) : undefined;
  const chunk = body ? chunkFor(rng, body.length) : 0;
  if (body) headers.push(["content-type", rng.pick(["application/json", "application/x-www-form-urlencoded", "text/plain"])]);
  const info: BodyInfo | undefined = body ? { format: "text", contentType: headers.find(([k]) => k === "content-type")?.[1] ?? null, length: body.length, delivery: "stream", chunk, contentLength: null, note: "" } : undefined;
  const base = { target: "address" as const, seed, index, kind, method, url, headers, body: info, honeypot: false, limited, clockStep };
  return {
    ...base,
    request: () => makeRequest(method, url, headers, body ? { body, delivery: "stream", chunk } : undefined),
    describe: () => describeCase(base),
  };
}

// ---------------------------------------------------------------------------------------------
// Running a case and checking what every answer must satisfy

export interface Outcome {
  status: number;
  /** Handler time, reading the answer's body included, in ms. */
  ms: number;
  /** Bytes of the request body the handler pulled (streamed bodies only). */
  pulled: number;
  violations: string[];
}

/** The error and where it was thrown, on one line. */
function shortStack(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frames = (error.stack ?? "").split("\n").filter((line) => line.trim().startsWith("at ")).slice(0, 3).map((line) => line.trim());
  return [`${error.name}: ${error.message}`, ...frames].join(" | ");
}

/** Statuses for which the handler must not have read any of the body: refused at the door. */
const REFUSED_UNREAD = new Set([403, 404, 405, 415, 429]);

/**
 * Calls the handler with a fresh request from the case and checks, for that one answer:
 * no exception and no 5xx; nosniff; a body unless 204/303/HEAD (or a 302 with its Location); a
 * streamed body pulled no more than the limit (`limit`: the handler's, submit's by default) and
 * one chunk; nothing pulled at all when refused at the door or when an honest-looking
 * Content-Length is over the limit; "accepted" (201/303 to a POST) only for a filled honeypot,
 * since nothing generated for submit is ever a valid submission.
 */
export async function runCase(
  handler: (req: Request) => Promise<Response>,
  c: FuzzCase<string, string>,
  limit = MAX_BODY_BYTES,
): Promise<Outcome & { response?: Response; text?: string }> {
  const { request, stats } = c.request();
  const violations: string[] = [];
  const started = performance.now();
  let response: Response;
  try {
    response = await handler(request);
  } catch (error) {
    const ms = performance.now() - started;
    return { status: 500, ms, pulled: stats?.pulled ?? 0, violations: [`exception (500 sur la plateforme) : ${shortStack(error)}`] };
  }
  let bodyBytes = 0;
  // The body, read once here, is handed back as text: an oracle reading the page needs no copy.
  let text = "";
  try {
    const bytes = await response.arrayBuffer();
    bodyBytes = bytes.byteLength;
    text = new TextDecoder().decode(bytes);
  } catch (error) {
    violations.push(`corps de la réponse illisible : ${String(error)}`);
  }
  const ms = performance.now() - started;
  const status = response.status;
  const pulled = stats?.pulled ?? 0;
  if (status >= 500) violations.push(`statut ${status}`);
  if (response.headers.get("x-content-type-options") !== "nosniff") violations.push(`x-content-type-options: ${response.headers.get("x-content-type-options")}`);
  const redirect = status === 303 || (status === 302 && response.headers.has("location"));
  if (bodyBytes === 0 && status !== 204 && !redirect && request.method !== "HEAD") violations.push(`statut ${status} sans corps`);
  if (stats && stats.pulled > limit + stats.chunk) violations.push(`${stats.pulled} o lus, plus que la limite (${limit}) et un morceau (${stats.chunk})`);
  if (stats && stats.pulled > 0 && REFUSED_UNREAD.has(status)) violations.push(`statut ${status} après avoir lu ${stats.pulled} o du corps`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (stats && stats.pulled > 0 && declared > limit) violations.push(`Content-Length ${declared} > limite, et pourtant ${stats.pulled} o lus`);
  if (c.target === "submit" && request.method === "POST" && (status === 201 || status === 303) && !c.honeypot) violations.push(`statut ${status} (accepté) pour un envoi jamais valide`);
  return { status, ms, pulled, violations, response, text };
}

/** "404×12 413×3", by status. */
export function statusSummary(counts: Map<number, number>): string {
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(" ");
}

// ---------------------------------------------------------------------------------------------
// The handlers under test, and what must hold once a run is over

export type Handler = (req: Request) => Promise<Response>;

export interface FuzzTargets {
  /** Runs the case against its handler (rate-limited or not), moving that handler's clock first. */
  run(c: FuzzCase): Promise<Outcome>;
  handlers: { submit: Handler; submitLimited: Handler; address: Handler; addressLimited: Handler };
}

/** 2026-11-29T10:00:00Z: the injected clocks start here and only move by each case's step. */
export const FUZZ_T0 = Date.parse("2026-11-29T10:00:00Z");

/**
 * The real handlers, on the given store and address index: each with and without the real rate
 * limits (RATE_LIMITS), their clocks injected, one per target.
 */
export function fuzzTargets({ forms, store, index }: { forms: PublishedForms; store: DiskAnswerStore; index: AddressIndex }): FuzzTargets {
  const clocks = { submit: FUZZ_T0, address: FUZZ_T0 };
  const submitNow = () => clocks.submit;
  const addressNow = () => clocks.address;
  const provider = new LocalProvider(async () => index);
  const handlers = {
    submit: createSubmitHandler({ forms, store, now: submitNow }),
    submitLimited: createSubmitHandler({ forms, store, now: submitNow, limiter: createRateLimiter({ ...RATE_LIMITS.submit, now: submitNow }) }),
    address: createAddressHandler({ provider, territory: forms.territory }),
    addressLimited: createAddressHandler({ provider, territory: forms.territory, limiter: createRateLimiter({ ...RATE_LIMITS.address, now: addressNow }) }),
  };
  return {
    handlers,
    run(c) {
      if (c.target === "submit") {
        clocks.submit += c.clockStep;
        return runCase(c.limited ? handlers.submitLimited : handlers.submit, c);
      }
      clocks.address += c.clockStep;
      return runCase(c.limited ? handlers.addressLimited : handlers.address, c);
    },
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out;
}

/**
 * Nothing stored: the store's scan finds no answer (quarantined ones included) and sets nothing
 * aside; the only files in its folder are honeypot counts (_ecartees/<form>/honeypot.*), exactly
 * one per "accepted" answer given to a filled honeypot.
 */
export async function storeViolations(store: DiskAnswerStore, accepted: number): Promise<string[]> {
  const violations: string[] = [];
  const scan = await store.scan();
  if (scan.answers.length > 0) violations.push(`${scan.answers.length} réponse(s) enregistrée(s) : ${JSON.stringify(scan.answers.slice(0, 3))}`);
  if (scan.setAside.length > 0) violations.push(`${scan.setAside.length} fichier(s) mis de côté : ${scan.setAside.slice(0, 3).join(", ")}`);
  const files = await filesUnder(store.dir);
  const other = files.filter((f) => !/^_ecartees[\\/][a-z0-9-]+[\\/]honeypot\./.test(f));
  if (other.length > 0) violations.push(`fichiers inattendus dans le stockage : ${other.slice(0, 5).join(", ")}`);
  const discarded = (await store.discarded(SAMPLE_FORM)).honeypot ?? 0;
  if (discarded !== accepted) violations.push(`${discarded} envoi(s) écarté(s) comptés pour ${accepted} réponse(s) « acceptée(s) » à un pot de miel`);
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Event (/api/event): a page's counting beacon (POST, JSON) or pixel (GET, JavaScript off)
//
// Some of these requests are valid and must be counted, exactly those. Each case carries what the
// handler must answer and whether it counts, from `expectedEvent`: the beacon's rules written out
// again here, applied to the request as the platform parses it (URL, UTF-8, JSON.parse), so that
// a handler that counts or refuses anything else shows up as a mismatch.

export const EVENT_URL = `${FUZZ_ORIGIN}/api/event`;
/** The sample service as build/forms.json publishes it (tests/fuzz.test.ts checks it still does). */
export const EVENT_SERVICE = SAMPLE_FORM;
export const EVENT_VARIANTS = ["detaillee", "courte"] as const;
export const EVENT_QUESTIONS = 12;
/** "" is the main page: always accepted as a variant, active or not. */
const VARIANT_VALUES: readonly string[] = ["", ...EVENT_VARIANTS];
const PAGE_VALUES: readonly string[] = ["landing", "form"];
/** The longest source or campaign a beacon may send, in code points (it is cut to a label later). */
const MAX_SOURCE_CODE_POINTS = MAX_LABEL_LENGTH * 4;

export type EventKind =
  | "view" // a valid view beacon, spelled in all the ways JSON allows
  | "progress" // a valid progress beacon
  | "pixel" // GET with a query (valid or not) and a Referer (valid, hostile or none)
  | "method" // anything but GET and POST, with or without a body
  | "content-type" // a beacon with a missing or wrong content type (counted all the same)
  | "json" // not JSON: truncated, commented, damaged bytes, form bodies…
  | "shape" // JSON of the wrong shape or types: arrays, nulls, strings for numbers, Object.prototype names…
  | "oversized" // more than MAX_EVENT_BYTES (or exactly it), Content-Length honest, lying, absent or garbage
  | "labels" // valid events with long or weird sources and campaigns
  | "robot" // valid events from a robot (204, not counted)
  | "prefetch"; // valid events from a prefetch (204, not counted)

export const EVENT_KIND_WEIGHTS: Readonly<Record<EventKind, number>> = {
  view: 12,
  progress: 10,
  pixel: 16,
  method: 6,
  "content-type": 6,
  json: 8,
  shape: 16,
  oversized: 10,
  labels: 8,
  robot: 5,
  prefetch: 3,
};

export interface EventFuzzCase extends FuzzCase<"event", EventKind> {
  /** What the handler must answer, the rate limiter aside (a 429 when `limited`, except to a wrong method). */
  expectStatus: 204 | 400 | 405 | 413;
  /** 1 when the event must be counted (valid, from a browser, not a prefetch), unless answered 429. */
  expectCounted: number;
  /** The view counter a counted view adds one to. */
  view?: string;
  /** Net change of the `plus-loin` counters when counted: +1 for a progress from -1 (a form started), else 0 (+1 and -1). */
  furthestNet: number;
  /** A counted view of a landing page (one `source-vue` counter more). */
  landing: boolean;
}

type EventFields = Array<[string, Value]>;
const REMOVE = Symbol("remove");

const objectText = (fields: EventFields) => `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(",")}}`;

/** Sets `name` (every entry of it, or a new one at the end), or removes it. */
function setField(fields: EventFields, name: string, value: Value | typeof REMOVE): EventFields {
  if (value === REMOVE) return fields.filter(([k]) => k !== name);
  if (!fields.some(([k]) => k === name)) return [...fields, [name, value]];
  return fields.map(([k, v]): [string, Value] => (k === name ? [k, value] : [k, v]));
}

const SOURCES = ["newsletter", "Facebook", "facebook.com", "mairie-bondy", "", "Écho des communes", "ALEC 93", "t.co", "Lettre n°12"];
const CAMPAIGNS = ["printemps-2027", "Affiche Mairie", "", "relance 2", "été"];
/** Sources and campaigns a hostile page (or a person typing a link) sends. Some too long on purpose. */
const WEIRD_LABELS = [
  "\u0000", "\u0001evil", "\u001b[31mrouge", "a\u0000b", "\u007f", "\u202eevil", "\u200fnews\u200e", "\u2066x\u2069", "😀", "👩‍👩‍👧", "🇫🇷 France",
  "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "<b>", "</textarea>", "javascript:alert(1)", "../../etc/passwd", "a|b|c", "%7C", "%00",
  "Newsletter Mairie", "ÉCOLE", "e\u0301cole", "ﬁ", "İstanbul", "ß", "\ud800", "\udfff", "\ufeff", " ", "---", "...", "__proto__", "constructor",
  "a".repeat(MAX_SOURCE_CODE_POINTS), "a".repeat(MAX_SOURCE_CODE_POINTS + 1), "😀".repeat(MAX_SOURCE_CODE_POINTS), "😀".repeat(MAX_SOURCE_CODE_POINTS + 1),
  "x".repeat(10_000),
];
/** A JSON string spelled raw, unescaped: control characters, quotes and backslashes make it invalid or another value. */
const rawString = (text: string) => new Raw(`"${text}"`);

function weirdLabel(rng: Rng): string {
  return rng.chance(0.75) ? rng.pick(WEIRD_LABELS) : nastyString(rng, 4);
}

function viewFields(rng: Rng): EventFields {
  const fields: EventFields = [["type", "view"], ["service", EVENT_SERVICE]];
  if (rng.chance(0.85)) fields.push(["variant", rng.pick(VARIANT_VALUES)]); // absent: the main page
  fields.push(["page", rng.pick(PAGE_VALUES)]);
  if (rng.chance(0.4)) fields.push(["source", rng.pick(SOURCES)]);
  if (rng.chance(0.25)) fields.push(["campaign", rng.pick(CAMPAIGNS)]);
  return extraFields(rng, fields);
}

function progressFields(rng: Rng): EventFields {
  const from = rng.chance(0.4) ? -1 : rng.int(0, EVENT_QUESTIONS - 2);
  const to = rng.int(from + 1, EVENT_QUESTIONS - 1);
  const fields: EventFields = [["type", "progress"], ["service", EVENT_SERVICE]];
  if (rng.chance(0.85)) fields.push(["variant", rng.pick(VARIANT_VALUES)]);
  // Other spellings of the same integers: 3.0, 3e0, -0.
  fields.push(["from", rng.chance(0.1) ? new Raw(from === 0 ? rng.pick(["-0", "0.0", "0e5"]) : `${from}.0`) : from]);
  fields.push(["to", rng.chance(0.1) ? new Raw(`${to}e0`) : to]);
  return extraFields(rng, fields);
}

/** Fields the schema ignores, some named like Object.prototype members. */
function extraFields(rng: Rng, fields: EventFields): EventFields {
  const extras: EventFields = [
    ["from", 3], ["to", 5], ["page", "form"], ["__proto__", { type: "progress", polluted: true }], ["constructor", { prototype: { polluted: true } }],
    ["x", null], ["_elapsed", "1.2"], ["sourcé", "<script>"], ["", ""],
  ];
  let out = fields;
  if (rng.chance(0.15)) {
    const [name, value] = rng.pick(extras);
    // Only names the event does not use yet: page and from/to belong to one type each.
    if (!out.some(([k]) => k === name)) out = [...out, [name, value]];
  }
  return rng.chance(0.3) ? shuffle(rng, out) : out;
}

const BAD_SERVICES: readonly Value[] = [
  "__proto__", "constructor", "toString", "hasOwnProperty", "prototype", "valueOf", "CONSEIL-RENOVATION", " conseil-renovation", "conseil-renovation ",
  "conseil-renovation-2", "conseil_renovation", "conseil-r\u00e9novation", "conseil-renovation\u200b", "conseil-renovation\u0000", "inconnu", "", null, 0, true,
  ["conseil-renovation"], { service: "conseil-renovation" }, "a".repeat(101), "x".repeat(5000),
];
const BAD_VARIANTS: readonly Value[] = [
  "__proto__", "constructor", "toString", "Courte", "COURTE", "courte ", " detaillee", "détaillée", "principale", "main", "formulaire", "null", null, 1, [], {},
  ["courte"], false, "a".repeat(101), "courte\u0000",
];
const BAD_PAGES: readonly Value[] = ["Landing", "LANDING", "merci", "formulaire", "", " landing", "landing ", null, 0, ["landing"], { page: "form" }, "__proto__", "constructor"];
const BAD_TYPES: readonly Value[] = ["VIEW", "View", "views", "vue", "", " view", "progression", "submit", "__proto__", "constructor", null, 1, true, ["view"], { type: "view" }];
const BAD_INDEXES: readonly Value[] = [
  "0", "1", "-1", "", " 1", null, true, [], [1], {}, new Raw("1e20"), new Raw("9007199254740993"), new Raw(String(2 ** 53)), new Raw("-2"), new Raw("-1.5"),
  new Raw("0.5"), new Raw("1e400"), new Raw("-1e400"), new Raw("1e-400"), new Raw("-1e-400"), "NaN", "Infinity", "-Infinity", new Raw("12"), new Raw("99"),
  new Raw("-0.0"), new Raw(String(Number.MAX_SAFE_INTEGER)), new Raw("-9007199254740991"),
];
const BAD_LABEL_VALUES: readonly Value[] = [null, 1, 0, true, [], ["x"], {}, { label: "x" }, new Raw("1e400")];

/** One thing wrong (or, by chance, not wrong after all: the oracle decides) in a valid event. */
function wrongShape(rng: Rng): string {
  const progress = rng.chance(0.45);
  let fields = progress ? progressFields(rng) : viewFields(rng);
  const roll = rng.int(0, 13);
  switch (roll) {
    case 0:
      return rng.pick(["[]", "{}", "null", "42", '"view"', "true", "false", "0", "-1", '""', "[null]", "[{}]"]);
    case 1:
      return `[${objectText(fields)}]`;
    case 2:
      return objectText(setField(fields, "type", rng.chance(0.2) ? REMOVE : rng.pick(BAD_TYPES)));
    case 3:
    case 4:
      return objectText(setField(fields, "service", rng.chance(0.1) ? REMOVE : rng.pick(BAD_SERVICES)));
    case 5:
      return objectText(setField(fields, "variant", rng.pick(BAD_VARIANTS)));
    case 6:
      // The other type's fields: a view with from/to and no page, a progress with a page and no from/to.
      return objectText(setField(fields, "type", progress ? "view" : "progress"));
    case 7:
    case 8:
      if (progress) {
        fields = setField(fields, rng.pick(["from", "to"]), rng.chance(0.15) ? REMOVE : rng.pick(BAD_INDEXES));
        return objectText(fields);
      }
      return objectText(setField(fields, "page", rng.chance(0.15) ? REMOVE : rng.pick(BAD_PAGES)));
    case 9: {
      // from ≥ to, to past the last question, from below -1.
      const from = rng.pick([0, 3, 5, 11, 12, -2, -1]);
      const to = rng.pick([from, from - 1, EVENT_QUESTIONS, EVENT_QUESTIONS + 1, 0, -1, 1000]);
      return objectText([["type", "progress"], ["service", EVENT_SERVICE], ["variant", rng.pick(VARIANT_VALUES)], ["from", from], ["to", to]]);
    }
    case 10:
      return objectText(setField(fields, rng.pick(["source", "campaign"]), rng.pick(BAD_LABEL_VALUES)));
    case 11:
      // The same key twice: JSON.parse keeps the last one.
      return objectText([...fields, ["service", rng.pick(BAD_SERVICES)], ...(rng.chance(0.5) ? ([["service", EVENT_SERVICE]] as EventFields) : [])]);
    case 12:
      // Object.prototype's names as the whole event.
      return objectText([["__proto__", Object.fromEntries(fields.map(([k, v]) => [k, v])) as Value]]);
    default:
      return objectText(fields.map(([k, v]): [string, Value] => [rng.chance(0.3) ? rng.pick([k.toUpperCase(), ` ${k}`, `${k}\u0000`, `${k}s`]) : k, v]));
  }
}

/** Text that is not JSON, or JSON only once decoded (a BOM), or damaged at the byte level. */
function notJson(rng: Rng): Uint8Array {
  const valid = objectText(rng.chance(0.5) ? viewFields(rng) : progressFields(rng));
  const texts: Array<() => string> = [
    () => valid.slice(0, rng.int(0, valid.length - 1)),
    () => `{type:"view",service:"${EVENT_SERVICE}",page:"landing"}`,
    () => valid.replace(/"/g, "'"),
    () => valid.replace(/}$/, ",}"),
    () => `/* commentaire */${valid}`,
    () => `${valid}// fin`,
    () => `${valid}${valid}`,
    () => `${valid}x`,
    () => "",
    () => " ",
    () => "NaN",
    () => "undefined",
    () => valid.replace(/"to":\d+/, '"to":NaN').replace(/"page":"[a-z]+"/, '"page":undefined'),
    () => `\ufeff${valid}`, // stripped by the UTF-8 decoding: valid
    () => `${valid}\ufeff`,
    () => valid.replace(/"page":"landing"/, '"page":"land\u0001ing"').replace(/"service":"/, '"service":"\u0000'),
    () => `type=view&service=${EVENT_SERVICE}&variant=courte&page=landing`,
    () => `--x\r\nContent-Disposition: form-data; name="type"\r\n\r\nview\r\n--x--\r\n`,
    () => `${"[".repeat(1000)}${"]".repeat(1000)}`,
    () => `{"a":${"[".repeat(900)}${"]".repeat(900)}}`,
    () => valid.replace(/"service":"[^"]*"/, '"service":"\\ud800"'),
    () => valid.replace(/"service":"[^"]*"/, '"service":"\\u0063onseil-renovation"'), // valid: an escape for "c"
  ];
  const text = rng.pick(texts)();
  const bytes = rng.chance(0.25) ? damage(rng, bytesOf(text)).bytes : bytesOf(text);
  // Never two BOMs first: Node's Request.text() strips both (TextDecoder, one), a quirk of the
  // platform rather than of the handler, which the oracle would have to copy.
  const bom = [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf];
  return bom.every((b, i) => bytes[i] === b) ? bytes.subarray(3) : bytes;
}

/** A valid view with a weird source and campaign, escaped (JSON.stringify) or spelled raw. */
function labelsBody(rng: Rng): string {
  let fields = viewFields(rng);
  if (rng.chance(0.75)) fields = setField(fields, "page", "landing"); // sources are counted for landing pages only
  const raw = rng.chance(0.15);
  const value = (): Value => (raw ? rawString(weirdLabel(rng)) : weirdLabel(rng));
  if (rng.chance(0.85)) fields = setField(fields, "source", value());
  if (rng.chance(0.6)) fields = setField(fields, "campaign", value());
  return objectText(fields);
}

const BROWSER_AGENTS = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
];
/** What robots, previews, monitors and scripts call themselves (null: no User-Agent at all). */
const ROBOT_AGENTS: ReadonlyArray<string | null> = [
  null, "", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
  "curl/8.5.0", "Wget/1.21.4", "python-requests/2.32.3", "Python-urllib/3.12", "Go-http-client/1.1", "okhttp/4.12.0", "axios/1.7.7", "node-fetch/1.0", "undici",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "facebookexternalhit/1.1",
  "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "Chrome-Lighthouse",
  "Java/17.0.2", "Scrapy/2.11.2 (+https://scrapy.org)", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "Pingdom.com_bot_version_1.4",
  "Mozilla/5.0 (compatible; YandexBot/3.0)", "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Playwright/1.49",
];
const PREFETCH_HEADERS: ReadonlyArray<[string, string]> = [
  ["sec-purpose", "prefetch"], ["sec-purpose", "prefetch;prerender"], ["sec-purpose", "Prefetch"], ["purpose", "prefetch"], ["purpose", "preview"],
  ["x-moz", "prefetch"], ["x-purpose", "preview"],
];

const PIXEL_BAD_VALUES: Record<"service" | "variant" | "page", readonly string[]> = {
  service: ["", "__proto__", "constructor", "toString", "CONSEIL-RENOVATION", "conseil-renovation ", "conseil-renovation%00", "inconnu", "a".repeat(101), "😀"],
  variant: ["__proto__", "constructor", "Courte", "courte ", "principale", "détaillée", "a".repeat(101), "\u0000"],
  page: ["", "Landing", "merci", "formulaire", "__proto__", " landing", "landing\u0000"],
};

/** A page's address, as the Referer of a pixel: where utm_source / ref / utm_campaign are read from. */
function pixelReferer(rng: Rng): string | null {
  if (rng.chance(0.25)) return null;
  const enc = (text: string) => encodeQueryValue(rng, text);
  const page = `${FUZZ_ORIGIN}/${EVENT_SERVICE}/${rng.pick(["", "courte/", "detaillee/", "formulaire/"])}`;
  const referers: Array<() => string> = [
    () => `${page}?utm_source=${enc(weirdLabel(rng))}${rng.chance(0.6) ? `&utm_campaign=${enc(weirdLabel(rng))}` : ""}`,
    () => `${page}?ref=${enc(weirdLabel(rng))}&utm_source=${rng.chance(0.5) ? "" : enc(rng.pick(SOURCES))}`,
    () => `${page}?utm_source=${enc(rng.pick(SOURCES))}&utm_campaign=${enc(rng.pick(CAMPAIGNS))}`,
    () => `${page}?utm_source=${"%3C".repeat(rng.int(1, 3000))}script`,
    () => `${page}?utm_source=${"a".repeat(rng.pick([41, 1000, 10_000]))}`,
    () => `${page}?${"utm_source=x&".repeat(rng.int(2, 500))}`,
    () => page,
    () => rng.pick(["https://www.facebook.com/", "https://t.co/abc", "android-app://com.google.android.gm/", "https://www.google.fr/search?q=r%C3%A9novation"]),
    () => rng.pick(["javascript:alert(1)", "javascript:alert(1)//?utm_source=<script>", "data:text/html,<script>alert(1)</script>?utm_source=%3Cb%3E", "vbscript:x"]),
    () => rng.pick(["not a url", "", " ", "//evil.example/?utm_source=x", "/conseil-renovation/?utm_source=relatif", "http://[::1", "http://%zz/", "http://a b/", "https://"]),
    () => `${page}?utm_source=${nastyString(rng, 4)}&utm_campaign=${nastyString(rng, 4)}`, // raw: the header carries it as bytes
  ];
  return headerSafe(rng.pick(referers)());
}

/** The query of a pixel: valid mostly, with something wrong, repeated, odd or huge now and then. */
function pixelQuery(rng: Rng, valid: boolean): string {
  let params: Array<[string, string]> = [["service", EVENT_SERVICE]];
  if (rng.chance(0.8)) params.push(["variant", rng.pick(VARIANT_VALUES)]);
  params.push(["page", rng.pick(PAGE_VALUES)]);
  if (!valid) {
    const name = rng.pick(["service", "variant", "page"] as const);
    const roll = rng.int(0, 5);
    if (roll <= 1) params = params.map(([k, v]): [string, string] => [k, k === name ? rng.pick(PIXEL_BAD_VALUES[name]) : v]);
    else if (roll === 2) params = params.filter(([k]) => k !== name);
    else if (roll === 3) params = [[name, rng.pick(PIXEL_BAD_VALUES[name])], ...params]; // the first one is read
    else if (roll === 4) params = params.map(([k, v]): [string, string] => [rng.chance(0.4) ? rng.pick([k.toUpperCase(), `${k}[]`, ` ${k}`, `${k}%00`]) : k, v]);
    else params.push([name, nastyString(rng, 3)]); // a second one: ignored
  }
  if (rng.chance(0.2)) params.push([rng.pick(["utm_source", "source", "campaign", "__proto__", "constructor", "type", "from", "to"]), weirdLabel(rng)]);
  if (rng.chance(0.03)) params.push(["x", "a".repeat(rng.pick([2000, 10_000]))]);
  const ordered = rng.chance(0.3) ? shuffle(rng, params) : params;
  let query = ordered.map(([k, v]) => `${encodeQueryValue(rng, k)}=${encodeQueryValue(rng, v)}`).join(rng.chance(0.95) ? "&" : rng.pick(["&&", ";", "&amp;"]));
  if (rng.chance(0.05)) query += rng.pick(["&", "&=", "&page", "#frag", "&service=%", "&%zz=1"]);
  return query;
}

/** Sizes over the limit, some just over, some ~100 times over. */
function eventOversize(rng: Rng): number {
  return rng.pick([MAX_EVENT_BYTES + 1, MAX_EVENT_BYTES + rng.int(2, 4096), rng.int(MAX_EVENT_BYTES, 200_000), rng.int(100_000, 200_000)]);
}

function eventContentLength(rng: Rng, length: number): string | null {
  const roll = rng.float();
  if (roll < 0.45) return null;
  if (roll < 0.7) return String(length); // honest
  if (roll < 0.88) return String(rng.pick([0, 10, Math.max(0, length - 1), length + 1, MAX_EVENT_BYTES, MAX_EVENT_BYTES + 1, 100 * 1024 * 1024, 10 ** 12])); // lying
  return rng.pick(["abc", "-1", "1e400", " 12 ", "0x800", "0x801", "99999999999999999999", "", "1,2", "NaN", "Infinity", "-Infinity", "+5"]);
}

/** The event as the handler's rules accept it, read again from the beacon's specification. */
type CheckedEvent =
  | { type: "view"; service: string; variant: string; page: string }
  | { type: "progress"; service: string; variant: string; from: number; to: number };

function checkedEvent(input: unknown): CheckedEvent | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
  const o = input as Record<string, unknown>;
  if (o.service !== EVENT_SERVICE) return undefined;
  const variant = o.variant === undefined ? "" : o.variant;
  if (typeof variant !== "string" || !VARIANT_VALUES.includes(variant)) return undefined;
  if (o.type === "view") {
    if (typeof o.page !== "string" || !PAGE_VALUES.includes(o.page)) return undefined;
    for (const text of [o.source, o.campaign]) {
      if (text !== undefined && (typeof text !== "string" || [...text].length > MAX_SOURCE_CODE_POINTS)) return undefined;
    }
    return { type: "view", service: EVENT_SERVICE, variant, page: o.page };
  }
  if (o.type === "progress") {
    const { from, to } = o;
    if (typeof from !== "number" || typeof to !== "number" || !Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return undefined;
    if (from < -1 || to < 0 || to >= EVENT_QUESTIONS || from >= to) return undefined;
    return { type: "progress", service: EVENT_SERVICE, variant, from, to };
  }
  return undefined;
}

/**
 * What the handler must answer (before its robot and prefetch test, which turn a counted 204
 * into an uncounted one): 405 to another method; for a pixel, the event its query names; for a
 * beacon, 413 when its Content-Length or its text is over the limit, 400 when it is not JSON,
 * then the event it holds. The probe request is built as the handler's will be (method spelling,
 * URL and headers as the platform reads them).
 */
function expectedEvent(method: string, url: string, headers: Array<[string, string]>, body: VirtualBody | undefined): { status: 204 | 400 | 405 | 413; event?: CheckedEvent } {
  const probe = new Request(url, { method, headers });
  if (probe.method !== "GET" && probe.method !== "POST") return { status: 405 };
  let input: unknown;
  if (probe.method === "GET") {
    const query = new URL(probe.url).searchParams;
    input = { type: "view", service: query.get("service") ?? "", variant: query.get("variant") ?? "", page: query.get("page") ?? "" };
  } else {
    if (Number(probe.headers.get("content-length") ?? "0") > MAX_EVENT_BYTES) return { status: 413 };
    if (body && body.length > MAX_EVENT_BYTES) return { status: 413 };
    // Decoded as Request.text() does: invalid bytes become U+FFFD (3 bytes), a leading BOM goes.
    const text = body ? new TextDecoder().decode(body.whole()) : "";
    if (bytesOf(text).length > MAX_EVENT_BYTES) return { status: 413 };
    try {
      input = JSON.parse(text) as unknown;
    } catch {
      return { status: 400 };
    }
  }
  const event = checkedEvent(input);
  return event ? { status: 204, event } : { status: 400 };
}

export interface EventCaseOptions {
  kinds?: readonly EventKind[];
  limitedShare?: number;
}

export function eventCase(seed: number, index: number, options: EventCaseOptions = {}): EventFuzzCase {
  const rng = new Rng(caseSeed(seed, index, 3));
  const weights = options.kinds ? Object.fromEntries(options.kinds.map((k) => [k, EVENT_KIND_WEIGHTS[k]])) as Record<EventKind, number> : EVENT_KIND_WEIGHTS;
  const kind = rng.weighted(weights);
  const limited = rng.chance(options.limitedShare ?? 0.6);
  // ~20 ms a request: 2,000 requests span ~40 s, so one client sending most of them passes the
  // event limit (600 a minute), and the run crosses midnight in Paris (EVENT_T0).
  const clockStep = rng.int(0, 40);

  // Robots and prefetches send valid events too: both answered 204, neither counted.
  const asPixel = (kind === "robot" || kind === "prefetch" || kind === "labels") && rng.chance(0.4);
  let method: string;
  if (kind === "method") method = rng.pick(["HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "put", "Patch", "delete", "options", "PROPFIND", "FOO", "M-SEARCH"]);
  else if (kind === "pixel" || asPixel) method = rng.chance(0.95) ? "GET" : "get";
  else method = rng.chance(0.95) ? "POST" : rng.pick(["post", "Post"]);
  const canHaveBody = !["GET", "HEAD"].includes(method.toUpperCase());

  let url = EVENT_URL;
  const headers: Array<[string, string]> = [];
  let body: VirtualBody | undefined;
  let format = "json";
  let note = "";

  if (method.toUpperCase() === "GET") {
    const valid = kind !== "pixel" || rng.chance(0.55);
    url = `${EVENT_URL}?${pixelQuery(rng, valid)}`;
    const referer = kind === "labels" ? headerSafe(`${FUZZ_ORIGIN}/${EVENT_SERVICE}/?utm_source=${encodeQueryValue(rng, weirdLabel(rng))}&utm_campaign=${encodeQueryValue(rng, weirdLabel(rng))}`) : pixelReferer(rng);
    if (referer !== null) headers.push(["referer", referer]);
    if (rng.chance(0.4)) headers.push(["accept", "image/avif,image/webp,image/png,image/*;q=0.8,*/*;q=0.5"]);
  } else if (canHaveBody) {
    // A beacon's query is ignored; a hostile one now and then.
    if (rng.chance(0.05)) url = `${EVENT_URL}?${pixelQuery(rng, rng.chance(0.5))}`;
    let text: string | undefined;
    let bytes: Uint8Array | undefined;
    switch (kind) {
      case "method":
        if (rng.chance(0.5)) body = rng.chance(0.3) ? virtualBody(bytesOf(objectText(viewFields(rng))), bytesOf(" "), eventOversize(rng)) : virtualBody(bytesOf(objectText(viewFields(rng))));
        break;
      case "json":
        bytes = notJson(rng);
        format = "not-json";
        break;
      case "shape":
        text = wrongShape(rng);
        break;
      case "labels":
        text = labelsBody(rng);
        break;
      case "oversized": {
        const exact = rng.chance(0.15);
        const fields = rng.chance(0.5) ? viewFields(rng) : progressFields(rng);
        if (exact || rng.chance(0.5)) {
          // A valid event, then whitespace (still JSON): over the limit, or exactly at it (counted).
          const head = bytesOf(objectText(fields));
          const size = exact ? rng.pick([MAX_EVENT_BYTES - 1, MAX_EVENT_BYTES]) : eventOversize(rng);
          body = virtualBody(head, bytesOf(rng.pick([" ", "\n", "\t", "\r\n"])), Math.max(0, size - head.length));
          note = exact ? "juste à la limite" : "espaces après l'évènement";
        } else {
          // A padding field inside the event, in whole UTF-8 units.
          const head = bytesOf(`${objectText(fields).slice(0, -1)},"bourrage":"`);
          const tail = bytesOf('"}');
          const filler = bytesOf(rng.pick(["a", "é", "😀", "\\u00e9", "<"]));
          let fill = Math.max(0, eventOversize(rng) - head.length - tail.length);
          fill -= fill % filler.length;
          if (head.length + fill + tail.length <= MAX_EVENT_BYTES) fill += MAX_EVENT_BYTES;
          body = virtualBody(head, filler, fill, tail);
          note = "champ de bourrage";
        }
        break;
      }
      case "progress":
        text = objectText(progressFields(rng));
        break;
      case "view":
      case "content-type":
      case "robot":
      case "prefetch":
        text = objectText(rng.chance(0.6) ? viewFields(rng) : progressFields(rng));
        break;
      default:
        break;
    }
    if (text !== undefined) bytes = bytesOf(text);
    if (bytes !== undefined) body = virtualBody(bytes);
    if (kind === "content-type") {
      const ct = rng.pick([null, "", "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "image/png", "application/jsonx", "😀", "a".repeat(2000)]);
      if (ct !== null) headers.push(["content-type", headerSafe(ct)]);
      note = `content-type ${JSON.stringify(ct)}`;
    } else if (body || rng.chance(0.7)) {
      // sendBeacon with a string sends text/plain; fetch with a Blob or a header, JSON.
      headers.push(["content-type", rng.pick(["application/json", "application/json", "text/plain;charset=UTF-8", "application/json; charset=utf-8", "APPLICATION/JSON"])]);
    }
  }

  let delivery: BodyInfo["delivery"] = "none";
  let chunk = 0;
  let contentLength: string | null = null;
  if (body) {
    delivery = kind === "oversized" || rng.chance(0.5) ? "stream" : "bytes";
    if (kind === "oversized" && rng.chance(0.3)) delivery = "bytes";
    chunk = delivery === "stream" ? chunkFor(rng, body.length) : 0;
    contentLength = eventContentLength(rng, body.length);
  } else if (canHaveBody && rng.chance(0.2)) {
    contentLength = rng.pick(["0", "10", String(MAX_EVENT_BYTES + 1), "abc"]);
  }
  if (contentLength !== null) headers.push(["content-length", contentLength]);

  // What is owed depends on the method, URL, Content-Length and body only: the senders' headers come after.
  const expected = expectedEvent(method, url, headers, body);
  const valid = expected.status === 204;
  let counted = valid;
  if (kind === "robot" || (valid && kind !== "prefetch" && rng.chance(0.1))) {
    const agent = rng.pick(ROBOT_AGENTS);
    if (agent !== null) headers.push(["user-agent", agent]);
    counted = false;
  } else if (valid || rng.chance(0.6)) {
    headers.push(["user-agent", rng.pick(BROWSER_AGENTS)]);
  } else if (rng.chance(0.5)) {
    // Anything at all, robot or not: the event is refused whoever sends it.
    headers.push(["user-agent", headerSafe(rng.chance(0.5) ? nastyString(rng, 3) : `${rng.pick(BROWSER_AGENTS)} ${nastyString(rng, 2)}`)]);
  }
  if (kind === "prefetch") {
    headers.push([...rng.pick(PREFETCH_HEADERS)]);
    counted = false;
  }
  if (rng.chance(0.3)) headers.push(["sec-fetch-dest", rng.pick(["image", "empty", "document"])]);
  if (rng.chance(0.3)) headers.push(["origin", rng.chance(0.8) ? FUZZ_ORIGIN : headerSafe(rng.pick(CROSS_SITE_ORIGINS))]);
  // Most from one client (no forwarding header: "local"), as a script would, so the limiter bites.
  if (rng.chance(0.5)) headers.push(...clientHeader(rng));

  const event = expected.event;
  const info: BodyInfo | undefined = body ? { format, contentType: headers.find(([k]) => k === "content-type")?.[1] ?? null, length: body.length, delivery, chunk: chunk || undefined, contentLength, note } : undefined;
  const base = { target: "event" as const, seed, index, kind, method, url, headers, body: info, honeypot: false, limited, clockStep };
  const expectation = {
    expectStatus: expected.status,
    expectCounted: counted ? 1 : 0,
    view: counted && event?.type === "view" ? counter.view(event.service, event.variant, event.page) : undefined,
    furthestNet: counted && event?.type === "progress" && event.from === -1 ? 1 : 0,
    landing: counted && event?.type === "view" && event.page === "landing",
  };
  return {
    ...base,
    ...expectation,
    request: () => makeRequest(method, url, headers, body ? { body, delivery: delivery === "stream" ? "stream" : "bytes", chunk } : undefined),
    describe: () => `${describeCase(base)} → attendu ${expectation.expectStatus}${expectation.expectCounted ? ", compté" : expectation.expectStatus === 204 ? ", non compté" : ""}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Stats (/api/stats, /stats/) and split (a service's main address): pages, hostile only in their
// requests. What each must answer is decided from the request as the platform parses it.

export type StatsKind = "method" | "path" | "query" | "headers";
export type SplitKind = "main" | "slug" | "method" | "query" | "headers";

export const STATS_KIND_WEIGHTS: Readonly<Record<StatsKind, number>> = { method: 25, path: 25, query: 25, headers: 25 };
export const SPLIT_KIND_WEIGHTS: Readonly<Record<SplitKind, number>> = { main: 25, slug: 30, method: 10, query: 20, headers: 15 };

export interface PageFuzzCase extends FuzzCase<"stats" | "split", StatsKind | SplitKind> {
  expectStatus: 200 | 302 | 404 | 405;
  /** stats: the JSON report (/api/stats) rather than the page. */
  expectJson?: boolean;
  /** split: the addresses a 302 may send to (the variants' pages, the query kept). */
  expectLocations?: string[];
}

const STATS_PATHS = [
  "/api/stats", "/api/stats/", "/stats/", "/stats", "/stats/index.html", "/api/stats/../stats/", "/API/STATS", "/api/stats.json", "/stats/%3Cscript%3E",
  "/stats/<script>", `/stats/${"a".repeat(5000)}`, "/api//stats", "/api/stats/%2e%2e/", "/stats/?", "/", "/__proto__", "/api/stats/constructor",
];
export const PAGE_METHODS = ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "post", "put", "delete", "options", "Patch", "PROPFIND", "FOO", "M-SEARCH"];

function hostileQuery(rng: Rng): string {
  const params: Array<[string, string]> = [];
  for (let i = rng.int(1, 6); i > 0; i--) {
    params.push([rng.pick(["utm_source", "utm_campaign", "ref", "format", "service", "variant", "jour", "from", "__proto__", "constructor", "callback", "q", "x[]", ""]), rng.chance(0.5) ? weirdLabel(rng) : nastyString(rng, 3)]);
  }
  let query = params.map(([k, v]) => `${encodeQueryValue(rng, k)}=${encodeQueryValue(rng, v)}`).join("&");
  if (rng.chance(0.1)) query += rng.pick(["&", "&=", "#frag", "&%zz", "%", "&a=%E9%"]);
  if (rng.chance(0.03)) query += `&long=${"a".repeat(rng.pick([2000, 20_000]))}`;
  return query;
}

/** Headers a page request may carry, hostile ones included; never what decides the status. */
export function pageHeaders(rng: Rng, hostile: boolean): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  if (rng.chance(0.7)) headers.push(["user-agent", rng.chance(hostile ? 0.4 : 0.9) ? rng.pick(BROWSER_AGENTS) : headerSafe(rng.chance(0.5) ? nastyString(rng, 4) : (rng.pick(ROBOT_AGENTS) ?? ""))]);
  if (rng.chance(0.5)) headers.push(["accept", headerSafe(rng.pick(["text/html", "application/json", "*/*", "image/*", "", "😀", "text/html;q=0.9, application/json", "a".repeat(3000)]))]);
  headers.push(...clientHeader(rng));
  if (hostile) {
    const extras: Array<() => [string, string]> = [
      () => ["referer", headerSafe(rng.pick(["javascript:alert(1)", "not a url", `${FUZZ_ORIGIN}/?utm_source=<script>`, "x".repeat(10_000)]))],
      () => ["if-none-match", rng.pick(['"abc"', "*", "W/\"x\"", "", "a".repeat(1000)])],
      () => ["if-modified-since", rng.pick(["Sat, 29 Oct 1994 19:43:31 GMT", "garbage", "", "0"])],
      () => ["range", rng.pick(["bytes=0-10", "bytes=-1", "bytes=999999999-", "garbage"])],
      () => ["cookie", headerSafe(rng.chance(0.5) ? `a=${"b".repeat(rng.int(10, 8000))}` : nastyString(rng, 4))],
      () => ["accept-encoding", rng.pick(["gzip, br", "identity;q=0", "*;q=0", "x", ""])],
      () => ["accept-language", headerSafe(nastyString(rng, 3))],
      () => ["x-nf-client-connection-ip", headerSafe(rng.pick(["", " ", "::ffff:1.2.3.4", "1.2.3.4", nastyString(rng, 2)]))],
      () => [rng.pick(["sec-purpose", "purpose", "x-moz"]), rng.pick(["prefetch", "prerender", "preview"])],
      () => ["x-forwarded-host", rng.pick(["evil.example", "localhost:8888", ""])],
      () => ["content-type", headerSafe(rng.pick(["application/json", "text/plain", "multipart/form-data", "😀"]))],
    ];
    for (let i = rng.int(1, 4); i > 0; i--) headers.push(rng.pick(extras)());
  }
  return headers;
}

export function statsCase(seed: number, index: number): PageFuzzCase {
  const rng = new Rng(caseSeed(seed, index, 4));
  const kind = rng.weighted(STATS_KIND_WEIGHTS);
  const method = kind === "method" ? rng.pick(PAGE_METHODS) : rng.chance(0.8) ? "GET" : rng.pick(["HEAD", "get", "head"]);
  const path = kind === "path" ? rng.pick(STATS_PATHS) : rng.pick(["/api/stats", "/stats/"]);
  const query = kind === "query" || rng.chance(0.1) ? hostileQuery(rng) : "";
  const url = `${FUZZ_ORIGIN}${path}${query ? `?${query}` : ""}`;
  const headers = pageHeaders(rng, kind === "headers" || rng.chance(0.2));
  const canHaveBody = !["GET", "HEAD"].includes(method.toUpperCase());
  const body = canHaveBody && rng.chance(0.4) ? virtualBody(bytesOf('{"a":'), bytesOf("1"), rng.pick([0, 100, 100_000]), bytesOf("}")) : undefined;
  const chunk = body ? chunkFor(rng, body.length) : 0;
  const probe = new Request(url, { method, headers });
  const read = probe.method === "GET" || probe.method === "HEAD";
  const pathname = new URL(probe.url).pathname;
  const info: BodyInfo | undefined = body ? { format: "json", contentType: null, length: body.length, delivery: "stream", chunk, contentLength: null, note: "" } : undefined;
  const base = { target: "stats" as const, seed, index, kind, method, url, headers, body: info, honeypot: false, limited: false, clockStep: rng.int(0, 1000) };
  const expectation = { expectStatus: read ? (200 as const) : (405 as const), expectJson: read && (pathname === "/api/stats" || pathname === "/api/stats/") };
  return {
    ...base,
    ...expectation,
    request: () => makeRequest(method, url, headers, body ? { body, delivery: "stream", chunk } : undefined),
    describe: () => `${describeCase(base)} → attendu ${expectation.expectStatus}`,
  };
}

const SPLIT_MAIN = [`/${EVENT_SERVICE}/`, `/${EVENT_SERVICE}`, `/${EVENT_SERVICE}/./`, `/x/../${EVENT_SERVICE}/`, `/${EVENT_SERVICE}/%2e/`];
const SPLIT_OTHER = [
  "/", "", `/${EVENT_SERVICE}/courte/`, `/${EVENT_SERVICE}/detaillee/`, `/${EVENT_SERVICE}/formulaire/`, `/${EVENT_SERVICE}/merci/`, `/${EVENT_SERVICE}//`,
  `//${EVENT_SERVICE}/`, `/${EVENT_SERVICE}/index.html`, `/${EVENT_SERVICE.toUpperCase()}/`, `/${EVENT_SERVICE}-/`, `/conseil%2Drenovation/`, `/${EVENT_SERVICE}%2F`,
  `/${EVENT_SERVICE}%00/`, `/${EVENT_SERVICE}/..`, "/stats/", "/api/stats", "/api/event", "/404.html", "/favicon.ico", "/.netlify/functions/landing",
];

export function splitCase(seed: number, index: number): PageFuzzCase {
  const rng = new Rng(caseSeed(seed, index, 5));
  const kind = rng.weighted(SPLIT_KIND_WEIGHTS);
  const method = kind === "method" ? rng.pick([...PAGE_METHODS, "HEAD", "head"]) : rng.chance(0.9) ? "GET" : rng.pick(["HEAD", "get"]);
  let path: string;
  if (kind === "slug") path = rng.chance(0.6) ? `/${rng.pick(BAD_SLUGS)}/` : rng.pick(SPLIT_OTHER);
  else path = rng.chance(0.85) ? rng.pick(SPLIT_MAIN.slice(0, 2)) : rng.pick(SPLIT_MAIN);
  const query = kind === "query" ? hostileQuery(rng) : rng.chance(0.2) ? `utm_source=${encodeQueryValue(rng, rng.pick(SOURCES))}&utm_campaign=${encodeQueryValue(rng, rng.pick(CAMPAIGNS))}` : "";
  const url = `${FUZZ_ORIGIN}${path}${query ? `?${query}` : ""}`;
  const headers = pageHeaders(rng, kind === "headers" || rng.chance(0.2));
  const probe = new URL(new Request(url, { method, headers }).url);
  // Only the main address splits (whatever the method: a link, a form or a reload all land there); nothing else is a page here.
  const main = probe.pathname === `/${EVENT_SERVICE}/` || probe.pathname === `/${EVENT_SERVICE}`;
  const base = { target: "split" as const, seed, index, kind, method, url, headers, honeypot: false, limited: false, clockStep: rng.int(0, 60_000) };
  const expectation = {
    expectStatus: main ? (302 as const) : (404 as const),
    expectLocations: main ? EVENT_VARIANTS.map((v) => `/${EVENT_SERVICE}/${v}/${probe.search}`) : undefined,
  };
  return {
    ...base,
    ...expectation,
    request: () => makeRequest(method, url, headers),
    describe: () => `${describeCase(base)} → attendu ${expectation.expectStatus}`,
  };
}

// ---------------------------------------------------------------------------------------------
// The measuring handlers under test, and what the ledger must hold once a run is over

/** 2026-11-29T22:59:40Z, 23:59:40 in Paris: the events' clock crosses midnight there during a run. */
export const EVENT_T0 = Date.parse("2026-11-29T22:59:40Z");

export interface StatsFuzzTargets {
  handlers: { event: Handler; eventLimited: Handler; stats: Handler; split: Handler };
  /** Runs an event case (moving the clock first) and checks the answer against what the case expects. */
  runEvent(c: EventFuzzCase): Promise<Outcome>;
  runPage(c: PageFuzzCase): Promise<Outcome>;
}

/**
 * The real event handler on the given ledger, with and without the real rate limit
 * (RATE_LIMITS.event), the stats handler on the same ledger (folding from 20 loose documents, so
 * that its reads stay short and folding runs on what the fuzzing wrote), and the split handler;
 * one injected clock for all.
 */
export function statsFuzzTargets({ forms, ledger }: { forms: PublishedForms; ledger: CountLedger }): StatsFuzzTargets {
  let clock = EVENT_T0;
  const now = () => clock;
  const handlers = {
    event: createEventHandler({ forms, ledger, now }),
    eventLimited: createEventHandler({ forms, ledger, now, limiter: createRateLimiter({ ...RATE_LIMITS.event, now }) }),
    stats: createStatsHandler({ forms, ledger, now, compactAbove: 20 }),
    split: createSplitHandler({ forms, now }),
  };
  return {
    handlers,
    async runEvent(c) {
      clock += c.clockStep;
      const { response, ...outcome } = await runCase(c.limited ? handlers.eventLimited : handlers.event, c, MAX_EVENT_BYTES);
      const limitedOut = outcome.status === 429 && c.limited && c.expectStatus !== 405;
      if (outcome.status < 500 && outcome.status !== c.expectStatus && !limitedOut) outcome.violations.push(`statut ${outcome.status}, ${c.expectStatus} attendu`);
      if (outcome.status === 405 && response?.headers.get("allow") !== "GET, POST") outcome.violations.push(`405 avec allow: ${response?.headers.get("allow")}`);
      return outcome;
    },
    async runPage(c) {
      clock += c.clockStep;
      const handler = c.target === "stats" ? handlers.stats : handlers.split;
      const { response, ...outcome } = await runCase(handler, c);
      const v = outcome.violations;
      if (outcome.status < 500 && outcome.status !== c.expectStatus) v.push(`statut ${outcome.status}, ${c.expectStatus} attendu`);
      if (!response || outcome.status !== c.expectStatus) return outcome;
      const type = response.headers.get("content-type") ?? "";
      if (outcome.status === 405 && !response.headers.get("allow")) v.push("405 sans en-tête allow");
      if (c.target === "stats" && outcome.status === 200 && !type.startsWith(c.expectJson ? "application/json" : "text/html")) v.push(`content-type ${type}, ${c.expectJson ? "JSON" : "HTML"} attendu`);
      if (outcome.status === 302) {
        const location = response.headers.get("location") ?? "";
        if (!c.expectLocations?.includes(location)) v.push(`location ${JSON.stringify(location)}, l'une de ${JSON.stringify(c.expectLocations)} attendue`);
        if (response.headers.get("cache-control") !== "no-store") v.push(`302 avec cache-control: ${response.headers.get("cache-control")}`);
        // The same visitor, the same day: the same variant.
        const again = await handler(c.request().request);
        if (again.headers.get("location") !== location) v.push(`variante instable : ${location} puis ${again.headers.get("location")}`);
      }
      return outcome;
    },
  };
}

/** What the counted events add up to, from the cases' expectations and the statuses they got. */
export interface EventTally {
  /** Events answered 204 that the case says count. */
  counted: number;
  /** Valid events answered 204 and not counted (robots, prefetches). */
  ignored: number;
  /** Events refused by the rate limiter. */
  limitedOut: number;
  views: Map<string, number>;
  furthestNet: number;
  landing: number;
}

export const emptyTally = (): EventTally => ({ counted: 0, ignored: 0, limitedOut: 0, views: new Map(), furthestNet: 0, landing: 0 });

/** Adds one answered case to the tally: a 204 to a case that counts is one counted event; a 429, none. */
export function tallyEvent(tally: EventTally, c: EventFuzzCase, status: number): void {
  if (status === 429) tally.limitedOut++;
  if (status !== 204 || c.expectStatus !== 204) return;
  if (c.expectCounted === 0) {
    tally.ignored++;
    return;
  }
  tally.counted++;
  if (c.view) tally.views.set(c.view, (tally.views.get(c.view) ?? 0) + 1);
  tally.furthestNet += c.furthestNet;
  if (c.landing) tally.landing++;
}

const LABEL = /^[a-z0-9._-]{1,40}$/;
/** A counter's part that must not reach a page: markup, control and format characters (RTL marks…). */
const UNSAFE_PART = /[<>"'`&\p{Cc}\p{Cf}]/u;

/**
 * The ledger holds exactly the counted events: view counters equal to the tally's, `plus-loin`
 * counters adding up to the forms started, one `source-vue` per landing view, no campaign without
 * one; its folder holds nothing but `jours/<day>/e|f/…` documents of counts, whose counters'
 * parts are all plain (sources and campaigns as labels).
 */
export async function ledgerViolations(ledger: CountLedger, dir: string, tally: EventTally): Promise<string[]> {
  const violations: string[] = [];
  const views = new Map<string, number>();
  let furthest = 0;
  let sources = 0;
  let campaigns = 0;
  for (const counts of (await ledger.read()).values()) {
    for (const [key, n] of Object.entries(counts)) {
      const { kind } = parseCounter(key);
      if (kind === "vue") views.set(key, (views.get(key) ?? 0) + n);
      else if (kind === "plus-loin") furthest += n;
      else if (kind === "source-vue") sources += n;
      else if (kind === "campagne-vue") campaigns += n;
      else violations.push(`compteur inattendu : ${key}`);
    }
  }
  for (const key of new Set([...views.keys(), ...tally.views.keys()])) {
    const got = views.get(key) ?? 0;
    const want = tally.views.get(key) ?? 0;
    if (got !== want) violations.push(`${key} : ${got} compté(s), ${want} attendu(s)`);
  }
  if (furthest !== tally.furthestNet) violations.push(`compteurs plus-loin : ${furthest} au total, ${tally.furthestNet} attendu(s) (formulaires commencés)`);
  if (sources !== tally.landing) violations.push(`compteurs source-vue : ${sources} au total, ${tally.landing} attendu(s) (vues de pages d'accueil)`);
  if (campaigns > tally.landing) violations.push(`compteurs campagne-vue : ${campaigns} au total, plus que les ${tally.landing} vues de pages d'accueil`);

  for (const file of await filesUnder(dir)) {
    const path = file.split(sep).join("/");
    const fold = /^jours\/\d{4}-\d{2}-\d{2}\/f\/\d+\.json$/.test(path);
    if (!fold && !/^jours\/\d{4}-\d{2}-\d{2}\/e\/[a-z0-9]+-[0-9a-f]{16}\.json$/.test(path)) {
      violations.push(`fichier inattendu : ${path}`);
      continue;
    }
    const text = await readFile(join(dir, file), "utf8");
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      violations.push(`${path} : pas du JSON`);
      continue;
    }
    const counts = fold ? (doc as { counts?: unknown } | null)?.counts : doc;
    if (typeof counts !== "object" || counts === null || Array.isArray(counts)) {
      violations.push(`${path} : pas des comptes : ${text.slice(0, 200)}`);
      continue;
    }
    for (const [key, n] of Object.entries(counts)) {
      if (!Number.isSafeInteger(n) || (!fold && n === 0)) violations.push(`${path} : ${key} = ${JSON.stringify(n)}`);
      const { kind, parts } = parseCounter(key);
      const unsafe = parts.find((part) => UNSAFE_PART.test(part));
      if (unsafe !== undefined) violations.push(`${path} : ${JSON.stringify(key)} contient ${JSON.stringify(unsafe)}`);
      const labels = kind === "source-vue" ? parts.slice(2) : kind === "campagne-vue" ? parts.slice(1) : [];
      for (const label of labels) if (!LABEL.test(label)) violations.push(`${path} : ${JSON.stringify(key)}, ${JSON.stringify(label)} n'est pas une étiquette`);
    }
  }
  return violations;
}
