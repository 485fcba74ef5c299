// The local address search, over the compact index (index-build.ts). The documents are streets
// and municipalities; a street answers a query's house number from its own sorted list.
// Every word of the query must be found (stop words excepted); the last one may be a prefix, as the
// citizen is typing; an unknown word is looked up among the known words one or two edits away.
import { ContainerError, readContainer, StringTable } from "./compact.ts";
import type { AddressFeature, AddressType } from "./geocodejson.ts";
import { buildIndex, DEGREE, DOC_MUNICIPALITY, DOC_STREET, INDEX_SCHEMA, INDEX_VERSION, METRE, NO_XY, type IndexArrays, type IndexMeta, type Place } from "./index-build.ts";
import { fold, HOUSE_SUFFIXES, isNumber, STOPWORDS, tokenize } from "./normalize.ts";
import { toFeature, type AddressRecord } from "./record.ts";

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

/**
 * Optimal string alignment distance (insertions, deletions, substitutions, swaps of two neighbours),
 * giving up as soon as it must exceed `most`: most words of the vocabulary are far off.
 */
export function editDistance(a: string, b: string, most: number): number {
  if (Math.abs(a.length - b.length) > most) return most + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1);
    current[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (before[j - 2] as number) + 1);
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > most) return most + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

export class IndexFormatError extends Error {
  override name = "IndexFormatError";
}

// What a query's word may match, and how much it is worth.
const EXACT = 1;
const PREFIX = 0.85;
const ONE_EDIT = 0.7;
const TWO_EDITS = 0.55;
/** Stop words and house number suffixes are not required; an address that has them answers better. */
const OPTIONAL_WEIGHT = 0.25;

// How a result's score is made: the query's words found (by far the largest part), then, to break
// near-ties, the name's words used, the words in the query's order, and the street's size (a
// prefix fits many streets; the citizen more likely lives in a long one).
const MATCHED = 0.78;
const COVERED = 0.12;
const IN_ORDER = 0.06;
const IMPORTANCE = 0.04;
/** Near the lat/lon given, among equally good results (less than one word's weight). */
const NEARBY = 0.05;

const WORD = 0;
const STOP = 1;
const NUMBER = 2;
const SUFFIX = 3;
/** A number followed by "e" or "er": an arrondissement, matched as a word, never a house number. */
const ORDINAL = 4;
const ORDINALS = new Set(["e", "er"]);

interface Term {
  kind: number;
  token: string;
  /** The vocabulary id of the word itself, or -1. */
  exact: number;
  /** Ranges of vocabulary ids [from, to) of the words it begins (the vocabulary is sorted). */
  ranges: number[];
  /** Known words one or two edits away, with their weight. */
  typos: Map<number, number> | undefined;
  weight: number;
}

interface Hit {
  doc: number;
  house: number;
  score: number;
  rank: number;
  /** Every word and number of the query was found. */
  complete: boolean;
}

const TYPE_RANK = { housenumber: 0, street: 1, locality: 2, municipality: 3 } as const;

export class AddressIndex {
  readonly meta: IndexMeta;
  private readonly a: IndexArrays;
  private readonly vocabulary: string[];
  private readonly isStop: Uint8Array;
  private readonly docIds: StringTable;
  private readonly docNames: StringTable;
  private readonly numIds: StringTable;
  private readonly suffixIds: Map<string, number>;
  private readonly logMaxWeight: number;
  /** Marks the documents already scored by the current query (a stamp, so nothing is cleared). */
  private readonly seen: Uint32Array;
  private stamp = 0;
  private byLength: Map<number, number[]> | undefined;

  private constructor(meta: IndexMeta, arrays: IndexArrays) {
    if (meta.version !== INDEX_VERSION) throw new IndexFormatError(`index de version ${meta.version}, ${INDEX_VERSION} attendue : reconstruisez-le`);
    this.meta = meta;
    this.a = arrays;
    this.vocabulary = new TextDecoder().decode(arrays.vocabulary).split("\n");
    this.isStop = Uint8Array.from(this.vocabulary, (word) => (STOPWORDS.has(word) ? 1 : 0));
    this.docIds = new StringTable(arrays.docIdBytes, arrays.docIdOffsets);
    this.docNames = new StringTable(arrays.docNameBytes, arrays.docNameOffsets);
    this.numIds = new StringTable(arrays.numIdBytes, arrays.numIdOffsets);
    this.suffixIds = new Map(meta.suffixes.map((suffix, i) => [suffix, i]));
    this.suffixIds.delete("");
    let max = 1;
    for (const weight of arrays.docWeight) if (weight > max) max = weight;
    this.logMaxWeight = Math.log1p(max);
    this.seen = new Uint32Array(arrays.docKind.length);
  }

  static fromBytes(bytes: Uint8Array): AddressIndex {
    try {
      const { meta, sections } = readContainer<IndexMeta, typeof INDEX_SCHEMA>(bytes, INDEX_SCHEMA);
      return new AddressIndex(meta, sections);
    } catch (error) {
      if (error instanceof ContainerError) throw new IndexFormatError(error.message);
      throw error;
    }
  }

  static fromRecords(records: readonly AddressRecord[], sources: string[] = []): AddressIndex {
    return AddressIndex.fromBytes(buildIndex(records, sources));
  }

  /** House numbers, streets and municipalities. */
  get size(): number {
    return this.meta.housenumbers + this.meta.documents;
  }

  search(query: string, options: SearchOptions = {}): AddressFeature[] {
    const limit = Math.max(0, Math.floor(options.limit ?? 5)) || 0;
    if (limit === 0) return [];
    const strict = this.run(query, options, limit, false);
    // Nothing found, or nothing that has every word and number: a word may be mistyped into
    // another real word ("17 rue delmet 75014" for rue Delbet, in the 14e; rue Delmet is in the 15e).
    if (strict.length > 0 && strict[0]!.complete) return strict.map((hit) => this.featureOf(hit));
    const fuzzy = this.run(query, options, limit, true);
    // Hits with every number first; among those as complete, the query as typed before its typos.
    const merged = new Map<string, Hit & { strict: boolean }>();
    for (const hit of [...strict.map((h) => ({ ...h, strict: true })), ...fuzzy.map((h) => ({ ...h, strict: false }))]) {
      const key = `${hit.doc}:${hit.house}`;
      if (!merged.has(key)) merged.set(key, hit);
    }
    return [...merged.values()]
      .sort((a, b) => Number(b.complete) - Number(a.complete) || Number(b.strict) - Number(a.strict) || this.compare(a, b))
      .slice(0, limit)
      .map((hit, i, hits) => {
        // Scores follow the order, as the BAN's do: a hit placed after another never scores more.
        if (i > 0) hit.score = Math.min(hit.score, hits[i - 1]!.score);
        return this.featureOf(hit);
      });
  }

  // -------------------------------------------------------------------------------------------
  // The vocabulary

  /** The first vocabulary id whose word is ≥ text (binary search). */
  private lowerBound(text: string): number {
    let low = 0;
    let high = this.vocabulary.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.vocabulary[mid] as string) < text) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private idOf(word: string): number {
    const i = this.lowerBound(word);
    return this.vocabulary[i] === word ? i : -1;
  }

  private prefixRange(prefix: string): [number, number] {
    // The words starting with the prefix sort between it and the prefix followed by the last character.
    return [this.lowerBound(prefix), this.lowerBound(`${prefix}\uffff`)];
  }

  private typosOf(token: string): Map<number, number> {
    if (!this.byLength) {
      this.byLength = new Map();
      this.vocabulary.forEach((word, id) => {
        if (isNumber(word)) return;
        const list = this.byLength!.get(word.length);
        if (list) list.push(id);
        else this.byLength!.set(word.length, [id]);
      });
    }
    const most = token.length >= 7 ? 2 : 1;
    const typos = new Map<number, number>();
    for (let length = token.length - most; length <= token.length + most; length++) {
      for (const id of this.byLength.get(length) ?? []) {
        const distance = editDistance(token, this.vocabulary[id] as string, most);
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
  private unglued(token: string): string[] {
    if (token.length < 6 || isNumber(token) || this.idOf(token) >= 0) return [token];
    for (let i = 2; i <= token.length - 2; i++) {
      const left = token.slice(0, i);
      if (this.idOf(left) < 0) continue;
      for (const right of [token.slice(i), token.slice(i + 1)]) {
        if (right.length >= 2 && this.idOf(right) >= 0) return [left, right];
      }
    }
    return [token];
  }

  private postingCount(term: Term): number {
    const o = this.a.postingOffsets;
    let count = term.exact >= 0 ? o[term.exact + 1]! - o[term.exact]! : 0;
    for (let r = 0; r < term.ranges.length; r += 2) count += o[term.ranges[r + 1]!]! - o[term.ranges[r]!]!;
    for (const id of term.typos?.keys() ?? []) count += o[id + 1]! - o[id]!;
    return count;
  }

  // -------------------------------------------------------------------------------------------
  // A query

  private termsOf(query: string, autocomplete: boolean, fuzzy: boolean): Term[] | undefined {
    const rawLast = fold(query).split(" ").pop() ?? "";
    let tokens = tokenize(query);
    if (fuzzy) tokens = tokens.flatMap((token) => this.unglued(token));
    const terms: Term[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      const last = i === tokens.length - 1;
      const term: Term = { kind: WORD, token, exact: this.idOf(token), ranges: [], typos: undefined, weight: 1 };
      terms.push(term);
      if (isNumber(token)) {
        term.kind = NUMBER;
        continue;
      }
      // "Paris 2e": the arrondissement's number is no house number, and the "e" is optional. (A
      // house number comes first: "12 e" is number 12 E.)
      if (i > 1 && terms[i - 1]?.kind === NUMBER && ORDINALS.has(token)) {
        terms[i - 1]!.kind = ORDINAL;
        term.kind = STOP;
        term.weight = OPTIONAL_WEIGHT;
        continue;
      }
      // After a number, a suffix ("bis", "c"), even one this index lacks: the plain number is found.
      if (terms[i - 1]?.kind === NUMBER && (this.suffixIds.has(token) || HOUSE_SUFFIXES.has(token) || token.length === 1)) {
        term.kind = SUFFIX;
        term.weight = OPTIONAL_WEIGHT;
        continue;
      }
      if (STOPWORDS.has(token)) {
        term.kind = STOP;
        term.weight = OPTIONAL_WEIGHT;
      }
      if (last && autocomplete) {
        // While typing "r", the citizen may mean "rue" (the abbreviation) or "république".
        for (const start of new Set([token, rawLast])) {
          const [from, to] = this.prefixRange(start);
          if (to > from) term.ranges.push(from, to);
        }
      }
      if (term.kind === WORD && token.length >= 4 && (fuzzy || (term.exact < 0 && term.ranges.length === 0))) {
        term.typos = this.typosOf(token);
      }
      // A word found nowhere: no address has every word.
      if (term.kind === WORD && term.exact < 0 && term.ranges.length === 0 && (term.typos?.size ?? 0) === 0) return undefined;
    }
    // "3 x 16" (Voie X/16): a suffix-like word is the street's own when the query has no other word.
    if (!terms.some((t) => t.kind === WORD)) {
      for (const term of terms) {
        if (term.kind === SUFFIX && term.exact >= 0) Object.assign(term, { kind: WORD, weight: 1 });
      }
    }
    return terms;
  }

  private run(query: string, options: SearchOptions, limit: number, fuzzy: boolean): Hit[] {
    const terms = this.termsOf(query, options.autocomplete ?? true, fuzzy);
    if (!terms || terms.length === 0) return [];
    // The second pass only when it asks something new: a typo to try, or words split apart.
    if (fuzzy && !terms.some((t) => t.typos && t.typos.size > 0) && terms.length === tokenize(query).length) return [];

    // The documents to score: those of the rarest word (every word must be found anyway), or, for
    // a query of numbers only, of its rarest known number (a postcode).
    let seed: Term | undefined;
    let seedCount = Infinity;
    for (const term of terms) {
      if (term.kind !== WORD) continue;
      const count = this.postingCount(term);
      if (count < seedCount) [seed, seedCount] = [term, count];
    }
    if (!seed) {
      for (const term of terms) {
        if (term.kind !== NUMBER || term.exact < 0) continue;
        const count = this.postingCount(term);
        if (count < seedCount) [seed, seedCount] = [term, count];
      }
    }
    if (!seed) return [];

    const scorer = new Scorer(this, terms, options, limit);
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const visit = (from: number, to: number) => {
      for (let p = from; p < to; p++) {
        const doc = this.a.postings[p]!;
        if (this.seen[doc] === stamp) continue;
        this.seen[doc] = stamp;
        scorer.score(doc);
      }
    };
    const o = this.a.postingOffsets;
    if (seed.exact >= 0) visit(o[seed.exact]!, o[seed.exact + 1]!);
    for (let r = 0; r < seed.ranges.length; r += 2) visit(o[seed.ranges[r]!]!, o[seed.ranges[r + 1]!]!);
    for (const id of seed.typos?.keys() ?? []) visit(o[id]!, o[id + 1]!);
    return scorer.hits;
  }

  private typeRank(hit: Hit): number {
    return hit.house >= 0 ? TYPE_RANK.housenumber : this.a.docKind[hit.doc] === DOC_MUNICIPALITY ? TYPE_RANK.municipality : TYPE_RANK.street;
  }

  /** Best first; among equals, house numbers before streets before municipalities, then by label. */
  /** @internal */ compare(a: Hit, b: Hit): number {
    if (a.rank !== b.rank) return b.rank - a.rank;
    // Documents are in label order, and a street's numbers in number order.
    return this.typeRank(a) - this.typeRank(b) || a.doc - b.doc || a.house - b.house;
  }

  private featureOf(hit: Hit): AddressFeature {
    return toFeature(this.recordOf(hit), hit.score);
  }

  // -------------------------------------------------------------------------------------------
  // What the scorer reads

  /** @internal */ tokensOf(doc: number): [from: number, to: number, nameLength: number] {
    return [this.a.docTokenOffsets[doc]!, this.a.docTokenOffsets[doc + 1]!, this.a.nameLength[doc]!];
  }
  /** @internal */ tokenAt(p: number): number {
    return this.a.docTokens[p]!;
  }
  /** @internal */ stopAt(p: number): boolean {
    return this.isStop[this.a.docTokens[p]!] === 1;
  }
  /** @internal */ kindOf(doc: number): number {
    return this.a.docKind[doc]!;
  }
  /** @internal */ placeOf(doc: number): Place {
    return this.meta.places[this.a.docPlace[doc]!]!;
  }
  /** @internal */ importanceOf(doc: number): number {
    return Math.log1p(this.a.docWeight[doc]!) / this.logMaxWeight;
  }
  /** @internal */ suffixId(token: string): number | undefined {
    return this.suffixIds.get(token);
  }
  /** @internal */ positionOf(doc: number, house: number): [lon: number, lat: number] {
    return house >= 0 ? [this.a.numLon[house]! / DEGREE, this.a.numLat[house]! / DEGREE] : [this.a.docLon[doc]! / DEGREE, this.a.docLat[doc]! / DEGREE];
  }

  /**
   * The street's house number `value` (binary search in its sorted list): the one with the suffix
   * asked for, else the plain one, else the first; -1 when the street has no such number.
   */
  /** @internal */ findHouse(doc: number, value: number, suffix: number | undefined): number {
    let low = this.a.docNumbers[doc]!;
    const end = this.a.docNumbers[doc + 1]!;
    let high = end;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.a.numValue[mid]! < value) low = mid + 1;
      else high = mid;
    }
    let plain = -1;
    for (let h = low; h < end && this.a.numValue[h] === value; h++) {
      if (suffix !== undefined && this.a.numSuffix[h] === suffix) return h;
      if (this.a.numSuffix[h] === 0 && plain < 0) plain = h;
    }
    if (plain >= 0) return plain;
    return low < end && this.a.numValue[low] === value ? low : -1;
  }
  /** @internal */ houseSuffix(house: number): number {
    return this.a.numSuffix[house]!;
  }

  private recordOf({ doc, house }: Hit): AddressRecord {
    const [postcode, citycode, city, district] = this.placeOf(doc);
    const [lon, lat] = this.positionOf(doc, house);
    const place = { postcode, citycode, city, ...(district ? { district } : {}), lon, lat };
    if (this.a.docKind[doc] === DOC_MUNICIPALITY) return { id: this.docIds.get(doc), type: "municipality", ...place };
    const street = this.docNames.get(doc);
    if (house < 0) return { id: this.docIds.get(doc), type: "street", street, ...place };
    const suffix = this.meta.suffixes[this.a.numSuffix[house]!];
    const x = this.a.numX[house]!;
    const y = this.a.numY[house]!;
    return {
      id: this.numIds.get(house),
      type: "housenumber",
      housenumber: suffix ? `${this.a.numValue[house]} ${suffix}` : String(this.a.numValue[house]),
      street,
      ...place,
      ...(x !== NO_XY && y !== NO_XY ? { x: x / METRE, y: y / METRE } : {}),
    };
  }
}

/** 1 at the point, ½ at 2 km, fading with distance (an equirectangular approximation is plenty). */
function proximity(lon: number, lat: number, toLon: number, toLat: number): number {
  const dx = (lon - toLon) * Math.cos(((lat + toLat) / 2) * (Math.PI / 180)) * 111.32;
  const dy = (lat - toLat) * 110.57;
  return 1 / (1 + Math.hypot(dx, dy) / 2);
}

/** Scores the documents of one query and keeps the best `limit`. */
class Scorer {
  readonly hits: Hit[] = [];
  private readonly best: Float64Array;
  private readonly position: Int32Array;
  private readonly expected: number;
  /** Consecutive word terms of the query, whose words should follow each other in the name. */
  private readonly pairs: Array<[number, number]> = [];
  private readonly suffixAfter: Array<number | undefined>;
  private readonly wantKind: number | undefined;

  constructor(
    private readonly index: AddressIndex,
    private readonly terms: Term[],
    private readonly options: SearchOptions,
    private readonly limit: number,
  ) {
    this.best = new Float64Array(terms.length);
    this.position = new Int32Array(terms.length);
    this.expected = terms.reduce((sum, t) => sum + t.weight, 0);
    const words = terms.map((t, k) => [t, k] as const).filter(([t]) => t.kind === WORD || t.kind === STOP);
    for (let i = 1; i < words.length; i++) this.pairs.push([words[i - 1]![1], words[i]![1]]);
    this.suffixAfter = terms.map((t, k) => (t.kind === NUMBER && terms[k + 1]?.kind === SUFFIX ? index.suffixId(terms[k + 1]!.token) : undefined));
    const type = options.type;
    this.wantKind = type === "municipality" ? DOC_MUNICIPALITY : type === undefined ? undefined : DOC_STREET;
  }

  private weightOf(term: Term, token: number): number {
    if (token === term.exact) return EXACT;
    const ranges = term.ranges;
    for (let r = 0; r < ranges.length; r += 2) if (token >= ranges[r]! && token < ranges[r + 1]!) return PREFIX;
    return term.typos?.get(token) ?? 0;
  }

  score(doc: number): void {
    const { index, terms, options, best, position } = this;
    const kind = index.kindOf(doc);
    if (this.wantKind !== undefined && kind !== this.wantKind) return;
    if (options.type === "locality") return;
    if (options.postcode || options.citycode) {
      const [postcode, citycode] = index.placeOf(doc);
      if ((options.postcode && postcode !== options.postcode) || (options.citycode && citycode !== options.citycode)) return;
    }

    best.fill(0);
    position.fill(-1);
    const [from, to, nameLength] = index.tokensOf(doc);
    for (let p = from; p < to; p++) {
      const token = index.tokenAt(p);
      for (let k = 0; k < terms.length; k++) {
        const w = this.weightOf(terms[k]!, token);
        if (w > best[k]!) {
          best[k] = w;
          position[k] = p - from;
        }
      }
    }
    for (let k = 0; k < terms.length; k++) if (terms[k]!.kind === WORD && best[k] === 0) return;

    // A number is the house number when it comes first, or when the street's name does not have it
    // ("rue du 8 mai 1945 12" asks for number 12; "rue pétion 16 paris 16e", for number 16).
    let house = -1;
    if (kind === DOC_STREET && options.type !== "street") {
      for (let k = 0; k < terms.length && house < 0; k++) {
        const term = terms[k]!;
        if (term.kind !== NUMBER || term.token.length > 4 || (k !== 0 && position[k]! >= 0 && position[k]! < nameLength)) continue;
        const suffix = this.suffixAfter[k];
        house = index.findHouse(doc, Number(term.token), suffix);
        if (house < 0) continue;
        const gotSuffix = index.houseSuffix(house);
        best[k] = suffix === undefined && gotSuffix !== 0 ? 0.9 : 1;
        if (suffix !== undefined && gotSuffix === suffix) best[k + 1] = 1;
      }
    }
    if (options.type === "housenumber" && house < 0) return;

    let matched = 0;
    for (let k = 0; k < terms.length; k++) matched += best[k]! * terms[k]!.weight;
    let meaningful = 0;
    let covered = 0;
    for (let p = 0; p < nameLength; p++) {
      if (index.stopAt(from + p)) continue;
      meaningful++;
      for (let k = 0; k < terms.length; k++) {
        if (position[k] === p) {
          covered++;
          break;
        }
      }
    }
    let adjacent = 0;
    for (const [a, b] of this.pairs) if (position[a]! >= 0 && position[b] === position[a]! + 1) adjacent++;
    const score =
      MATCHED * (matched / this.expected) +
      COVERED * (meaningful === 0 ? 0 : covered / meaningful) +
      IN_ORDER * (this.pairs.length === 0 ? 1 : adjacent / this.pairs.length) +
      IMPORTANCE * index.importanceOf(doc);

    let rank = score;
    if (options.lat !== undefined && options.lon !== undefined) {
      const [lon, lat] = index.positionOf(doc, house);
      rank += NEARBY * proximity(lon, lat, options.lon, options.lat);
    }
    let complete = true;
    for (let k = 0; k < terms.length; k++) if (terms[k]!.kind === NUMBER && best[k] === 0) complete = false;
    this.keep({ doc, house, score, rank, complete });
  }

  private before(a: Hit, b: Hit): boolean {
    return this.index.compare(a, b) < 0;
  }

  /** Keeps the best `limit` hits, best first (an insertion into a short sorted list). */
  private keep(hit: Hit): void {
    const hits = this.hits;
    if (hits.length === this.limit && !this.before(hit, hits[hits.length - 1]!)) return;
    let i = hits.length;
    while (i > 0 && this.before(hit, hits[i - 1]!)) i--;
    hits.splice(i, 0, hit);
    if (hits.length > this.limit) hits.pop();
  }
}
