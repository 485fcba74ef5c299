// A typed reader over the compact index (index-build.ts writes it, compact.ts lays its arrays over
// the file's bytes). Every question the search asks of the index is a method here, so that query
// analysis and scoring never index the raw arrays, and the file's layout is known in two files only:
// the builder and this reader.
import { StringTable } from "./compact.ts";
import { DEGREE, DOC_MUNICIPALITY, METRE, NO_XY, type DOC_STREET, type IndexArrays, type IndexMeta, type Place } from "./index-build.ts";
import { isNumber, STOPWORDS, STREET_TYPES } from "./normalize.ts";
import type { AddressRecord } from "./record.ts";

/** What a document is, as the file writes it. */
export type DocKind = typeof DOC_STREET | typeof DOC_MUNICIPALITY;

const NONE: readonly number[] = [];

/** A word's letters as bits: two words k edits apart differ in at most 2k of them. */
export function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) - 97;
    mask |= 1 << (c >= 0 && c < 26 ? c : 26 + (c & 3));
  }
  return mask >>> 0;
}

export class IndexReader {
  private readonly a: IndexArrays;
  /** The words of every document, sorted: a word's id is its rank, so a prefix's words are a range. */
  private readonly vocabulary: string[];
  private readonly isStop: Uint8Array;
  private readonly docIds: StringTable;
  private readonly docNames: StringTable;
  private readonly numIds: StringTable;
  private readonly suffixIds: Map<string, number>;
  private readonly logMaxWeight: number;
  /** The word ids of each length, for typos; built at the first typo, as most queries have none. */
  private byLength: Map<number, number[]> | undefined;
  /** Each word's letters as bits (a = 1, b = 2…), built with byLength: a cheap bound on typos. */
  private masks: Uint32Array | undefined;
  /** 1 for the words that tell no street apart (see distinctive), built when first asked. */
  private common: Uint8Array | undefined;

  constructor(
    private readonly meta: IndexMeta,
    arrays: IndexArrays,
  ) {
    this.a = arrays;
    this.vocabulary = new TextDecoder().decode(arrays.vocabulary).split("\n");
    this.isStop = Uint8Array.from(this.vocabulary, (word) => (STOPWORDS.has(word) ? 1 : 0));
    this.docIds = new StringTable(arrays.docIdBytes, arrays.docIdOffsets);
    this.docNames = new StringTable(arrays.docNameBytes, arrays.docNameOffsets);
    this.numIds = new StringTable(arrays.numIdBytes, arrays.numIdOffsets);
    this.suffixIds = new Map(meta.suffixes.map((suffix, i) => [suffix, i]));
    // Id 0, "", is "no suffix": not a suffix a query can name.
    this.suffixIds.delete("");
    let max = 1;
    for (const weight of arrays.docWeight) if (weight > max) max = weight;
    this.logMaxWeight = Math.log1p(max);
  }

  /** Streets and municipalities. */
  get documentCount(): number {
    return this.a.docKind.length;
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

  /** The vocabulary id of a word, or -1. */
  idOf(word: string): number {
    const i = this.lowerBound(word);
    return this.vocabulary[i] === word ? i : -1;
  }

  /** The ids [from, to) of the words that begin with the prefix (empty when from = to). */
  prefixRange(prefix: string): [from: number, to: number] {
    // The words starting with the prefix sort between it and the prefix followed by the last character.
    return [this.lowerBound(prefix), this.lowerBound(`${prefix}\uffff`)];
  }

  word(id: number): string {
    return this.vocabulary[id] as string;
  }

  /** The ids of the words of this length, numbers left out (a typo in a number is another number). */
  wordsOfLength(length: number): readonly number[] {
    if (!this.byLength) {
      const byLength = new Map<number, number[]>();
      const masks = new Uint32Array(this.vocabulary.length);
      this.vocabulary.forEach((word, id) => {
        masks[id] = letterMask(word);
        if (isNumber(word)) return;
        const list = byLength.get(word.length);
        if (list) list.push(id);
        else byLength.set(word.length, [id]);
      });
      this.byLength = byLength;
      this.masks = masks;
    }
    return this.byLength.get(length) ?? NONE;
  }

  /** The word's letters as bits (after wordsOfLength was called once). */
  maskOf(id: number): number {
    return this.masks![id]!;
  }

  /** How many documents have the word. */
  documentsWith(id: number): number {
    return this.a.postingOffsets[id + 1]! - this.a.postingOffsets[id]!;
  }

  /**
   * Whether a word tells streets apart: not a small word, a type of street, a number, nor a word
   * of most documents (the city's name); an eighth of them, and at least 50, is "most".
   */
  distinctive(id: number): boolean {
    if (!this.common) {
      const most = Math.max(50, this.documentCount / 8);
      this.common = Uint8Array.from(this.vocabulary, (word, i) =>
        STOPWORDS.has(word) || STREET_TYPES.has(word) || isNumber(word) || this.documentsWith(i) > most ? 1 : 0,
      );
    }
    return this.common[id] === 0;
  }

  // -------------------------------------------------------------------------------------------
  // Postings: the documents of each word, word after word in vocabulary order

  /**
   * Where the postings of a word begin; they end where the next word's begin, so the documents of
   * the words [from, to) are the postings firstPosting(from) to firstPosting(to).
   */
  firstPosting(word: number): number {
    return this.a.postingOffsets[word]!;
  }

  /** The document of a posting. */
  docAt(posting: number): number {
    return this.a.postings[posting]!;
  }

  // -------------------------------------------------------------------------------------------
  // Documents: each has its words (the name's first, then its place's), a kind, a place, a weight

  /** Where the document's words are (see tokenAt), and how many of them are its name's. */
  tokensOf(doc: number): [from: number, to: number, nameLength: number] {
    return [this.a.docTokenOffsets[doc]!, this.a.docTokenOffsets[doc + 1]!, this.a.nameLength[doc]!];
  }

  /** The vocabulary id of a document's word, by its position from tokensOf. */
  tokenAt(p: number): number {
    return this.a.docTokens[p]!;
  }

  stopAt(p: number): boolean {
    return this.isStop[this.a.docTokens[p]!] === 1;
  }

  kindOf(doc: number): DocKind {
    return this.a.docKind[doc]! as DocKind;
  }

  placeOf(doc: number): Place {
    return this.meta.places[this.a.docPlace[doc]!]!;
  }

  /** 0–1, on a log scale: a street's number of house numbers, a municipality's of addresses. */
  importanceOf(doc: number): number {
    return Math.log1p(this.a.docWeight[doc]!) / this.logMaxWeight;
  }

  /** The house number's position, or the document's when there is none (house = -1). */
  positionOf(doc: number, house: number): [lon: number, lat: number] {
    return house >= 0 ? [this.a.numLon[house]! / DEGREE, this.a.numLat[house]! / DEGREE] : [this.a.docLon[doc]! / DEGREE, this.a.docLat[doc]! / DEGREE];
  }

  // -------------------------------------------------------------------------------------------
  // Positions, for the spatial lookup of reverse.ts

  /** House numbers, all streets together. */
  get housenumberCount(): number {
    return this.a.numValue.length;
  }

  /** The street of a house number (binary search over the streets' ranges of house numbers). */
  streetOf(house: number): number {
    const starts = this.a.docNumbers;
    // The last document whose house numbers start at or before this one: the one that has it.
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (starts[mid]! <= house) low = mid + 1;
      else high = mid;
    }
    return low - 1;
  }

  /** The positions as stored, in millionths of a degree (DEGREE): the documents', and the house numbers'. */
  get positions(): { docLon: Int32Array; docLat: Int32Array; numLon: Int32Array; numLat: Int32Array } {
    const { docLon, docLat, numLon, numLat } = this.a;
    return { docLon, docLat, numLon, numLat };
  }

  // -------------------------------------------------------------------------------------------
  // House numbers: each street's, sorted by number

  /** The id of a house number suffix ("bis", "a") this index has, or undefined. */
  suffixId(token: string): number | undefined {
    return this.suffixIds.get(token);
  }

  /**
   * The street's house number `value` (binary search in its sorted list): the one with the suffix
   * asked for, else the plain one, else the first; -1 when the street has no such number.
   */
  findHouse(doc: number, value: number, suffix: number | undefined): number {
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

  /** The house number's suffix id; 0 for none. */
  houseSuffix(house: number): number {
    return this.a.numSuffix[house]!;
  }

  // -------------------------------------------------------------------------------------------
  // A result

  /** The address of a document, or of one of its house numbers: strings are decoded only here. */
  recordOf(doc: number, house: number): AddressRecord {
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
