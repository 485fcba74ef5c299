import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { createAddressHandler } from "../lib/address/api.ts";
import { readFile } from "node:fs/promises";
import { BAN_COLUMNS, openBanFile, readBanCsv } from "../lib/address/ban-csv.ts";
import { AddressIndex, editDistance } from "../lib/address/engine.ts";
import type { AddressCollection, AddressError } from "../lib/address/geocodejson.ts";
import { DEFAULT_SAMPLE, loadIndex } from "../lib/address/index-file.ts";
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
  beforeAll(async () => {
    index = new AddressIndex((await readBanCsv(openBanFile(DEFAULT_SAMPLE))).records);
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
    const withSuffix = index.records.find((r) => r.housenumber?.endsWith(" bis"))!;
    const [number] = withSuffix.housenumber!.split(" ");
    expect(top(`${number}bis ${withSuffix.street}`)?.id).toBe(withSuffix.id);
    expect(top(`${number} b ${withSuffix.street}`)?.id).toBe(withSuffix.id);
  });

  it("returns the street when the house number does not exist", () => {
    expect(top("9999 rue baudin")).toMatchObject({ type: "street", name: "Rue Baudin" });
  });

  it("filters by type, postcode and citycode, and honours the limit", () => {
    expect(index.search("rue baudin", { type: "street" }).every((f) => f.properties.type === "street")).toBe(true);
    expect(index.search("rue baudin", { postcode: "75001" })).toEqual([]);
    expect(index.search("rue baudin", { citycode: "93010", limit: 3 })).toHaveLength(3);
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
