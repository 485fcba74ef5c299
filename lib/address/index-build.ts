// Builds the compact address index from the importer's records. Streets are the documents that
// are searched; each carries its house numbers (sorted, looked up by binary search), so the words
// of a street are indexed once, not once per house number: 6,300 documents for Paris, not 158,000.
import { StringTable, writeContainer, type SectionsOf } from "./compact.ts";
import { streetIdOf } from "./ban-csv.ts";
import { tokenize } from "./normalize.ts";
import { labelOf, type AddressRecord } from "./record.ts";

export const INDEX_VERSION = 2;

/** The index file's arrays (see the builder below for what each holds). */
export const INDEX_SCHEMA = {
  vocabulary: "u8",
  postingOffsets: "u32",
  postings: "u32",
  docTokenOffsets: "u32",
  docTokens: "u32",
  nameLength: "u8",
  docKind: "u8",
  docPlace: "u32",
  docLon: "i32",
  docLat: "i32",
  docWeight: "u32",
  docNumbers: "u32",
  docIdBytes: "u8",
  docIdOffsets: "u32",
  docNameBytes: "u8",
  docNameOffsets: "u32",
  numValue: "u32",
  numSuffix: "u16",
  numLon: "i32",
  numLat: "i32",
  numX: "i32",
  numY: "i32",
  numIdBytes: "u8",
  numIdOffsets: "u32",
} as const;
export type IndexArrays = SectionsOf<typeof INDEX_SCHEMA>;

/** postcode, citycode, city, district ("" when none). */
export type Place = [string, string, string, string];

export interface IndexMeta {
  version: number;
  builtAt: string;
  sources: string[];
  places: Place[];
  /** House number suffixes ("bis", "ter", "a"…); 0 is "no suffix". */
  suffixes: string[];
  documents: number;
  housenumbers: number;
}

export const DOC_STREET = 0;
export const DOC_MUNICIPALITY = 1;
/** Coordinates are stored as integers: lon/lat in millionths of a degree (the BAN gives 6 decimals), x/y in centimetres. */
export const DEGREE = 1e6;
export const METRE = 100;
export const NO_XY = -0x80000000;

interface Doc {
  kind: number;
  id: string;
  name: string;
  place: number;
  lon: number;
  lat: number;
  label: string;
  numbers: AddressRecord[];
}

/** "19", "19 bis", and from other sources "19B" or "19 Bis"; the suffix is kept in lower case. */
const HOUSENUMBER = /^(\d+)\s*(.*)$/;

export function buildIndex(records: readonly AddressRecord[], sources: string[]): Uint8Array {
  const places: Place[] = [];
  const placeIds = new Map<string, number>();
  const placeOf = (r: AddressRecord) => {
    const key = `${r.postcode}|${r.citycode}|${r.city}|${r.district ?? ""}`;
    let id = placeIds.get(key);
    if (id === undefined) {
      id = places.push([r.postcode, r.citycode, r.city, r.district ?? ""]) - 1;
      placeIds.set(key, id);
    }
    return id;
  };

  const streets = new Map<string, Doc>();
  const municipalities: Doc[] = [];
  const docOf = (r: AddressRecord, kind: number): Doc => ({
    kind,
    id: r.id,
    name: kind === DOC_STREET ? (r.street as string) : r.city,
    place: placeOf(r),
    lon: r.lon,
    lat: r.lat,
    label: labelOf(r),
    numbers: [],
  });
  for (const r of records) {
    if (r.type === "street") streets.set(`${r.id}|${r.postcode}`, docOf(r, DOC_STREET));
    else if (r.type === "municipality") municipalities.push(docOf(r, DOC_MUNICIPALITY));
  }
  for (const r of records) {
    if (r.type !== "housenumber") continue;
    const key = `${streetIdOf(r.id)}|${r.postcode}`;
    let street = streets.get(key);
    if (!street) {
      // Records from elsewhere than the importer may lack their street: it is made from the number.
      street = docOf({ ...r, id: streetIdOf(r.id), type: "street" }, DOC_STREET);
      streets.set(key, street);
    }
    street.numbers.push(r);
  }

  // Documents in label order, so that among equally good results the first is the first by label.
  const collator = new Intl.Collator("fr");
  const byLabel = (a: Doc, b: Doc) => collator.compare(a.label, b.label);
  const docs = [...[...streets.values()].sort(byLabel), ...municipalities.sort(byLabel)];

  const suffixes = [""];
  const suffixIds = new Map<string, number>([["", 0]]);
  const housenumbers = docs.reduce((n, d) => n + d.numbers.length, 0);
  const numValue = new Uint32Array(housenumbers);
  const numSuffix = new Uint16Array(housenumbers);
  const numLon = new Int32Array(housenumbers);
  const numLat = new Int32Array(housenumbers);
  const numX = new Int32Array(housenumbers);
  const numY = new Int32Array(housenumbers);
  const numIds: string[] = [];
  const docNumbers = new Uint32Array(docs.length + 1);

  // Tokens: the street's name in order (for phrase matching), then its place's.
  const words = new Map<string, number>();
  const wordOf = (token: string) => {
    let id = words.get(token);
    if (id === undefined) words.set(token, (id = words.size));
    return id;
  };
  const docTokenLists: number[][] = [];
  const nameLength = new Uint8Array(docs.length);
  const placeTokens = places.map(([postcode, , city, district]) => tokenize(`${postcode} ${city} ${district}`));

  let n = 0;
  docs.forEach((doc, d) => {
    docNumbers[d] = n;
    const parsed = doc.numbers.flatMap((r) => {
      const [, value, suffix] = HOUSENUMBER.exec(r.housenumber?.trim() ?? "") ?? [];
      // Without a number ("s/n"), only its street can be found.
      return value === undefined ? [] : [{ r, value: Number(value), suffix: (suffix ?? "").trim().toLowerCase() }];
    });
    parsed.sort((a, b) => a.value - b.value || (a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0));
    for (const { r, value, suffix } of parsed) {
      let suffixId = suffixIds.get(suffix);
      if (suffixId === undefined) {
        suffixId = suffixes.push(suffix) - 1;
        suffixIds.set(suffix, suffixId);
      }
      numValue[n] = value;
      numSuffix[n] = suffixId;
      numLon[n] = Math.round(r.lon * DEGREE);
      numLat[n] = Math.round(r.lat * DEGREE);
      numX[n] = r.x === undefined ? NO_XY : Math.round(r.x * METRE);
      numY[n] = r.y === undefined ? NO_XY : Math.round(r.y * METRE);
      numIds.push(r.id);
      n++;
    }
    const name = tokenize(doc.name);
    nameLength[d] = Math.min(255, name.length);
    const own = new Set(name);
    const place = (placeTokens[doc.place] as string[]).filter((t) => !own.has(t));
    docTokenLists.push([...name.slice(0, 255), ...place].map(wordOf));
  });
  docNumbers[docs.length] = n;

  // The vocabulary sorted, so that the words starting with a prefix are one range of ids.
  const vocabulary = [...words.keys()].sort();
  const remap = new Uint32Array(words.size);
  vocabulary.forEach((word, i) => (remap[words.get(word) as number] = i));
  const docTokenOffsets = new Uint32Array(docs.length + 1);
  const docTokens = new Uint32Array(docTokenLists.reduce((total, list) => total + list.length, 0));
  const postingCounts = new Uint32Array(vocabulary.length + 1);
  let t = 0;
  docTokenLists.forEach((list, d) => {
    docTokenOffsets[d] = t;
    const seen = new Set<number>();
    for (const word of list) {
      const id = remap[word] as number;
      docTokens[t++] = id;
      if (!seen.has(id)) {
        seen.add(id);
        postingCounts[id + 1]! += 1;
      }
    }
  });
  docTokenOffsets[docs.length] = t;
  const postingOffsets = new Uint32Array(vocabulary.length + 1);
  for (let i = 0; i < vocabulary.length; i++) postingOffsets[i + 1] = (postingOffsets[i] as number) + (postingCounts[i + 1] as number);
  const postings = new Uint32Array(postingOffsets[vocabulary.length] as number);
  const fill = postingOffsets.slice();
  for (let d = 0; d < docs.length; d++) {
    const seen = new Set<number>();
    for (let p = docTokenOffsets[d] as number; p < (docTokenOffsets[d + 1] as number); p++) {
      const id = docTokens[p] as number;
      if (seen.has(id)) continue;
      seen.add(id);
      postings[fill[id]!++] = d; // documents ascending: each list is sorted
    }
  }

  const docKind = Uint8Array.from(docs, (d) => d.kind);
  const docPlace = Uint32Array.from(docs, (d) => d.place);
  const docLon = Int32Array.from(docs, (d) => Math.round(d.lon * DEGREE));
  const docLat = Int32Array.from(docs, (d) => Math.round(d.lat * DEGREE));
  // A municipality weighs all its addresses; a street, its own.
  const perCity = new Map<string, number>();
  for (const d of docs) if (d.kind === DOC_STREET) perCity.set(places[d.place]![1], (perCity.get(places[d.place]![1]) ?? 0) + d.numbers.length);
  const docWeight = Uint32Array.from(docs, (d) => (d.kind === DOC_STREET ? d.numbers.length : (perCity.get(places[d.place]![1]) ?? 0)));
  const docIds = StringTable.build(docs.map((d) => d.id));
  const docNames = StringTable.build(docs.map((d) => d.name));
  const numIdTable = StringTable.build(numIds);

  const meta: IndexMeta = {
    version: INDEX_VERSION,
    builtAt: new Date().toISOString(),
    sources,
    places,
    suffixes,
    documents: docs.length,
    housenumbers,
  };
  const sections: IndexArrays = {
    vocabulary: new TextEncoder().encode(vocabulary.join("\n")),
    postingOffsets,
    postings,
    docTokenOffsets,
    docTokens,
    nameLength,
    docKind,
    docPlace,
    docLon,
    docLat,
    docWeight,
    docNumbers,
    docIdBytes: docIds.bytes,
    docIdOffsets: docIds.offsets,
    docNameBytes: docNames.bytes,
    docNameOffsets: docNames.offsets,
    numValue,
    numSuffix,
    numLon,
    numLat,
    numX,
    numY,
    numIdBytes: numIdTable.bytes,
    numIdOffsets: numIdTable.offsets,
  };
  return writeContainer<IndexMeta, typeof INDEX_SCHEMA>(meta, sections);
}
