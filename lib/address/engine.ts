// The local address search: AddressIndex, its public face, and the order of a search. The documents
// are streets and municipalities; a street answers a query's house number from its own sorted list.
// Every word of the query must be found (stop words excepted); the last one may be a prefix, as the
// citizen is typing; an unknown word is looked up among the known words one or two edits away.
// The parts, each in a file of its own: reading the index (index-reader.ts), analysing the query
// (query.ts), scoring and ranking (score.ts), and the edit distance of typos (edit-distance.ts).
import { ContainerError, readContainer } from "./compact.ts";
import type { AddressFeature } from "./geocodejson.ts";
import { buildIndex, INDEX_SCHEMA, INDEX_VERSION, type IndexArrays, type IndexMeta } from "./index-build.ts";
import { IndexReader } from "./index-reader.ts";
import { tokenize } from "./normalize.ts";
import { analyseQuery, type SearchOptions, type Term } from "./query.ts";
import { toFeature, type AddressRecord } from "./record.ts";
import { compareHits, Scorer, type Hit } from "./score.ts";

export { editDistance } from "./edit-distance.ts";
export type { SearchOptions } from "./query.ts";

export class IndexFormatError extends Error {
  override name = "IndexFormatError";
}

export class AddressIndex {
  readonly meta: IndexMeta;
  private readonly index: IndexReader;
  /** Marks the documents already scored by the current query (a stamp, so nothing is cleared). */
  private readonly seen: Uint32Array;
  private stamp = 0;

  private constructor(meta: IndexMeta, arrays: IndexArrays) {
    if (meta.version !== INDEX_VERSION) throw new IndexFormatError(`index de version ${meta.version}, ${INDEX_VERSION} attendue : reconstruisez-le`);
    this.meta = meta;
    this.index = new IndexReader(meta, arrays);
    this.seen = new Uint32Array(this.index.documentCount);
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

  /** The index's reader, for the questions other than search (reverse.ts). */
  get reader(): IndexReader {
    return this.index;
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
      .sort((a, b) => Number(b.complete) - Number(a.complete) || Number(b.strict) - Number(a.strict) || compareHits(this.index, a, b))
      .slice(0, limit)
      .map((hit, i, hits) => {
        // Scores follow the order, as the BAN's do: a hit placed after another never scores more.
        if (i > 0) hit.score = Math.min(hit.score, hits[i - 1]!.score);
        return this.featureOf(hit);
      });
  }

  /** How many documents a term would visit: its own word's, its prefixes' and its typos'. */
  private postingCount(term: Term): number {
    const first = (word: number) => this.index.firstPosting(word);
    let count = term.exact >= 0 ? first(term.exact + 1) - first(term.exact) : 0;
    for (let r = 0; r < term.ranges.length; r += 2) count += first(term.ranges[r + 1]!) - first(term.ranges[r]!);
    for (const id of term.typos?.keys() ?? []) count += first(id + 1) - first(id);
    return count;
  }

  /** One pass: the best `limit` hits of the query's terms, strict (as typed) or fuzzy. */
  private run(query: string, options: SearchOptions, limit: number, fuzzy: boolean): Hit[] {
    const terms = analyseQuery(this.index, query, options.autocomplete ?? true, fuzzy);
    if (!terms || terms.length === 0) return [];
    // The second pass only when it asks something new: a typo to try, or words split apart.
    if (fuzzy && !terms.some((t) => t.typos && t.typos.size > 0) && terms.length === tokenize(query).length) return [];

    // The documents to score: those of the rarest word (every word must be found anyway), or, for
    // a query of numbers only, of its rarest known number (a postcode).
    let seed: Term | undefined;
    let seedCount = Infinity;
    for (const term of terms) {
      if (term.kind !== "word") continue;
      const count = this.postingCount(term);
      if (count < seedCount) [seed, seedCount] = [term, count];
    }
    if (!seed) {
      for (const term of terms) {
        if (term.kind !== "number" || term.exact < 0) continue;
        const count = this.postingCount(term);
        if (count < seedCount) [seed, seedCount] = [term, count];
      }
    }
    if (!seed) return [];

    const index = this.index;
    const scorer = new Scorer(index, terms, options, limit);
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const visit = (fromWord: number, toWord: number) => {
      for (let p = index.firstPosting(fromWord), end = index.firstPosting(toWord); p < end; p++) {
        const doc = index.docAt(p);
        if (this.seen[doc] === stamp) continue;
        this.seen[doc] = stamp;
        scorer.score(doc);
      }
    };
    if (seed.exact >= 0) visit(seed.exact, seed.exact + 1);
    for (let r = 0; r < seed.ranges.length; r += 2) visit(seed.ranges[r]!, seed.ranges[r + 1]!);
    for (const id of seed.typos?.keys() ?? []) visit(id, id + 1);
    return scorer.hits;
  }

  private featureOf(hit: Hit): AddressFeature {
    return toFeature(this.index.recordOf(hit.doc, hit.house), hit.score);
  }
}
