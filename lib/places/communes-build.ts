// At build time: the current communes of the State's package (@etalab/decoupage-administratif,
// pinned in package.json) as the compact build/communes.json the functions read. Only the build
// reads the package's 8.6 MB; the functions read the 1.4 MB this keeps.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { z } from "zod";
import { COMMUNE_INDEX_FORMAT, type CommuneIndexFile, type CommuneRow } from "./communes.ts";
import { communeIndexPath } from "./communes-file.ts";

const PACKAGE = "@etalab/decoupage-administratif";
const require = createRequire(import.meta.url);

/** What the build reads of each of the package's communes (it has more). */
const PackageCommune = z.object({
  code: z.string(),
  nom: z.string(),
  type: z.string(),
  departement: z.string(),
  codesPostaux: z.array(z.string()).optional(),
  population: z.number().optional(),
});

/**
 * The package's current communes (« commune-actuelle »), most populated first. Left out: the
 * communes déléguées and associées, which are no longer communes; the arrondissements of Paris,
 * Lyon and Marseille, whose postcodes their city already lists (75011 finds Paris); the five
 * districts of the French Southern Lands, which no one lives in and have no postcode.
 */
export async function communeRows(): Promise<{ source: string; rows: CommuneRow[] }> {
  const { version } = JSON.parse(await readFile(require.resolve(`${PACKAGE}/package.json`), "utf8")) as { version: string };
  const communes = z.array(PackageCommune).parse(JSON.parse(await readFile(require.resolve(`${PACKAGE}/data/communes.json`), "utf8")));
  const rows = communes
    .filter((c) => c.type === "commune-actuelle" && (c.codesPostaux?.length ?? 0) > 0)
    // Most populated first (the order suggestions come in), then by code: the same file every build.
    .sort((a, b) => (b.population ?? 0) - (a.population ?? 0) || (a.code < b.code ? -1 : 1))
    .map((c): CommuneRow => [c.code, c.nom, [...new Set(c.codesPostaux)].sort(), c.departement]);
  return { source: `${PACKAGE}@${version}`, rows };
}

/** Writes build/communes.json; returns where, how many communes and how many bytes. */
export async function writeCommuneIndex(buildDir: string): Promise<{ path: string; communes: number; bytes: number }> {
  const { source, rows } = await communeRows();
  const file: CommuneIndexFile = { format: COMMUNE_INDEX_FORMAT, source, communes: rows };
  const path = communeIndexPath(buildDir);
  const text = JSON.stringify(file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return { path, communes: rows.length, bytes: Buffer.byteLength(text) };
}
