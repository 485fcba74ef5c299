// Address providers (local index, Géoplateforme, auto), eligibility and the lat/lon bias.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAddressHandler } from "../lib/address/api.ts";
import { AddressIndex } from "../lib/address/engine.ts";
import type { AddressRecord } from "../lib/address/record.ts";
import type { AddressCollection, AddressFeature } from "../lib/address/geocodejson.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { AutoProvider, LocalProvider, RemoteProvider, RemoteUnavailable, type AddressQuery } from "../lib/address/providers.ts";
import { inTerritory, citycodeOfBanId } from "../lib/address/territory.ts";
import { DEPARTEMENT } from "../lib/address/departements.ts";
import { FakeGeoplateforme, REMOTE_ADDRESSES } from "./support/geoplateforme-server.ts";

let index: AddressIndex;
beforeAll(async () => {
  index = await loadIndex();
});

let geo: FakeGeoplateforme;
let baseUrl: string;
beforeEach(async () => {
  geo = new FakeGeoplateforme();
  baseUrl = await geo.start();
});
afterEach(() => geo.stop());

const query = (q: string): AddressQuery => ({ q, limit: 5, autocomplete: true });

describe("the Géoplateforme provider", () => {
  it("answers in GeoCodeJSON and caches what it asked", async () => {
    const remote = new RemoteProvider({ baseUrl });
    const [first] = await remote.search(query("1 place bellecour"));
    expect(first?.properties).toMatchObject({ label: "1 Place Bellecour 69002 Lyon", citycode: "69382" });
    await remote.search(query("1 place bellecour"));
    expect(geo.requests).toBe(1);
  });

  it("gives up after its time-out", async () => {
    geo.inject({ delayMs: 400 });
    const remote = new RemoteProvider({ baseUrl, timeoutMs: 100 });
    await expect(remote.search(query("place bellecour"))).rejects.toBeInstanceOf(RemoteUnavailable);
  });

  it("honours a 429's Retry-After: no request until it has passed", async () => {
    let now = 1_000_000;
    const remote = new RemoteProvider({ baseUrl, now: () => now });
    geo.inject({ status: 429, retryAfter: 2 });
    await expect(remote.search(query("place bellecour"))).rejects.toThrow("limite de requêtes");
    await expect(remote.search(query("la canebiere"))).rejects.toThrow("limite de requêtes");
    expect(geo.requests).toBe(1);
    now += 2001;
    expect(await remote.search(query("la canebiere"))).toHaveLength(1);
    expect(geo.requests).toBe(2);
  });

  it("treats a server error or an unreadable answer as unavailable", async () => {
    geo.inject({ status: 502 });
    await expect(new RemoteProvider({ baseUrl }).search(query("place bellecour"))).rejects.toThrow("réponse 502");
    await expect(new RemoteProvider({ baseUrl: `${baseUrl}/nowhere` }).search(query("place bellecour"))).rejects.toBeInstanceOf(RemoteUnavailable);
  });
});

describe("the Géoplateforme's answers, checked with the GeoCodeJSON schema", () => {
  const bellecour = REMOTE_ADDRESSES[0]!;
  const answer = async (feature: AddressFeature) => {
    const server = new FakeGeoplateforme([feature]);
    try {
      return await new RemoteProvider({ baseUrl: await server.start() }).search(query("1 place bellecour"));
    } finally {
      await server.stop();
    }
  };

  it("passes on the fields of its own that the schema does not name", async () => {
    const [first] = await answer({ ...bellecour, properties: { ...bellecour.properties, _type: "address", banId: "b3f7" } as AddressFeature["properties"] });
    expect(first?.properties).toMatchObject({ label: "1 Place Bellecour 69002 Lyon", housenumber: "1", _type: "address", banId: "b3f7" });
  });

  it("refuses an answer whose known field has another type", async () => {
    const wrong = { ...bellecour, properties: { ...bellecour.properties, housenumber: 1 } } as unknown as AddressFeature;
    await expect(answer(wrong)).rejects.toThrow("réponse illisible");
  });
});

describe("/api/address over the Géoplateforme", () => {
  it("answers 503 while the Géoplateforme asks to wait, without asking it again", async () => {
    const handler = createAddressHandler({ provider: new RemoteProvider({ baseUrl }) });
    geo.inject({ status: 429, retryAfter: 60 });
    for (const q of ["place+bellecour", "la+canebiere", "bellecour"]) {
      const response = await handler(new Request(`http://localhost/api/address?q=${q}`));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(((await response.json()) as { message: string }).message).toBe("Recherche d'adresse momentanément indisponible");
    }
    expect(geo.requests).toBe(1); // asked once; then left alone, as asked
  });
});

describe("the auto provider", () => {
  const auto = () => new AutoProvider(new LocalProvider(async () => index), new RemoteProvider({ baseUrl }));

  it("answers from the local index inside the territory, without asking the Géoplateforme", async () => {
    const [first] = await auto().search(query("55 rue baudin"));
    expect(first?.properties.label).toBe("55 Rue Baudin 93140 Bondy");
    expect(geo.requests).toBe(0);
  });

  it("asks the Géoplateforme beyond it", async () => {
    const [first] = await auto().search(query("1 place bellecour lyon"));
    expect(first?.properties.label).toBe("1 Place Bellecour 69002 Lyon");
    expect(geo.requests).toBe(1);
  });

  it("falls back to the local index when the Géoplateforme fails", async () => {
    await geo.stop();
    expect(await auto().search(query("1 place bellecour lyon"))).toEqual([]);
    const [first] = await auto().search(query("rue baudin bondy 93140"));
    expect(first?.properties.name).toBe("Rue Baudin");
  });
});

describe("eligibility", () => {
  it("knows communes, départements and the arrondissements of Paris, Lyon and Marseille", () => {
    const territory = { departements: ["94"], communes: ["93010", "69123"] };
    expect(inTerritory("93010", territory)).toBe(true);
    expect(inTerritory("93005", territory)).toBe(false);
    expect(inTerritory("94080", territory)).toBe(true);
    expect(inTerritory("69382", territory)).toBe(true); // Lyon 2e, in Lyon
    expect(inTerritory("75111", territory)).toBe(false);
    expect(inTerritory("75111", { departements: [], communes: [] })).toBe(true); // no territory: everywhere
    expect(citycodeOfBanId("93010_0620_00055")).toBe("93010");
    expect(citycodeOfBanId("2A004_0001")).toBe("2A004");
    expect(citycodeOfBanId("2a004_0820_00002")).toBe("2A004"); // as BAL ids write it
    expect(inTerritory("2A004", { departements: ["2A"], communes: [] })).toBe(true);
    expect(inTerritory("97411", { departements: ["974"], communes: [] })).toBe(true);
    for (const code of ["2A", "2B", "01", "95", "971", "976", "978"]) expect(DEPARTEMENT.test(code), code).toBe(true);
    for (const code of ["20", "00", "96", "98", "979", "2C"]) expect(DEPARTEMENT.test(code), code).toBe(false);
    expect(citycodeOfBanId("nope")).toBeUndefined();
  });

  it("marks each feature of /api/address when the Site table defines a territory", async () => {
    const provider = new AutoProvider(new LocalProvider(async () => index), new RemoteProvider({ baseUrl }));
    const handler = createAddressHandler({ provider, territory: { departements: [], communes: ["93010"] } });
    const get = async (q: string) => (await (await handler(new Request(`http://localhost/api/address?q=${encodeURIComponent(q)}`))).json()) as AddressCollection;
    expect((await get("55 rue baudin")).features[0]?.properties.eligible).toBe(true);
    expect((await get("1 place bellecour lyon")).features[0]?.properties.eligible).toBe(false);
    const without = createAddressHandler({ provider: new LocalProvider(async () => index) });
    const body = (await (await without(new Request("http://localhost/api/address?q=55+rue+baudin"))).json()) as AddressCollection;
    expect(body.features[0]?.properties).not.toHaveProperty("eligible");
  });
});

describe("lat/lon", () => {
  const handler = () => createAddressHandler({ provider: new LocalProvider(async () => index) });

  it("puts the nearest first among equally good results", async () => {
    // Two streets of the same name, one in Bondy, one in Lyon 3e: the one nearer the point first.
    const street = (id: string, postcode: string, citycode: string, city: string, lon: number, lat: number): AddressRecord[] => [
      { id: `${id}_00001`, type: "housenumber", housenumber: "1", street: "Rue de la Gare", postcode, citycode, city, lon, lat },
      { id, type: "street", street: "Rue de la Gare", postcode, citycode, city, lon, lat },
    ];
    const two = AddressIndex.fromRecords([...street("93010_a", "93140", "93010", "Bondy", 2.48, 48.9), ...street("69383_b", "69003", "69383", "Lyon", 4.85, 45.76)]);
    const ids = (options: { lat?: number; lon?: number }) => two.search("1 rue de la gare", options).map((f) => f.properties.id);
    expect(ids({ lat: 48.9, lon: 2.48 })).toEqual(["93010_a_00001", "69383_b_00001"]);
    expect(ids({ lat: 45.76, lon: 4.85 })).toEqual(["69383_b_00001", "93010_a_00001"]);
  });

  it.each([
    ["q=rue+baudin&lat=48.9", "lat, lon: donnez les deux, ou aucun"],
    ["q=rue+baudin&lat=98&lon=2", "lat: doit être une latitude entre -90 et 90"],
    ["q=rue+baudin&lat=48.9&lon=abc", "lon: doit être une longitude entre -180 et 180"],
  ])("answers 400 to ?%s", async (params, detail) => {
    const response = await handler()(new Request(`http://localhost/api/address?${params}`));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string[] }).detail).toEqual([detail]);
  });
});
