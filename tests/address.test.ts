import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { createAddressHandler } from "../lib/address/api.ts";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BAN_COLUMNS, openBanFile, readBanCsv } from "../lib/address/ban-csv.ts";
import { AddressIndex, editDistance } from "../lib/address/engine.ts";
import type { AddressRecord } from "../lib/address/record.ts";
import type { AddressCollection, AddressError } from "../lib/address/geocodejson.ts";
import { writeContainer } from "../lib/address/compact.ts";
import { INDEX_VERSION } from "../lib/address/index-build.ts";
import { DEFAULT_SAMPLE, ensureIndex, indexSources, loadIndex } from "../lib/address/index-file.ts";
import { fold, houseNumber, repairMojibake, tokenize } from "../lib/address/normalize.ts";
import { LocalProvider } from "../lib/address/providers.ts";
import addressFunction from "../functions/address.ts";

describe("normalisation", () => {
  it("ignores case, accents, punctuation and hyphens", () => {
    expect(fold("Allée de l’Égalité")).toBe("allee de l egalite");
    expect(fold("RUE SAINT-ÉLOI")).toBe("rue saint eloi");
    expect(fold("Cœur")).toBe("coeur");
  });

  it("expands the abbreviations people type", () => {
    expect(tokenize("12 bd St Michel")).toEqual(["12", "boulevard", "saint", "michel"]);
    expect(tokenize("av du Mal de Lattre")).toEqual(["avenue", "du", "marechal", "de", "lattre"]);
    expect(tokenize("3 r Baudin")).toEqual(["3", "rue", "baudin"]);
    expect(tokenize("imp Carnot")).toEqual(["impasse", "carnot"]);
    expect(tokenize("Neuilly s/ Seine")).toEqual(["neuilly", "sur", "seine"]);
  });

  it("reads house number suffixes in every form", () => {
    expect(tokenize("19bis rue X")).toEqual(["19", "bis", "rue", "x"]);
    expect(tokenize("19 B rue X")).toEqual(["19", "bis", "rue", "x"]);
    expect(tokenize("19 ter")).toEqual(["19", "ter"]);
    expect(tokenize("Paris 2ème")).toEqual(["paris", "2", "e"]);
    expect(tokenize("Paris 1ère")).toEqual(["paris", "1", "er"]);
    expect(houseNumber("19", "b")).toBe("19 bis");
    expect(houseNumber("4", "")).toBe("4");
  });

  it("mends double-encoded UTF-8 and leaves good text alone", () => {
    expect(repairMojibake("AllÃ©e de lâ€™EgalitÃ©")).toBe("Allée de l’Egalité");
    expect(repairMojibake("Allée Molière")).toBe("Allée Molière");
    expect(repairMojibake("Ã la carte")).toBe("Ã la carte");
  });
});

describe("reading a BAN export", () => {
  const header =
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles";

  it("reports malformed rows with their line number and keeps the rest", async () => {
    const csv = [
      header,
      "75111_1234_00021;;21;;Rue Pétion;75011;75111;Paris 11e Arrondissement;;;1;2;2.38;48.86;parcelle;;;PARIS;RUE PETION;commune;commune;1;",
      "75111_1234_00023;;vingt;;Rue Pétion;75011;75111;Paris 11e Arrondissement;;;1;2;2.38;48.86;parcelle;;;PARIS;RUE PETION;commune;commune;1;",
      "75111_1234_00025;;25;b;Rue Pétion;75011;75111;Paris 11e Arrondissement;;;1;2;;48.86;parcelle;;;PARIS;RUE PETION;commune;commune;1;",
      "75111_1234_00027;;27;b;Rue Pétion;75011;75111;Paris 11e Arrondissement;;;1;2;2.381;48.861;parcelle;;;PARIS;RUE PETION;commune;commune;1;",
    ].join("\n");
    const result = await readBanCsv(Readable.from([csv]));
    expect(result.rows).toBe(4);
    expect(result.problems).toEqual([
      { line: 3, message: "numéro « vingt » invalide" },
      { line: 4, message: "coordonnées lon/lat «  ; 48.86 » invalides" },
    ]);
    const numbers = result.records.filter((r) => r.type === "housenumber");
    expect(numbers.map((r) => r.housenumber)).toEqual(["21", "27 bis"]);
    // Paris arrondissements: city "Paris", the arrondissement as district, as the BAN's API does.
    expect(numbers[0]).toMatchObject({ city: "Paris", district: "Paris 11e Arrondissement", citycode: "75111", postcode: "75011" });
    expect(result.records.filter((r) => r.type === "street").map((r) => r.id)).toEqual(["75111_1234"]);
  });

  it("refuses a file that is not a BAN export, even one with no rows", async () => {
    await expect(readBanCsv(Readable.from(["a;b;c\n1;2;3\n"]))).rejects.toThrow(/pas un export CSV de la BAN/);
    await expect(readBanCsv(Readable.from(["id;numero\n"]))).rejects.toThrow(/colonnes manquantes rep, nom_voie/);
  });

  it("reads the shipped sample, a file in the official BAN layout", async () => {
    const header = (await readFile(DEFAULT_SAMPLE, "utf8")).split("\n")[0];
    expect(header).toBe(BAN_COLUMNS.join(";"));
    const result = await readBanCsv(openBanFile(DEFAULT_SAMPLE));
    expect(result.problems).toEqual([]);
    expect(result.rows).toBe(1843);
    expect(result.records.some((r) => r.street === "Allée de l’Egalité")).toBe(true);
  });
});

describe("search over the sample (Bondy)", () => {
  let index: AddressIndex;
  let records: AddressRecord[];
  beforeAll(async () => {
    records = (await readBanCsv(openBanFile(DEFAULT_SAMPLE))).records;
    index = AddressIndex.fromRecords(records);
  });

  const top = (query: string, options = {}) => index.search(query, options)[0]?.properties;

  it("finds an exact address first, with a high score", () => {
    const best = top("55 Rue Baudin 93140 Bondy");
    expect(best).toMatchObject({ label: "55 Rue Baudin 93140 Bondy", type: "housenumber", housenumber: "55", citycode: "93010" });
    expect(best!.score).toBeGreaterThan(0.9);
  });

  it("ignores case, accents and abbreviations", () => {
    expect(top("55 r baudin")?.label).toBe("55 Rue Baudin 93140 Bondy");
    expect(top("allee de l egalite")?.name).toBe("Allée de l’Egalité");
    expect(top("20 av de la republique")?.label).toBe("20 Avenue de la République 93140 Bondy");
    expect(top("1 avenue du marechal de lattre de tassigny")?.street).toBe("Av du Mal de Lattre de Tassigny");
  });

  it("autocompletes a prefix as typed", () => {
    expect(top("55 rue baud")?.label).toBe("55 Rue Baudin 93140 Bondy");
    expect(top("avenue de la rep")?.street).toBe("Avenue de la République");
  });

  it("prefers addresses that have the query's small words too", () => {
    expect(top("12 allee des")?.street).toMatch(/^All[ée]e des /);
    expect(top("rue de la butte")?.name).toBe("Rue de la Butte");
  });

  it("tolerates one or two typos in a word the index does not know", () => {
    expect(top("55 rue baudim")?.label).toBe("55 Rue Baudin 93140 Bondy");
    expect(top("allee des anemnoes")?.name).toBe("Allee des Anemones"); // two letters swapped
    expect(top("avenue de la repulbiqeu")?.street).toBe("Avenue de la République"); // two typos in a long word
    expect(editDistance("baudin", "baudim", 2)).toBe(1);
    expect(editDistance("anemones", "anemnoes", 2)).toBe(1);
    expect(editDistance("republique", "repulbiqeu", 2)).toBe(2);
    expect(editDistance("rivoli", "voltaire", 2)).toBe(3); // gave up past 2
  });

  it("understands house number suffixes", () => {
    const withSuffix = records.find((r) => r.housenumber?.endsWith(" bis"))!;
    const [number] = withSuffix.housenumber!.split(" ");
    expect(top(`${number}bis ${withSuffix.street}`)?.id).toBe(withSuffix.id);
    expect(top(`${number} b ${withSuffix.street}`)?.id).toBe(withSuffix.id);
  });

  it("returns the street when the house number does not exist", () => {
    expect(top("9999 rue baudin")).toMatchObject({ type: "street", name: "Rue Baudin" });
  });

  it("finds the plain number when the suffix asked for does not exist", () => {
    expect(top("55 quater rue baudin")?.label).toBe("55 Rue Baudin 93140 Bondy");
    expect(top("55 c rue baudin")?.label).toBe("55 Rue Baudin 93140 Bondy");
  });

  it("does not take any word of the same length for a typo", () => {
    expect(index.search("zzzz")).toEqual([]);
    expect(index.search("rue qqqqq")).toEqual([]);
    expect(index.search("55 rue baudin", { type: "street" }).map((f) => f.properties.name)).toEqual(["Rue Baudin"]);
  });

  it("answers nothing, without failing, to a limit of 0", () => {
    expect(index.search("55 rue baudin", { limit: 0 })).toEqual([]);
  });

  it("filters by type, postcode and citycode, and honours the limit", () => {
    expect(index.search("rue baudin", { type: "street" }).every((f) => f.properties.type === "street")).toBe(true);
    expect(index.search("rue baudin", { postcode: "75001" })).toEqual([]);
    expect(index.search("rue", { citycode: "93010", limit: 3 })).toHaveLength(3);
    expect(index.search("55 rue baudin", { type: "housenumber" })[0]?.properties.housenumber).toBe("55");
    // As the BAN: a query without a number finds streets, not each of their house numbers.
    expect(index.search("rue baudin", { type: "housenumber" })).toEqual([]);
    expect(index.search("bondy", { type: "municipality" })[0]?.properties).toMatchObject({ type: "municipality", label: "Bondy" });
  });

  it("orders exact before prefix, and scores between 0 and 1", () => {
    const results = index.search("rue des ecoles", { limit: 20 });
    const scores = results.map((f) => f.properties.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(results[0]!.properties.type).toBe("street");
  });

  it("finds nothing for words that are not there", () => {
    expect(index.search("boulevard haussmann")).toEqual([]);
  });

  // The queries, on the sample's streets: "12 ue de la Roquette", "7 Rue ds Martyrs",
  // "20 Re de Charonne 75011", "15 Ru de la Pompe", "3 Rue u Louvre" (a typo in a short word or a
  // street type), "18 Rue du Faubourg Saint-Atoie 75012", "10 Boulevard Vltare 75011" (two in one word).
  it("forgives typos in short words and street types", () => {
    expect(top("12 ue de la butte")?.label).toBe("12 Rue de la Butte 93140 Bondy");
    expect(top("7 Rue ds Limites")?.label).toBe("7 Rue des Limites 93140 Bondy");
    expect(top("20 Re Edouard Vaillant 93140")?.label).toBe("20 Rue Edouard Vaillant 93140 Bondy");
    expect(top("15 Ru du Breuil")?.label).toBe("15 Rue du Breuil 93140 Bondy");
    expect(top("3 Rue u Breuil")?.label).toBe("3 Rue du Breuil 93140 Bondy");
  });

  it("forgives two typos in one long word, however short they leave it", () => {
    expect(top("10 rue louis auguste blnqi 93140")?.label).toBe("10 Rue Louis Auguste Blanqui 93140 Bondy");
    expect(top("10 Rue Edouard Valant")?.label).toBe("10 Rue Edouard Vaillant 93140 Bondy");
  });

  it("reads words split, glued, or without their apostrophe", () => {
    expect(top("10 rue edouard vail lant")?.label).toBe("10 Rue Edouard Vaillant 93140 Bondy");
    expect(top("10 rue edouardvaillant")?.label).toBe("10 Rue Edouard Vaillant 93140 Bondy");
    expect(top("rue del'abbe maurice baurit")?.name).toBe("Rue de l’Abbe Maurice Baurit");
    expect(top("allee de legalite")?.name).toBe("Allée de l’Egalité");
  });

  it("finds the address when a word matches nothing, with a lower score", () => {
    const found = top("55 rue baudin xqzw");
    expect(found?.label).toBe("55 Rue Baudin 93140 Bondy");
    expect(found!.score).toBeLessThan(top("55 rue baudin")!.score);
  });

  it("finds nothing when the query shares no word that tells streets apart with the index", () => {
    expect(index.search("avenue xyzzy 93140")).toEqual([]);
    expect(index.search("12 rue de la qqqqq bondy")).toEqual([]);
  });
});

describe("ranking, on made-up streets", () => {
  let serial = 0;
  /** A street and its numbers, as the importer makes them. */
  const street = (name: string, numbers: Array<number | string>, place: { postcode: string; citycode: string; city: string; district?: string } = PARIS_11) => {
    const id = `${place.citycode}_s${serial++}`;
    const at = { lon: 2.38 + serial / 1000, lat: 48.86 };
    return [
      ...numbers.map((n): AddressRecord => ({ id: `${id}_${String(n).replace(" ", "_")}`, type: "housenumber", housenumber: String(n), street: name, ...place, ...at })),
      { id, type: "street", street: name, ...place, ...at } satisfies AddressRecord,
    ];
  };
  const PARIS_11 = { postcode: "75011", citycode: "75111", city: "Paris", district: "Paris 11e Arrondissement" };
  const PARIS_16 = { postcode: "75016", citycode: "75116", city: "Paris", district: "Paris 16e Arrondissement" };
  const index = AddressIndex.fromRecords([
    ...street("Rue Pétion", [11, 16, 21]),
    ...street("Rue Pétion", [3], PARIS_16),
    ...street("Rue du 8 Mai 1945", [8, 12]),
    ...street("Rue du Faubourg Saint-Honoré", [11, "11 bis"]),
    ...street("Rue Delmet", [17], PARIS_16),
    ...street("Rue Delbet", [17]),
    ...street("Rue de Vaugirard", Array.from({ length: 60 }, (_, i) => i + 1)),
    ...street("Rue de Varenne", Array.from({ length: 30 }, (_, i) => i + 1)),
    ...street("Rue de Valois", [1, 2]),
    ...street("Rue de la Villette", [38]),
    ...street("Voie X/16", [3], PARIS_16),
  ]);
  const first = (q: string) => index.search(q)[0]?.properties.label;

  it("tells the house number from the arrondissement and from numbers in the street's name", () => {
    expect(first("21 rue petion paris 11e")).toBe("21 Rue Pétion 75011 Paris");
    expect(first("11 rue petion paris 11e")).toBe("11 Rue Pétion 75011 Paris");
    expect(first("rue petion 16 75011")).toBe("16 Rue Pétion 75011 Paris");
    expect(first("rue petion 3 paris 16e")).toBe("3 Rue Pétion 75016 Paris");
    expect(first("12 rue du 8 mai 1945")).toBe("12 Rue du 8 Mai 1945 75011 Paris");
    expect(first("rue du 8 mai 1945 12")).toBe("12 Rue du 8 Mai 1945 75011 Paris");
    expect(first("rue du 8 mai 1945")).toBe("Rue du 8 Mai 1945 75011 Paris");
    expect(first("11 bis faubourg saint honore")).toBe("11 bis Rue du Faubourg Saint-Honoré 75011 Paris");
    expect(first("3 x 16")).toBe("3 Voie X/16 75016 Paris");
    // An arrondissement is no house number, however it is written.
    expect(first("rue petion paris 11e")).toBe("Rue Pétion 75011 Paris");
    expect(first("rue petion paris 11eme")).toBe("Rue Pétion 75011 Paris");
  });

  it("reads a typo that makes another real word, when the rest of the query says so", () => {
    // Rue Delmet exists, in the 16e, without a 17: the 17 in the 11e is rue Delbet.
    expect(first("17 rue delmet 75011")).toBe("17 Rue Delbet 75011 Paris");
    expect(first("17 rue delmet 75016")).toBe("17 Rue Delmet 75016 Paris");
    // No 150 anywhere: the street as typed comes before the one found through a typo.
    const results = index.search("150 rue delmet");
    expect(results[0]?.properties.label).toBe("Rue Delmet 75016 Paris");
    const scores = results.map((f) => f.properties.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("splits two words run together", () => {
    expect(first("11 faubourg sainthonore")).toBe("11 Rue du Faubourg Saint-Honoré 75011 Paris");
    expect(first("11 faubourg saintohonore")).toBe("11 Rue du Faubourg Saint-Honoré 75011 Paris");
  });

  it("completes a prefix with the streets that have the number, longest first, words in order", () => {
    const labels = (q: string) => index.search(q, { limit: 3 }).map((f) => f.properties.label);
    expect(labels("38 rue de v")).toEqual(["38 Rue de Vaugirard 75011 Paris", "38 Rue de la Villette 75011 Paris", "Rue de Varenne 75011 Paris"]);
    expect(labels("2 rue de va")).toEqual(["2 Rue de Vaugirard 75011 Paris", "2 Rue de Varenne 75011 Paris", "2 Rue de Valois 75011 Paris"]);
    expect(labels("2 rue de val")).toEqual(["2 Rue de Valois 75011 Paris"]);
  });
});

describe("the index file", () => {
  it("says clearly when a file is not an index, or a truncated one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kit-index-"));
    await writeFile(join(dir, "a.idx"), "{}");
    await expect(loadIndex(join(dir, "a.idx"))).rejects.toThrow("ce n'est pas un index d'adresses du kit");
    const whole = await readFile("build/adresses.idx");
    await writeFile(join(dir, "b.idx"), whole.subarray(0, whole.length - 1000));
    await expect(loadIndex(join(dir, "b.idx"))).rejects.toThrow("index tronqué");
    await writeFile(join(dir, "c.idx"), whole.subarray(0, 40));
    await expect(loadIndex(join(dir, "c.idx"))).rejects.toThrow("index tronqué");
    await writeFile(join(dir, "d.idx"), writeContainer({ version: INDEX_VERSION, sources: [] }, { vocabulary: new Uint8Array(4) }));
    await expect(loadIndex(join(dir, "d.idx"))).rejects.toThrow("index incomplet : tableau postingOffsets absent ou d'un autre type");
  });

  it("loads from bytes that are not 8-byte aligned, as a Buffer's may be", async () => {
    const whole = await readFile("build/adresses.idx");
    const shifted = Buffer.concat([Buffer.alloc(3), whole]).subarray(3);
    expect(shifted.byteOffset % 8).not.toBe(0);
    expect(AddressIndex.fromBytes(shifted).search("55 rue baudin")[0]?.properties.label).toBe("55 Rue Baudin 93140 Bondy");
  });

  it("stops the build, rather than replace an import of an older format by the sample", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kit-index-"));
    const path = join(dir, "old.idx");
    await writeFile(path, writeContainer({ version: INDEX_VERSION - 1, sources: ["adresses-75.csv.gz"] }, {}));
    await expect(ensureIndex(path)).rejects.toThrow(`${path} : index d'adresses d'une version antérieure (adresses-75.csv.gz) ; relancez npm run addresses:import`);
    expect(await indexSources(path)).toEqual(["adresses-75.csv.gz"]); // left as it was
    // The JSON index of the kit's first versions.
    const json = join(dir, "adresses.json");
    await writeFile(json, JSON.stringify({ version: 1, builtAt: "2026-11-01T00:00:00.000Z", sources: ["adresses-93.csv.gz"], records: [] }));
    await expect(ensureIndex(json)).rejects.toThrow("index d'adresses d'une version antérieure (adresses-93.csv.gz)");
  });

  it("loads the index the build wrote, and answers from it", async () => {
    const index = await loadIndex();
    expect(index.size).toBeGreaterThan(1843);
    expect(index.search("55 rue baudin")[0]?.properties.label).toBe("55 Rue Baudin 93140 Bondy");
  });
});

describe("GET /api/address", () => {
  const handler = createAddressHandler({ provider: new LocalProvider(() => loadIndex()) });
  const get = (query: string) => handler(new Request(`http://localhost/api/address?${query}`));

  it("answers in the BAN's GeoCodeJSON shape", async () => {
    const response = await get("q=55+rue+baudin&limit=2");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = (await response.json()) as AddressCollection;
    expect(body).toMatchObject({ type: "FeatureCollection", version: "draft", attribution: "BAN", licence: "ETALAB-2.0", query: "55 rue baudin", limit: 2 });
    expect(body.features.length).toBeGreaterThanOrEqual(1);
    expect(body.features.length).toBeLessThanOrEqual(2);
    const [feature] = body.features;
    expect(feature!.geometry.type).toBe("Point");
    expect(feature!.geometry.coordinates).toHaveLength(2);
    expect(Object.keys(feature!.properties)).toEqual(
      expect.arrayContaining(["label", "score", "housenumber", "id", "name", "postcode", "citycode", "city", "context", "type", "street"]),
    );
    expect(feature!.properties.context).toBe("93, Seine-Saint-Denis, Île-de-France");
  });

  it.each([
    ["", "q: paramètre obligatoire"],
    ["q=ab", "q: doit contenir entre 3 et 200 caractères"],
    ["q=---rue", "q: doit commencer par une lettre ou un chiffre"],
    ["q=rue&limit=0", "limit: doit être un nombre entier entre 1 et 20"],
    ["q=rue&limit=abc", "limit: doit être un nombre entier entre 1 et 20"],
    ["q=rue&limit=100", "limit: doit être un nombre entier entre 1 et 20"],
    ["q=rue&type=building", "type: doit valoir housenumber, street, locality, municipality"],
    ["q=rue&postcode=931", "postcode: doit être un code postal à 5 chiffres"],
    ["q=rue&citycode=bondy", "citycode: doit être un code INSEE à 5 caractères"],
    ["q=rue&autocomplete=yes", "autocomplete: doit valoir 0 ou 1"],
    [`q=${"a".repeat(201)}`, "q: doit contenir entre 3 et 200 caractères"],
  ])("answers 400 with a JSON error to ?%s", async (query, detail) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    const body = (await response.json()) as AddressError;
    expect(body).toEqual({ code: 400, message: "Paramètres invalides", detail: [detail] });
  });

  it("refuses other methods with 405", async () => {
    const response = await handler(new Request("http://localhost/api/address?q=rue", { method: "POST" }));
    expect(response.status).toBe(405);
  });

  it("is what the Netlify function serves, from the index the build wrote", async () => {
    const response = await addressFunction(new Request("http://localhost/api/address?q=allee+moliere&type=street"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as AddressCollection;
    expect(body.features[0]!.properties.label).toBe("Allée Molière 93140 Bondy");
  });
});
