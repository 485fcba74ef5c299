// Reverse geocoding over the local index: the addresses nearest a point, as the BAN's /reverse
// answers them (GeoCodeJSON, each with its `distance` in metres). The index already stores every
// position (house numbers, streets, municipalities); the lookup is a grid of cells over them, sorted
// row by row, so that the cells of one row of a search box are one run of the sorted points. It is
// built at the first reverse question (a few milliseconds for Paris), so that the function's cold
// start, which most often only searches, does not pay for it.
import type { AddressIndex } from "./engine.ts";
import type { AddressFeature, AddressType } from "./geocodejson.ts";
import { DEGREE, DOC_MUNICIPALITY } from "./index-build.ts";
import type { IndexReader } from "./index-reader.ts";
import { toFeature } from "./record.ts";

export interface ReverseOptions {
  /** 1 by default, as the BAN's. */
  limit?: number;
  type?: AddressType;
  postcode?: string;
  citycode?: string;
}

/** Nothing farther than this is an answer: the BAN looks a few hundred metres around, the Géoplateforme 100 m. */
export const MAX_REVERSE_METRES = 1000;
/** Searched first; farther only when these rings hold fewer than `limit` answers. */
const RINGS = [100, 300, MAX_REVERSE_METRES];

/** A cell: 2,500 × 3,500 millionths of a degree, about 280 × 255 m in metropolitan France. */
const CELL_LAT = 2500;
const CELL_LON = 3500;
/** Metres in a millionth of a degree of latitude. */
const METRES_PER_MICRODEGREE = 0.11132;
/** The Earth's mean radius, as turf (the Géoplateforme's distances) takes it. */
const EARTH_RADIUS = 6_371_008.8;

/**
 * The points of the index (house numbers 0…H-1, then documents H…H+D-1) in the order of their
 * cells, row by row; `keys` holds each one's cell, ascending.
 */
export interface Grid {
  keys: Uint32Array;
  points: Uint32Array;
  housenumbers: number;
  minRow: number;
  minCol: number;
  rows: number;
  cols: number;
  /** How many cells wide a grid cell is (1, unless the index spans more of the globe than France does). */
  scale: number;
}

const grids = new WeakMap<AddressIndex, Grid>();

/** The grid of an index, built at its first use. */
export function gridOf(index: AddressIndex): Grid {
  let grid = grids.get(index);
  if (!grid) {
    grid = buildGrid(index.reader);
    grids.set(index, grid);
  }
  return grid;
}

export function buildGrid(reader: IndexReader): Grid {
  const { docLon, docLat, numLon, numLat } = reader.positions;
  const housenumbers = reader.housenumberCount;
  const n = housenumbers + docLon.length;
  // Two lists of positions, walked one after the other. Four passes over them in all (bounds, cells,
  // and the sort's two): this runs once, before the JIT has warmed, so each pass counts.
  const lists: Array<[lon: Int32Array, lat: Int32Array, first: number]> = [
    [numLon, numLat, 0],
    [docLon, docLat, housenumbers],
  ];

  let minLat = n ? Infinity : 0, maxLat = n ? -Infinity : 0, minLon = n ? Infinity : 0, maxLon = n ? -Infinity : 0;
  for (const [lons, lats] of lists) {
    for (let i = 0; i < lats.length; i++) {
      const lat = lats[i]!, lon = lons[i]!;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
    }
  }
  // Cells numbered row by row must fit in 32 bits: all France, overseas included, does at scale 1.
  let scale = 1;
  const span = (s: number) => (Math.floor(maxLat / (CELL_LAT * s)) - Math.floor(minLat / (CELL_LAT * s)) + 1) * (Math.floor(maxLon / (CELL_LON * s)) - Math.floor(minLon / (CELL_LON * s)) + 1);
  while (span(scale) >= 2 ** 32) scale *= 2;
  const cellLat = CELL_LAT * scale;
  const cellLon = CELL_LON * scale;
  const minRow = Math.floor(minLat / cellLat);
  const minCol = Math.floor(minLon / cellLon);
  const rows = Math.floor(maxLat / cellLat) - minRow + 1;
  const cols = Math.floor(maxLon / cellLon) - minCol + 1;

  const keys = new Uint32Array(n);
  const points = new Uint32Array(n);
  let maxKey = 0;
  for (const [lons, lats, first] of lists) {
    for (let i = 0; i < lats.length; i++) {
      const key = (Math.floor(lats[i]! / cellLat) - minRow) * cols + (Math.floor(lons[i]! / cellLon) - minCol);
      keys[first + i] = key;
      points[first + i] = first + i;
      if (key > maxKey) maxKey = key;
    }
  }
  const sorted = radixSort(keys, points, maxKey);
  return { keys: sorted.keys, points: sorted.values, housenumbers, minRow, minCol, rows, cols, scale };
}

/** Sorts keys (and their values alongside), 16 bits at a time: two passes, or one for keys under 65,536. */
function radixSort(keys: Uint32Array, values: Uint32Array, maxKey: number): { keys: Uint32Array; values: Uint32Array } {
  let k: Uint32Array = keys;
  let v: Uint32Array = values;
  let k2: Uint32Array = new Uint32Array(keys.length);
  let v2: Uint32Array = new Uint32Array(keys.length);
  const count = new Uint32Array(65536);
  for (let shift = 0; shift < 32 && (shift === 0 || maxKey >>> shift > 0); shift += 16) {
    count.fill(0);
    for (let i = 0; i < k.length; i++) count[(k[i]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < k.length; i++) {
      const at = count[(k[i]! >>> shift) & 0xffff]!++;
      k2[at] = k[i]!;
      v2[at] = v[i]!;
    }
    [k, k2] = [k2, k];
    [v, v2] = [v2, v];
  }
  return { keys: k, values: v };
}

/** The first position of the sorted keys whose key is ≥ key. */
function lowerBound(keys: Uint32Array, key: number): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Great-circle distance in metres (haversine), between [lon, lat] in degrees. */
export function distanceMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * The addresses nearest the point, nearest first, within MAX_REVERSE_METRES: house numbers, streets
 * (at their position, about their middle) and municipalities, or only those of `type`; with a
 * postcode or citycode, only theirs. The score falls with the distance, as the Géoplateforme's
 * (1 at the point, 0 at 10 km).
 */
export function reverseGeocode(index: AddressIndex, lat: number, lon: number, options: ReverseOptions = {}): AddressFeature[] {
  const limit = Math.max(0, Math.min(100, Math.floor(options.limit ?? 1))) || 0;
  if (limit === 0 || !Number.isFinite(lat) || !Number.isFinite(lon)) return [];
  const reader = index.reader;
  const grid = gridOf(index);
  const { docLon, docLat, numLon, numLat } = reader.positions;
  const { type, postcode, citycode } = options;
  const latU = lat * DEGREE;
  const lonU = lon * DEGREE;
  const cosLat = Math.max(Math.cos(lat * (Math.PI / 180)), 0.01);

  /** A house number (doc -1: its street's), or a document (house -1). */
  const accepts = (house: number, doc: number): boolean => {
    if (type !== undefined) {
      const kind = house >= 0 ? "housenumber" : reader.kindOf(doc) === DOC_MUNICIPALITY ? "municipality" : "street";
      if (kind !== type) return false;
    }
    if (postcode === undefined && citycode === undefined) return true;
    const [placePostcode, placeCitycode] = reader.placeOf(house >= 0 ? reader.streetOf(house) : doc);
    return (postcode === undefined || placePostcode === postcode) && (citycode === undefined || placeCitycode === citycode);
  };

  // The best `limit` points so far, nearest first (squared distances, in metres²).
  const best: number[] = [];
  const bestD: number[] = [];
  for (const radius of RINGS) {
    best.length = 0;
    bestD.length = 0;
    const reach = radius / METRES_PER_MICRODEGREE;
    const cellLat = CELL_LAT * grid.scale;
    const cellLon = CELL_LON * grid.scale;
    const rowFrom = Math.max(0, Math.floor((latU - reach) / cellLat) - grid.minRow);
    const rowTo = Math.min(grid.rows - 1, Math.floor((latU + reach) / cellLat) - grid.minRow);
    const colFrom = Math.max(0, Math.floor((lonU - reach / cosLat) / cellLon) - grid.minCol);
    const colTo = Math.min(grid.cols - 1, Math.floor((lonU + reach / cosLat) / cellLon) - grid.minCol);
    const max2 = radius * radius;
    for (let row = rowFrom; row <= rowTo && colFrom <= colTo; row++) {
      const last = row * grid.cols + colTo;
      for (let i = lowerBound(grid.keys, row * grid.cols + colFrom); i < grid.keys.length && grid.keys[i]! <= last; i++) {
        const p = grid.points[i]!;
        const isHouse = p < grid.housenumbers;
        const dy = ((isHouse ? numLat[p]! : docLat[p - grid.housenumbers]!) - latU) * METRES_PER_MICRODEGREE;
        const dx = ((isHouse ? numLon[p]! : docLon[p - grid.housenumbers]!) - lonU) * METRES_PER_MICRODEGREE * cosLat;
        const d2 = dx * dx + dy * dy;
        if (d2 > max2 || (best.length === limit && d2 >= bestD[limit - 1]!)) continue;
        if (!accepts(isHouse ? p : -1, isHouse ? -1 : p - grid.housenumbers)) continue;
        // Insertion in order; ties keep the point met first.
        let at = best.length === limit ? limit - 1 : best.length;
        while (at > 0 && bestD[at - 1]! > d2) {
          best[at] = best[at - 1]!;
          bestD[at] = bestD[at - 1]!;
          at--;
        }
        best[at] = p;
        bestD[at] = d2;
      }
    }
    if (best.length === limit) break;
  }

  return best.map((p) => {
    const isHouse = p < grid.housenumbers;
    const doc = isHouse ? reader.streetOf(p) : p - grid.housenumbers;
    const record = reader.recordOf(doc, isHouse ? p : -1);
    const distance = Math.round(distanceMetres(lon, lat, record.lon, record.lat));
    const feature = toFeature(record, 1 - Math.min(1, distance / 10_000));
    return { ...feature, properties: { ...feature.properties, distance } };
  });
}
