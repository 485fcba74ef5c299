// build/communes.json: where the build writes the communes (communes-build.ts) and how the
// functions read them, once per instance (netlify.toml ships build/** with every function).
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { COMMUNE_INDEX_FORMAT, CommuneIndex, type CommuneRow } from "./communes.ts";

export const communeIndexPath = (buildDir: string): string => join(resolve(buildDir), "communes.json");

export class CommuneIndexError extends Error {
  override name = "CommuneIndexError";
}

const isRow = (row: unknown): row is CommuneRow =>
  Array.isArray(row) &&
  row.length === 4 &&
  typeof row[0] === "string" &&
  typeof row[1] === "string" &&
  Array.isArray(row[2]) &&
  (row[2] as unknown[]).every((postcode) => typeof postcode === "string") &&
  typeof row[3] === "string";

/** Reads the index the build wrote; a missing or foreign file says which and what to run. */
export async function loadCommuneIndex(path: string): Promise<CommuneIndex> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CommuneIndexError(`${path}: index des communes introuvable (${(error as Error).message}) ; lancez npm run build`);
  }
  const file = JSON.parse(text) as { format?: unknown; communes?: unknown };
  // A plain loop over ~35 000 rows: a schema library would add to every cold start.
  if (file.format !== COMMUNE_INDEX_FORMAT || !Array.isArray(file.communes) || !file.communes.every(isRow)) {
    throw new CommuneIndexError(`${path}: ce n'est pas un index des communes au format ${COMMUNE_INDEX_FORMAT} ; relancez npm run build`);
  }
  return new CommuneIndex(file.communes);
}
