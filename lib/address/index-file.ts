// The address index file the address function loads at cold start (see index-build.ts).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { readContainerMeta } from "./compact.ts";
import { AddressIndex, IndexFormatError } from "./engine.ts";
import { buildIndex, INDEX_VERSION, type IndexMeta } from "./index-build.ts";
import type { AddressRecord } from "./record.ts";
import { openBanFile, readBanCsv, type RowProblem } from "./ban-csv.ts";

export const DEFAULT_SAMPLE = "data/adresses-sample.csv";

/** Where the build writes the index and the functions read it (ADDRESS_INDEX, through lib/app/config.ts). */
export const DEFAULT_INDEX_PATH = "build/adresses.idx";

export function defaultIndexPath(): string {
  return resolve(DEFAULT_INDEX_PATH);
}

export interface ImportReport {
  out: string;
  rows: number;
  records: number;
  problems: Array<RowProblem & { file: string }>;
}

/** Reads BAN CSV files and writes one index file. */
export async function importBanFiles(files: string[], out = defaultIndexPath(), onProgress?: (file: string, rows: number) => void): Promise<ImportReport> {
  const records: AddressRecord[] = [];
  const problems: ImportReport["problems"] = [];
  let rows = 0;
  for (const file of files) {
    let result: Awaited<ReturnType<typeof readBanCsv>>;
    try {
      result = await readBanCsv(openBanFile(file), (n) => onProgress?.(file, n));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const reason =
        e.code === "ENOENT" ? "fichier introuvable" : e.code?.startsWith("Z_") ? "ce n'est pas un fichier .gz valide" : e.message;
      throw new Error(`${file} : ${reason}`);
    }
    // Loops, not spreads: a spread of 100,000s of items would overflow the stack.
    for (const record of result.records) records.push(record);
    for (const problem of result.problems) problems.push({ ...problem, file });
    rows += result.rows;
  }
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, buildIndex(records, files));
  return { out, rows, records: records.length, problems };
}

/** An index's header; { version: 1 } for the JSON index of earlier versions of the kit. */
async function indexMeta(path: string): Promise<Pick<IndexMeta, "version" | "sources"> | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  try {
    return readContainerMeta<IndexMeta>(bytes).meta;
  } catch {
    const json = /^\{"version":1,"builtAt":"[^"]*","sources":(\[[^\]]*\])/.exec(bytes.subarray(0, 10_000).toString("utf8"));
    return json ? { version: 1, sources: JSON.parse(json[1] as string) as string[] } : undefined;
  }
}

/** The files an index was built from, or undefined when there is no (readable) index. */
export async function indexSources(path = defaultIndexPath()): Promise<string[] | undefined> {
  return (await indexMeta(path))?.sources;
}

/**
 * The build's index: the shipped sample, unless an import (npm run addresses:import) wrote the
 * index from real BAN exports, which the build then keeps.
 */
export async function ensureIndex(path = defaultIndexPath()): Promise<{ kept: boolean; report?: ImportReport }> {
  const meta = await indexMeta(path);
  if (meta && !(meta.sources.length === 1 && meta.sources[0] === DEFAULT_SAMPLE)) {
    // Replacing an import by the sample would silently lose the territory's addresses.
    if (meta.version !== INDEX_VERSION) {
      throw new IndexFormatError(`${path} : index d'adresses d'une version antérieure (${meta.sources.join(", ")}) ; relancez npm run addresses:import`);
    }
    return { kept: true };
  }
  return { kept: false, report: await importBanFiles([DEFAULT_SAMPLE], path) };
}

export async function loadIndex(path = defaultIndexPath()): Promise<AddressIndex> {
  return AddressIndex.fromBytes(await readFile(path));
}
