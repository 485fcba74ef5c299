// Query analysis: what a query's tokens are (words, numbers, suffixes…) and which words of the
// vocabulary each may match (itself, the words it begins while the citizen types, known words a
// typo or two away), all worked out once, before any document is read: the scorer (score.ts) then
// compares vocabulary ids only.
import { editDistance } from "./edit-distance.ts";
import type { AddressType } from "./geocodejson.ts";
import type { IndexReader } from "./index-reader.ts";
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

/** The known words one edit away (two for a word of 7 letters or more), with their weight. */
function typosOf(index: IndexReader, token: string): Map<number, number> {
  const most = token.length >= 7 ? 2 : 1;
  const typos = new Map<number, number>();
  for (let length = token.length - most; length <= token.length + most; length++) {
    for (const id of index.wordsOfLength(length)) {
      const distance = editDistance(token, index.word(id), most);
      // editDistance answers most + 1 for "too far": 2 is two edits only where two are allowed.
      if (distance === 1) typos.set(id, ONE_EDIT);
      else if (distance === 2 && most === 2) typos.set(id, TWO_EDITS);
    }
  }
  return typos;
}

/**
 * An unknown word that is two known words run together, or joined by a mistyped space or hyphen
 * ("sainthonore", "saintohonore" for Saint-Honoré), split in two; otherwise the word itself.
 */
function unglued(index: IndexReader, token: string): string[] {
  if (token.length < 6 || isNumber(token) || index.idOf(token) >= 0) return [token];
  for (let i = 2; i <= token.length - 2; i++) {
    const left = token.slice(0, i);
    if (index.idOf(left) < 0) continue;
    for (const right of [token.slice(i), token.slice(i + 1)]) {
      if (right.length >= 2 && index.idOf(right) >= 0) return [left, right];
    }
  }
  return [token];
}

/**
 * The terms of a query, or undefined when one of its words is found nowhere (no address has every
 * word). `fuzzy` is the second pass: typos for known words too, and words run together split apart.
 */
export function analyseQuery(index: IndexReader, query: string, autocomplete: boolean, fuzzy: boolean): Term[] | undefined {
  const rawLast = fold(query).split(" ").pop() ?? "";
  let tokens = tokenize(query);
  if (fuzzy) tokens = tokens.flatMap((token) => unglued(index, token));
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
    if (term.kind === "word" && token.length >= 4 && (fuzzy || (term.exact < 0 && term.ranges.length === 0))) {
      term.typos = typosOf(index, token);
    }
    // A word found nowhere: no address has every word.
    if (term.kind === "word" && term.exact < 0 && term.ranges.length === 0 && (term.typos?.size ?? 0) === 0) return undefined;
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
