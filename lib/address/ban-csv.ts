// Reads the BAN's official CSV export (adresses-XX.csv[.gz]) into searchable records: one per
// house number, plus one per street and one per municipality, as the BAN's API returns them.
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { AddressRecord } from "./record.ts";
import { houseNumber, repairMojibake } from "./normalize.ts";
import { CITYCODE } from "./departements.ts";

export const BAN_COLUMNS = [
  "id", "id_fantoir", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune",
  "code_insee_ancienne_commune", "nom_ancienne_commune", "x", "y", "lon", "lat", "type_position", "alias",
  "nom_ld", "libelle_acheminement", "nom_afnor", "source_position", "source_nom_voie", "certification_commune",
  "cad_parcelles",
] as const;

/** The columns the kit reads; the others may be missing. */
const REQUIRED_COLUMNS = ["id", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune", "lon", "lat"] as const;

export interface RowProblem {
  line: number;
  message: string;
}

export interface ReadResult {
  records: AddressRecord[];
  rows: number;
  problems: RowProblem[];
}

const ARRONDISSEMENT = /^(Paris|Marseille|Lyon) \d+(?:er|e) Arrondissement$/;

function checkRow(row: Record<string, string>): string | undefined {
  if (!row.id) return "identifiant (id) vide";
  if (!/^\d+$/.test(row.numero ?? "")) return `numéro « ${row.numero} » invalide`;
  if (!row.nom_voie) return "nom de voie (nom_voie) vide";
  if (!/^\d{5}$/.test(row.code_postal ?? "")) return `code postal « ${row.code_postal} » invalide`;
  if (!CITYCODE.test(row.code_insee ?? "")) return `code INSEE « ${row.code_insee} » invalide`;
  const lon = Number(row.lon);
  const lat = Number(row.lat);
  if (!row.lon || !row.lat || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    return `coordonnées lon/lat « ${row.lon} ; ${row.lat} » invalides`;
  }
  return undefined;
}

/** Reads BAN CSV text from a stream; bad rows are reported with their line number and skipped. */
export async function readBanCsv(input: Readable, onProgress?: (rows: number) => void): Promise<ReadResult> {
  const parser = input.pipe(
    parse({
      delimiter: ";",
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      // Checked on the header itself, so that a file with no rows is refused too.
      columns: (header: string[]) => {
        const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
        if (missing.length) throw new Error(`Ce fichier n'est pas un export CSV de la BAN : colonnes manquantes ${missing.join(", ")}`);
        return header;
      },
    }),
  );
  const records: AddressRecord[] = [];
  const problems: RowProblem[] = [];
  input.on("error", (error) => parser.destroy(error));
  // Streets and municipalities are placed at the mean of their addresses.
  const streets = new Centroids();
  const cities = new Centroids();
  let rows = 0;

  for await (const { record: row, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    rows += 1;
    if (onProgress && rows % 100_000 === 0) onProgress(rows);
    const problem = checkRow(row);
    if (problem) {
      problems.push({ line: info.lines, message: problem });
      continue;
    }
    const communeName = repairMojibake(row.nom_commune as string);
    const arrondissement = ARRONDISSEMENT.exec(communeName);
    const common = {
      postcode: row.code_postal as string,
      citycode: row.code_insee as string,
      city: arrondissement ? (arrondissement[1] as string) : communeName,
      ...(arrondissement ? { district: communeName } : {}),
    };
    const street = repairMojibake(row.nom_voie as string);
    const lon = Number(row.lon);
    const lat = Number(row.lat);
    const x = row.x ? Number(row.x) : undefined;
    const y = row.y ? Number(row.y) : undefined;
    records.push({
      id: row.id as string,
      type: "housenumber",
      housenumber: houseNumber(row.numero as string, row.rep ?? ""),
      street,
      ...common,
      lon,
      lat,
      ...(x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) ? { x, y } : {}),
    });

    const streetId = streetIdOf(row.id as string);
    streets.add(`${streetId}|${common.postcode}`, { id: streetId, type: "street", street, ...common }, lon, lat);
    cities.add(common.citycode, { id: common.citycode, type: "municipality", ...common }, lon, lat);
  }

  for (const record of [...streets.records(), ...cities.records()]) records.push(record);
  return { records, rows, problems };
}

/** The street's id is the house number's without its last parts: 93010_i7xf1o_00001 → 93010_i7xf1o. */
export function streetIdOf(id: string): string {
  return id.split("_").slice(0, 2).join("_");
}

/** Records placed at the mean position of the addresses added to them. */
class Centroids {
  private readonly groups = new Map<string, { record: Omit<AddressRecord, "lon" | "lat">; lon: number; lat: number; count: number }>();

  add(key: string, record: Omit<AddressRecord, "lon" | "lat">, lon: number, lat: number): void {
    const group = this.groups.get(key);
    if (!group) this.groups.set(key, { record, lon, lat, count: 1 });
    else {
      group.lon += lon;
      group.lat += lat;
      group.count += 1;
    }
  }

  records(): AddressRecord[] {
    const round = (value: number) => Math.round(value * 1e6) / 1e6;
    return [...this.groups.values()].map(({ record, lon, lat, count }) => ({ ...record, lon: round(lon / count), lat: round(lat / count) }));
  }
}

export function openBanFile(path: string): Readable {
  const stream = createReadStream(path);
  if (!path.endsWith(".gz")) return stream;
  const gunzip = createGunzip();
  // pipe() does not pass errors on: a missing file must fail the read, not the process.
  stream.on("error", (error) => gunzip.destroy(error));
  return stream.pipe(gunzip);
}
