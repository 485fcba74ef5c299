// The local address search: an inverted index over the tokens of each address's label.
// Every query token must be found in an address (stop words and, when nothing else matches, the
// house number excepted); the last token is also matched as a prefix, as the citizen is typing.
import { contextOf } from "./departements.ts";
import type { AddressFeature, AddressProperties, AddressType } from "./geocodejson.ts";
import { fold, STOPWORDS, tokenize } from "./normalize.ts";

/** One searchable address (a house number, a street or a municipality): what a feature says of it. */
export type AddressRecord = Pick<
  AddressProperties,
  "id" | "type" | "housenumber" | "street" | "postcode" | "citycode" | "city" | "district" | "x" | "y"
> & { lon: number; lat: number };

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

/** 1 at the point, ½ at 2 km, fading with distance (an equirectangular approximation is plenty). */
function proximity(record: AddressRecord, lat: number, lon: number): number {
  const dx = (record.lon - lon) * Math.cos(((record.lat + lat) / 2) * (Math.PI / 180)) * 111.32;
  const dy = (record.lat - lat) * 110.57;
  return 1 / (1 + Math.hypot(dx, dy) / 2);
}

export function labelOf(record: AddressRecord): string {
  const place = `${record.postcode} ${record.city}`;
  if (record.type === "housenumber") return `${record.housenumber} ${record.street} ${place}`;
  if (record.type === "street") return `${record.street} ${place}`;
  return record.city;
}

function nameOf(record: AddressRecord): string {
  if (record.type === "housenumber") return `${record.housenumber} ${record.street}`;
  return record.type === "street" ? (record.street as string) : record.city;
}

const STOPWORD_WEIGHT = 0.25;

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

const TYPE_RANK: Record<AddressType, number> = { housenumber: 0, street: 1, locality: 2, municipality: 3 };
const isNumber = (token: string) => /^\d+$/.test(token);

interface Alternative {
  token: string;
  weight: number;
}

export class AddressIndex {
  private readonly tokens: string[][];
  private readonly postings = new Map<string, number[]>();
  private readonly vocabulary: string[];
  /** The words of the vocabulary by length, to look for typos among words of about the same length. */
  private readonly byLength = new Map<number, string[]>();

  constructor(readonly records: AddressRecord[]) {
    this.tokens = records.map((record) => [...new Set(tokenize(`${labelOf(record)} ${record.district ?? ""}`))]);
    this.tokens.forEach((tokens, doc) => {
      for (const token of tokens) {
        const list = this.postings.get(token);
        if (list) list.push(doc);
        else this.postings.set(token, [doc]);
      }
    });
    this.vocabulary = [...this.postings.keys()].sort();
    for (const word of this.vocabulary) {
      if (isNumber(word)) continue;
      const list = this.byLength.get(word.length);
      if (list) list.push(word);
      else this.byLength.set(word.length, [word]);
    }
  }

  get size(): number {
    return this.records.length;
  }

  /** Vocabulary tokens starting with a prefix (the vocabulary is sorted: one binary search). */
  private withPrefix(prefix: string): string[] {
    let low = 0;
    let high = this.vocabulary.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.vocabulary[mid] as string) < prefix) low = mid + 1;
      else high = mid;
    }
    const found: string[] = [];
    for (let i = low; i < this.vocabulary.length && (this.vocabulary[i] as string).startsWith(prefix); i++) {
      found.push(this.vocabulary[i] as string);
    }
    return found;
  }

  private alternatives(token: string, raw: string | undefined, prefix: boolean): Alternative[] {
    const alternatives: Alternative[] = this.postings.has(token) ? [{ token, weight: 1 }] : [];
    if (isNumber(token)) return alternatives;
    if (prefix) {
      // While typing "r", the citizen may mean "rue" (the abbreviation) or "république".
      for (const start of new Set([token, raw ?? token])) {
        for (const candidate of this.withPrefix(start)) {
          if (candidate === token) continue;
          alternatives.push({ token: candidate, weight: 0.75 + 0.2 * (start.length / candidate.length) });
        }
      }
    }
    // A word the index does not know is probably mistyped: the known words one or two edits away.
    if (alternatives.length === 0 && token.length >= 4) {
      const most = token.length >= 7 ? 2 : 1;
      for (let length = token.length - most; length <= token.length + most; length++) {
        for (const candidate of this.byLength.get(length) ?? []) {
          const distance = editDistance(token, candidate, most);
          if (distance <= most) alternatives.push({ token: candidate, weight: distance === 1 ? 0.7 : 0.55 });
        }
      }
    }
    return alternatives;
  }

  private docsOf(alternatives: Alternative[]): Set<number> {
    const docs = new Set<number>();
    for (const { token } of alternatives) for (const doc of this.postings.get(token) ?? []) docs.add(doc);
    return docs;
  }

  search(query: string, options: SearchOptions = {}): AddressFeature[] {
    const limit = options.limit ?? 5;
    const autocomplete = options.autocomplete ?? true;
    const queryTokens = tokenize(query);
    if (queryTokens.length === 0) return [];
    const rawLast = fold(query).split(" ").pop();

    const terms = queryTokens.map((token, i) => {
      const last = i === queryTokens.length - 1;
      return {
        token,
        stop: STOPWORDS.has(token),
        alternatives: this.alternatives(token, last ? rawLast : undefined, last && autocomplete),
      };
    });

    // Words must all be found; numbers narrow the search when they can (a missing house number
    // still finds the street); stop words only add to the score.
    const words = terms.filter((t) => !t.stop && !isNumber(t.token));
    if (words.some((t) => t.alternatives.length === 0)) return [];
    let candidates: Set<number> | undefined;
    for (const term of [...words].sort((a, b) => a.alternatives.length - b.alternatives.length)) {
      const docs = this.docsOf(term.alternatives);
      candidates = candidates ? new Set([...candidates].filter((d) => docs.has(d))) : docs;
      if (candidates.size === 0) return [];
    }
    for (const term of terms.filter((t) => isNumber(t.token))) {
      const docs = this.docsOf(term.alternatives);
      const narrowed: Set<number> = candidates ? new Set([...candidates].filter((d) => docs.has(d))) : docs;
      if (narrowed.size > 0) candidates = narrowed;
    }
    if (!candidates) return [];

    const scored: Array<{ doc: number; score: number; rank: number }> = [];
    for (const doc of candidates) {
      const record = this.records[doc] as AddressRecord;
      if (options.type && record.type !== options.type) continue;
      if (options.postcode && record.postcode !== options.postcode) continue;
      if (options.citycode && record.citycode !== options.citycode) continue;
      const docTokens = this.tokens[doc] as string[];
      const used = new Set<string>();
      let matched = 0;
      let expected = 0;
      for (const term of terms) {
        let best = 0;
        let bestToken: string | undefined;
        for (const alternative of term.alternatives) {
          if (alternative.weight > best && docTokens.includes(alternative.token)) {
            best = alternative.weight;
            bestToken = alternative.token;
          }
        }
        if (bestToken) used.add(bestToken);
        // A stop word is not required, but an address that has it answers the query better
        // ("12 allée des" → "Allée des Érables" before "Allée Alice").
        const weight = term.stop ? STOPWORD_WEIGHT : 1;
        expected += weight;
        matched += best * weight;
      }
      const meaningful = docTokens.filter((t) => !STOPWORDS.has(t));
      const covered = meaningful.filter((t) => used.has(t)).length / Math.max(1, meaningful.length);
      const score = expected === 0 ? 0 : 0.8 * (matched / expected) + 0.2 * covered;
      scored.push({ doc, score, rank: score });
    }

    // Near the given point first among equally good matches (a bonus smaller than a word's weight).
    const { lat, lon } = options;
    if (lat !== undefined && lon !== undefined) {
      for (const entry of scored) entry.rank = entry.score + 0.05 * proximity(this.records[entry.doc] as AddressRecord, lat, lon);
    }
    scored.sort((a, b) => {
      if (b.rank !== a.rank) return b.rank - a.rank;
      const ra = this.records[a.doc] as AddressRecord;
      const rb = this.records[b.doc] as AddressRecord;
      return (
        TYPE_RANK[ra.type] - TYPE_RANK[rb.type] ||
        parseInt(ra.housenumber ?? "0", 10) - parseInt(rb.housenumber ?? "0", 10) ||
        labelOf(ra).localeCompare(labelOf(rb), "fr")
      );
    });
    return scored.slice(0, limit).map(({ doc, score }) => toFeature(this.records[doc] as AddressRecord, score));
  }
}

export function toFeature(record: AddressRecord, score: number): AddressFeature {
  return {
    type: "Feature",
    geometry: { type: "Point", coordinates: [record.lon, record.lat] },
    properties: {
      label: labelOf(record),
      score: Math.round(Math.min(1, Math.max(0, score)) * 10000) / 10000,
      id: record.id,
      type: record.type,
      name: nameOf(record),
      ...(record.housenumber ? { housenumber: record.housenumber } : {}),
      ...(record.street ? { street: record.street } : {}),
      postcode: record.postcode,
      citycode: record.citycode,
      city: record.city,
      ...(record.district ? { district: record.district } : {}),
      context: contextOf(record.citycode),
      ...(record.x !== undefined ? { x: record.x, y: record.y } : {}),
    },
  };
}
