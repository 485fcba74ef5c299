// The three engines the address benchmark compares, behind one interface: ours, FlexSearch and
// MiniSearch. The peers get our normalisation (accents, case, abbreviations) so that what is
// compared is the engines, and are set up for the job: prefix search, typo tolerance.
import { createReadStream, createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Charset, Index } from "flexsearch";
import MiniSearch from "minisearch";
import { AddressIndex } from "../lib/address/engine.ts";
import { labelOf, type AddressRecord } from "../lib/address/record.ts";
import { buildIndex } from "../lib/address/index-build.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { tokenize } from "../lib/address/normalize.ts";

export type EngineName = "ours" | "flexsearch" | "minisearch";

export interface Engine {
  /** Builds from the records (timed), then writes what a cold start loads. */
  build(records: AddressRecord[], path: string): Promise<void>;
  /** Loads what build wrote, as a function's cold start would. */
  load(path: string): Promise<void>;
  /** The ids of the best results, best first. */
  search(query: string, limit: number): string[];
}

class Ours implements Engine {
  private index: AddressIndex | undefined;
  async build(records: AddressRecord[], path: string): Promise<void> {
    await writeFile(path, buildIndex(records, ["bench"]));
  }
  async load(path: string): Promise<void> {
    this.index = await loadIndex(path);
  }
  search(query: string, limit: number): string[] {
    return (this.index as AddressIndex).search(query, { limit }).map((f) => f.properties.id);
  }
}

const encode = (text: string) => tokenize(text);

class Flex implements Engine {
  private index = new Index({ tokenize: "forward", encoder: Charset.LatinBalance, encode, resolution: 9 });
  private ids: string[] = [];
  async build(records: AddressRecord[], path: string): Promise<void> {
    records.forEach((record, i) => this.index.add(i, labelOf(record)));
    this.ids = records.map((r) => r.id);
    // One line per exported part: at 2 million addresses, the whole export is longer than the
    // longest string V8 allows (512 MB).
    const out = createWriteStream(path);
    const write = (line: string) => (out.write(`${line}\n`) ? undefined : new Promise<void>((r) => out.once("drain", () => r())));
    await write(JSON.stringify(this.ids));
    const parts: Array<[string, string]> = [];
    await this.index.export((key, data) => {
      parts.push([String(key), data as string]);
    });
    for (const part of parts) await write(JSON.stringify(part));
    await new Promise<void>((r) => out.end(() => r()));
  }
  async load(path: string): Promise<void> {
    this.index = new Index({ tokenize: "forward", encoder: Charset.LatinBalance, encode, resolution: 9 });
    let first = true;
    for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      if (first) this.ids = JSON.parse(line) as string[];
      else this.index.import(...(JSON.parse(line) as [string, string]));
      first = false;
    }
  }
  search(query: string, limit: number): string[] {
    const found = this.index.search(query, { limit, suggest: true }) as number[];
    return found.map((i) => this.ids[i] as string);
  }
}

const MINI_OPTIONS = {
  fields: ["label"],
  tokenize: (text: string) => tokenize(text),
  processTerm: (term: string) => term,
  searchOptions: { prefix: true, fuzzy: 0.2, combineWith: "AND" as const },
};

class Mini implements Engine {
  private index = new MiniSearch<{ id: string; label: string }>(MINI_OPTIONS);
  async build(records: AddressRecord[], path: string): Promise<void> {
    this.index.addAll(records.map((r) => ({ id: r.id, label: labelOf(r) })));
    await writeFile(path, JSON.stringify(this.index));
  }
  async load(path: string): Promise<void> {
    this.index = MiniSearch.loadJSON(await readFile(path, "utf8"), MINI_OPTIONS);
  }
  search(query: string, limit: number): string[] {
    let found = this.index.search(query);
    // AND finds nothing when one word is too far off: fall back to OR, as a real setup would.
    if (found.length === 0) found = this.index.search(query, { combineWith: "OR" });
    return found.slice(0, limit).map((r) => String(r.id));
  }
}

export function engine(name: EngineName): Engine {
  if (name === "ours") return new Ours();
  if (name === "flexsearch") return new Flex();
  return new Mini();
}
