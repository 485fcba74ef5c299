// Query analysis: what a query's tokens are (words, numbers, suffixes…) and which words of the
// vocabulary each may match (itself, the words it begins while the citizen types, known words a
// typo or two away), all worked out once, before any document is read: the scorer (score.ts) then
// compares vocabulary ids only.
import { editDistance } from "./edit-distance.ts";
import type { AddressType } from "./geocodejson.ts";
import { letterMask, type IndexReader } from "./index-reader.ts";
import { fold, HOUSE_SUFFIXES, isNumber, STOPWORDS, tokenize } from "./normalize.ts";

export interface SearchOptions {
  limit?: number;
  /** Match the last word as a prefix (default true, as the BAN's API). */
  autocomplete?: boolean;
  type?: AddressType;
  postcode?: string;
  citycode?: string;
  /** Prefer results near this point (the BAN's lat/lon). */
  lat?: number;
  lon?: number;
}

// What a query's word may match, and how much it is worth.
export const EXACT = 1;
export const PREFIX = 0.85;
const ONE_EDIT = 0.7;
const TWO_EDITS = 0.55;
/** Stop words and house number suffixes are not required; an address that has them answers better. */
const OPTIONAL_WEIGHT = 0.25;

/**
 * What a token of the query is, which decides whether a result must have it:
 * - "word": every result has it (or a prefix or typo of it);
 * - "stopword": a small word ("de", "la"), or the "e" of "11e": counts when found, not required;
 * - "number": a house number, a postcode, or a number of the street's name ("8 mai 1945"): not
 *   required, but results that have every number come first (engine.ts);
 * - "suffix": "bis", "b"… after a number, its house number's suffix: counts when found, not required;
 * - "arrondissement": the number of "Paris 11e", matched as a word, never as a house number.
 */
export type TermKind = "word" | "stopword" | "number" | "suffix" | "arrondissement";

/** "11e", "1er": the ordinal marks of an arrondissement. */
const ORDINALS = new Set(["e", "er"]);

export interface Term {
  kind: TermKind;
  token: string;
  /** The vocabulary id of the word itself, or -1. */
  exact: number;
  /** Ranges of vocabulary ids [from, to) of the words it begins (the vocabulary is sorted). */
  ranges: number[];
  /** Known words one or two edits away, with their weight. */
  typos: Map<number, number> | undefined;
  /** How much the term counts in the score. */
  weight: number;
}

/** What a pass asks: the words as typed; with typos and words split or glued; or most words only. */
export type Pass = "strict" | "fuzzy" | "loose";

/** The number of 1 bits: the letters two words do not share. */
function bits(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The known words a typo or two away, with their weight: one edit, or two when the longer of the
 * two words has 7 letters or more and the typed one 5 ("vltare" for voltaire, "atoie" for antoine:
 * shorter, two edits leave too little of a word). Short words too: "ue", "ru" and "re" for rue, "ds"
 * for des, "u" for du; they are scored like any typo, and the words around them decide.
 */
function typosOf(index: IndexReader, token: string): Map<number, number> {
  const typos = new Map<number, number>();
  const twice = token.length >= 5;
  const mask = letterMask(token);
  for (let length = Math.max(1, token.length - 2); length <= token.length + 2; length++) {
    const most = twice && Math.max(length, token.length) >= 7 ? 2 : 1;
    if (Math.abs(length - token.length) > most) continue;
    for (const id of index.wordsOfLength(length)) {
      // Each edit changes at most two of the letters a word has: a bound far cheaper than the distance.
      if (bits(mask ^ index.maskOf(id)) > 2 * most) continue;
      const distance = editDistance(token, index.word(id), most);
      // editDistance answers most + 1 for "too far".
      if (distance === 1) typos.set(id, ONE_EDIT);
      else if (distance === 2 && most === 2) typos.set(id, TWO_EDITS);
    }
  }
  return typos;
}

/** Single letters a word may begin with, glued by a missing apostrophe ("lunivers", "dalembert"). */
const ELIDED = new Set(["l", "d"]);

/**
 * An unknown word that is two known words run together, or joined by a mistyped space or hyphen
 * ("sainthonore", "saintohonore" for Saint-Honoré, "dela", "luniversite"), split in two; otherwise
 * the word itself.
 */
function unglued(index: IndexReader, token: string, typing: boolean): string[] {
  if (token.length < 4 || isNumber(token) || known(index, token, typing)) return [token];
  for (let i = 1; i <= token.length - 2; i++) {
    const left = token.slice(0, i);
    if ((i === 1 && !ELIDED.has(left)) || index.idOf(left) < 0) continue;
    for (const right of [token.slice(i), token.slice(i + 1)]) {
      if (right.length >= 2 && index.idOf(right) >= 0) return [left, right];
    }
  }
  return [token];
}

/**
 * A word split by a stray space ("vol taire", "ave nue"): two neighbours of the query whose join is a
 * known word and one of which is not; joined before abbreviations are read ("ave" alone is avenue).
 */
function rejoined(index: IndexReader, query: string, autocomplete: boolean): string {
  const words = fold(query).split(" ");
  for (let i = 0; i + 1 < words.length; i++) {
    const [a, b] = [words[i]!, words[i + 1]!];
    if (isNumber(a) || isNumber(b) || index.idOf(a + b) < 0) continue;
    const typing = autocomplete && i + 2 === words.length;
    if (!tokenize(a).every((t) => known(index, t, false)) || !tokenize(b).every((t) => known(index, t, typing))) words.splice(i, 2, a + b);
  }
  return words.join(" ");
}

/** A word of the index; or, while it is being typed (the last word), the beginning of one. */
function known(index: IndexReader, token: string, typing: boolean): boolean {
  if (index.idOf(token) >= 0) return true;
  if (!typing) return false;
  const [from, to] = index.prefixRange(token);
  return to > from;
}

/**
 * The terms of a query; in the strict pass, undefined when one of its words is found nowhere (no
 * address has every word). The fuzzy pass adds typos for known words too; the loose pass (engine.ts)
 * reads the query as the fuzzy one, and lets words be missing.
 */
export function analyseQuery(index: IndexReader, query: string, autocomplete: boolean, pass: Pass): Term[] | undefined {
  const fuzzy = pass !== "strict";
  const rawLast = fold(query).split(" ").pop() ?? "";
  // Words split apart, in every pass: only words the index does not know are joined, and a known
  // word so made says more than a typo of each part ("10 rue he rran" is rue Herran, not rue d'Oran,
  // one edit from "rran"). Words glued, in the fuzzy pass only: splitting an unknown word is an edit
  // like a typo's ("archeqeau" would be arche eau), and a typo is the likelier.
  let tokens = tokenize(rejoined(index, query, autocomplete));
  if (fuzzy) tokens = tokens.flatMap((token, i, all) => unglued(index, token, autocomplete && i === all.length - 1));
  const terms: Term[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const last = i === tokens.length - 1;
    const term: Term = { kind: "word", token, exact: index.idOf(token), ranges: [], typos: undefined, weight: 1 };
    terms.push(term);
    if (isNumber(token)) {
      term.kind = "number";
      continue;
    }
    // "Paris 2e": the arrondissement's number is no house number, and the "e" is optional. (A
    // house number comes first: "12 e" is number 12 E.)
    if (i > 1 && terms[i - 1]?.kind === "number" && ORDINALS.has(token)) {
      terms[i - 1]!.kind = "arrondissement";
      term.kind = "stopword";
      term.weight = OPTIONAL_WEIGHT;
      continue;
    }
    // After a number, a suffix ("bis", "c"), even one this index lacks: the plain number is found.
    if (terms[i - 1]?.kind === "number" && (index.suffixId(token) !== undefined || HOUSE_SUFFIXES.has(token) || token.length === 1)) {
      term.kind = "suffix";
      term.weight = OPTIONAL_WEIGHT;
      continue;
    }
    if (STOPWORDS.has(token)) {
      term.kind = "stopword";
      term.weight = OPTIONAL_WEIGHT;
    }
    if (last && autocomplete) {
      // While typing "r", the citizen may mean "rue" (the abbreviation) or "république".
      for (const start of new Set([token, rawLast])) {
        const [from, to] = index.prefixRange(start);
        if (to > from) term.ranges.push(from, to);
      }
    }
    if (term.kind === "word" && (fuzzy || (term.exact < 0 && term.ranges.length === 0))) {
      term.typos = typosOf(index, token);
    }
    // A word found nowhere: no address has every word (the loose pass does without it).
    if (pass === "strict" && term.kind === "word" && term.exact < 0 && term.ranges.length === 0 && (term.typos?.size ?? 0) === 0) return undefined;
  }
  // "3 x 16" (Voie X/16): a suffix-like word is the street's own when the query has no other word.
  if (!terms.some((t) => t.kind === "word")) {
    for (const term of terms) {
      if (term.kind === "suffix" && term.exact >= 0) {
        term.kind = "word";
        term.weight = 1;
      }
    }
  }
  return terms;
}
