// The local address search: AddressIndex, its public face, and the order of a search. The documents
// are streets and municipalities; a street answers a query's house number from its own sorted list.
// Every word of the query is looked for (stop words excepted); the last one may be a prefix, as the
// citizen is typing; an unknown word is looked up among the known words one or two edits away.
// Passes, each only when the one before found no address with every number: the words as typed;
// with typos of every word, and words glued or split; then with words missing (a word that matches
// nothing lowers the score instead of emptying the result), among the streets that share a word
// that tells streets apart (not "rue", "de", "paris") with the query: none shared, no result.
// The parts, each in a file of its own: reading the index (index-reader.ts), analysing the query
// (query.ts), scoring and ranking (score.ts), and the edit distance of typos (edit-distance.ts).
import { ContainerError, readContainer } from "./compact.ts";
import type { AddressFeature } from "./geocodejson.ts";
import { buildIndex, INDEX_SCHEMA, INDEX_VERSION, type IndexArrays, type IndexMeta } from "./index-build.ts";
import { IndexReader } from "./index-reader.ts";
import { tokenize } from "./normalize.ts";
import { analyseQuery, type Pass, type SearchOptions, type Term } from "./query.ts";
import { toFeature, type AddressRecord } from "./record.ts";
import { compareHits, Scorer, type Hit } from "./score.ts";
import { hasTerritory, inTerritory, type Territory } from "./territory.ts";

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

  /**
   * The middle of the territory's streets and places in this index (the mean of their positions,
   * to about 10 m), or undefined when it has none of them: where the address search's lat/lon
   * bias points. A street counts once, however long: the centre sits among the territory's
   * streets, not on its densest block.
   */
  centreOf(territory: Territory): { lat: number; lon: number } | undefined {
    if (!hasTerritory(territory)) return undefined;
    let count = 0;
    let lon = 0;
    let lat = 0;
    const inside = new Map<string, boolean>();
    for (let doc = 0; doc < this.index.documentCount; doc++) {
      const citycode = this.index.placeOf(doc)[1];
      let yes = inside.get(citycode);
      if (yes === undefined) inside.set(citycode, (yes = inTerritory(citycode, territory)));
      if (!yes) continue;
      const [x, y] = this.index.positionOf(doc, -1);
      lon += x;
      lat += y;
      count++;
    }
    if (count === 0) return undefined;
    const round = (degrees: number) => Math.round((degrees / count) * 10_000) / 10_000;
    return { lat: round(lat), lon: round(lon) };
  }

  search(query: string, options: SearchOptions = {}): AddressFeature[] {
    const limit = Math.max(0, Math.floor(options.limit ?? 5)) || 0;
    if (limit === 0) return [];
    const autocomplete = options.autocomplete ?? true;
    const strictTerms = analyseQuery(this.index, query, autocomplete, "strict");
    const strict = strictTerms ? this.visitRarest(strictTerms, options, limit, "strict") : [];
    if (strict.length > 0 && strict[0]!.complete) return strict.map((hit) => this.featureOf(hit));
    // Nothing found, or nothing that has every number: a word may be mistyped into another real
    // word ("17 rue delmet 75014" for rue Delbet, in the 14e; rue Delmet is in the 15e).
    // (The loose pass reads the query as this one does.)
    const terms = analyseQuery(this.index, query, autocomplete, "fuzzy")!;
    // Only when it asks something new: a typo to try, or words split or glued.
    const fresh = terms.some((t) => t.typos && t.typos.size > 0) || terms.length !== tokenize(query).length;
    const fuzzy = fresh ? this.visitRarest(terms, options, limit, "fuzzy") : [];
    // Still nothing with every number: a word may match nothing at all ("12 rue de la roquette xq").
    const loose = fuzzy.some((hit) => hit.complete) ? [] : this.visitLoose(terms, options, limit);
    // Hits with every word first, then with every number; among those as complete, the query as
    // typed before its typos, and the typos before the words missing.
    const merged = new Map<string, Hit & { tier: number }>();
    const passes = [strict, fuzzy, loose];
    passes.forEach((hits, tier) => {
      for (const hit of hits) {
        const key = `${hit.doc}:${hit.house}`;
        if (!merged.has(key)) merged.set(key, { ...hit, tier });
      }
    });
    return [...merged.values()]
      .sort((a, b) => a.missing - b.missing || Number(b.complete) - Number(a.complete) || a.tier - b.tier || compareHits(this.index, a, b))
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

  /** A new stamp for `seen`: nothing to clear between queries. */
  private nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  /** Scores the documents of the words [fromWord, toWord) not scored yet by this pass. */
  private visit(scorer: Scorer, stamp: number, fromWord: number, toWord: number): void {
    const index = this.index;
    for (let p = index.firstPosting(fromWord), end = index.firstPosting(toWord); p < end; p++) {
      const doc = index.docAt(p);
      if (this.seen[doc] === stamp) continue;
      this.seen[doc] = stamp;
      scorer.score(doc);
    }
  }

  /**
   * Words may be missing: the documents scored are those of every word of the query (as typed,
   * begun or mistyped) that tells streets apart.
   */
  private visitLoose(terms: Term[], options: SearchOptions, limit: number): Hit[] {
    const index = this.index;
    const scorer = new Scorer(index, terms, options, limit, "loose");
    const stamp = this.nextStamp();
    const visitWord = (id: number) => {
      if (index.distinctive(id)) this.visit(scorer, stamp, id, id + 1);
    };
    for (const term of terms) {
      if (term.kind !== "word") continue;
      if (term.exact >= 0) visitWord(term.exact);
      for (let r = 0; r < term.ranges.length; r += 2) for (let id = term.ranges[r]!; id < term.ranges[r + 1]!; id++) visitWord(id);
      // Not the typos of a word that tells nothing apart ("rue" is one edit from rude and sue), nor
      // of one or two letters (one edit from most short words): they share nothing with the street.
      if ((term.exact >= 0 && !index.distinctive(term.exact)) || term.token.length < 3) continue;
      for (const id of term.typos?.keys() ?? []) visitWord(id);
    }
    return scorer.hits;
  }

  /** Every word is needed: the documents scored are those of the rarest. */
  private visitRarest(terms: Term[], options: SearchOptions, limit: number, pass: Pass): Hit[] {
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

    const scorer = new Scorer(this.index, terms, options, limit, pass);
    const stamp = this.nextStamp();
    const visit = (fromWord: number, toWord: number) => this.visit(scorer, stamp, fromWord, toWord);
    if (seed.exact >= 0) visit(seed.exact, seed.exact + 1);
    for (let r = 0; r < seed.ranges.length; r += 2) visit(seed.ranges[r]!, seed.ranges[r + 1]!);
    for (const id of seed.typos?.keys() ?? []) visit(id, id + 1);
    return scorer.hits;
  }

  private featureOf(hit: Hit): AddressFeature {
    return toFeature(this.index.recordOf(hit.doc, hit.house), hit.score);
  }
}
