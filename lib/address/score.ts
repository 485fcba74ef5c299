// Scoring and ranking: how well one document answers a query's terms (query.ts), and the order of
// the results. Every weight of the score is here, so that tuning the ranking is reading one file.
import { DOC_MUNICIPALITY, DOC_STREET } from "./index-build.ts";
import type { DocKind, IndexReader } from "./index-reader.ts";
import { EXACT, PREFIX, type Pass, type SearchOptions, type Term } from "./query.ts";

/** A scored result: a document, and its house number when the query asks for one (else -1). */
export interface Hit {
  doc: number;
  house: number;
  /** 0–1, what the result shows. */
  score: number;
  /** The score, nudged towards the lat/lon asked for: what the results are ordered by. */
  rank: number;
  /** Every number of the query was found. */
  complete: boolean;
  /** How many of the query's words it lacks (only the loose pass lets a word be missing). */
  missing: number;
}

// How a result's score is made: the query's words found (by far the largest part), then, to break
// near-ties, the name's words used, the words in the query's order, and the street's size (a
// prefix fits many streets; the citizen more likely lives in a long one).
const MATCHED = 0.78;
const COVERED = 0.12;
const IN_ORDER = 0.06;
const IMPORTANCE = 0.04;
/** Near the lat/lon given, among equally good results (less than one word's weight). */
const NEARBY = 0.05;

const TYPE_RANK = { housenumber: 0, street: 1, locality: 2, municipality: 3 } as const;

function typeRank(index: IndexReader, hit: Hit): number {
  return hit.house >= 0 ? TYPE_RANK.housenumber : index.kindOf(hit.doc) === DOC_MUNICIPALITY ? TYPE_RANK.municipality : TYPE_RANK.street;
}

/** Best first; among equals, house numbers before streets before municipalities, then by label. */
export function compareHits(index: IndexReader, a: Hit, b: Hit): number {
  if (a.rank !== b.rank) return b.rank - a.rank;
  // Documents are in label order, and a street's numbers in number order.
  return typeRank(index, a) - typeRank(index, b) || a.doc - b.doc || a.house - b.house;
}

/** 1 at the point, ½ at 2 km, fading with distance (an equirectangular approximation is plenty). */
function proximity(lon: number, lat: number, toLon: number, toLat: number): number {
  const dx = (lon - toLon) * Math.cos(((lat + toLat) / 2) * (Math.PI / 180)) * 111.32;
  const dy = (lat - toLat) * 110.57;
  return 1 / (1 + Math.hypot(dx, dy) / 2);
}

/** Scores the documents of one query and keeps the best `limit`. */
export class Scorer {
  readonly hits: Hit[] = [];
  private readonly best: Float64Array;
  private readonly position: Int32Array;
  private readonly expected: number;
  /** Consecutive word terms of the query, whose words should follow each other in the name. */
  private readonly pairs: Array<[number, number]> = [];
  private readonly suffixAfter: Array<number | undefined>;
  private readonly wantKind: DocKind | undefined;

  constructor(
    private readonly index: IndexReader,
    private readonly terms: Term[],
    private readonly options: SearchOptions,
    private readonly limit: number,
    private readonly pass: Pass,
  ) {
    this.best = new Float64Array(terms.length);
    this.position = new Int32Array(terms.length);
    this.expected = terms.reduce((sum, t) => sum + t.weight, 0);
    const words = terms.map((t, k) => [t, k] as const).filter(([t]) => t.kind === "word" || t.kind === "stopword");
    for (let i = 1; i < words.length; i++) this.pairs.push([words[i - 1]![1], words[i]![1]]);
    this.suffixAfter = terms.map((t, k) => (t.kind === "number" && terms[k + 1]?.kind === "suffix" ? index.suffixId(terms[k + 1]!.token) : undefined));
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
    // Every word, but in the loose pass: there, a word not found only lowers the score.
    let missing = 0;
    for (let k = 0; k < terms.length; k++) {
      if (terms[k]!.kind !== "word" || best[k] !== 0) continue;
      if (this.pass !== "loose") return;
      missing++;
    }

    // A number is the house number when it comes first, or when the street's name does not have it
    // ("rue du 8 mai 1945 12" asks for number 12; "rue pétion 16 paris 16e", for number 16).
    let house = -1;
    if (kind === DOC_STREET && options.type !== "street") {
      for (let k = 0; k < terms.length && house < 0; k++) {
        const term = terms[k]!;
        if (term.kind !== "number" || term.token.length > 4 || (k !== 0 && position[k]! >= 0 && position[k]! < nameLength)) continue;
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
    for (let k = 0; k < terms.length; k++) if (terms[k]!.kind === "number" && best[k] === 0) complete = false;
    this.keep({ doc, house, score, rank, complete, missing });
  }

  private before(a: Hit, b: Hit): boolean {
    return compareHits(this.index, a, b) < 0;
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
