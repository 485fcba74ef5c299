// A drop-in for BAN clients (issue 12): code written for the BAN's API is configured with a base URL
// and asks <base>/search/ and <base>/reverse/. Both paths under /api/address, with or without the
// trailing slash; /reverse over the local index, the Géoplateforme and both; bad parameters, never a
// 5xx; and geopy's BANFrance, a client nobody here wrote, over real HTTP.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import addressFunction from "../functions/address.ts";
import { createAddressHandler } from "../lib/address/api.ts";
import { openBanFile, readBanCsv } from "../lib/address/ban-csv.ts";
import { AddressIndex } from "../lib/address/engine.ts";
import type { AddressCollection, AddressFeature, AddressReverseCollection } from "../lib/address/geocodejson.ts";
import { AddressCollectionSchema, AddressErrorSchema, AddressReverseCollectionSchema } from "../lib/address/geocodejson-schema.ts";
import { DEFAULT_SAMPLE } from "../lib/address/index-file.ts";
import { AutoProvider, LocalProvider, RemoteProvider, type ReverseQuery } from "../lib/address/providers.ts";
import { buildGrid, distanceMetres, MAX_REVERSE_METRES, reverseGeocode } from "../lib/address/reverse.ts";
import { encodeQueryValue, nastyString, Rng } from "./support/fuzz.ts";
import { FakeGeoplateforme, REMOTE_ADDRESSES } from "./support/geoplateforme-server.ts";
import { serveHandler, type Served } from "./support/serve-handler.ts";

let index: AddressIndex;
/** 55 Rue Baudin 93140 Bondy, as the sample places it: [lon, lat]. */
let baudin: [number, number];
beforeAll(async () => {
  index = AddressIndex.fromRecords((await readBanCsv(openBanFile(DEFAULT_SAMPLE))).records);
  baudin = index.search("55 rue baudin bondy")[0]!.geometry.coordinates;
});

const local = () => new LocalProvider(async () => index);
const get = (handler: (req: Request) => Promise<Response>, path: string) => handler(new Request(`http://localhost${path}`));
const json = async <T>(response: Response) => (await response.json()) as T;

describe("the BAN's paths under /api/address", () => {
  it("/search and /search/ answer exactly as /api/address", async () => {
    const handler = createAddressHandler({ provider: local() });
    const bodies = await Promise.all(["/api/address", "/api/address/search", "/api/address/search/"].map(async (path) => (await get(handler, `${path}?q=55+rue+baudin&limit=3`)).text()));
    expect(bodies[1]).toBe(bodies[0]);
    expect(bodies[2]).toBe(bodies[0]);
    expect(AddressCollectionSchema.parse(JSON.parse(bodies[0]!)).features[0]!.properties.label).toBe("55 Rue Baudin 93140 Bondy");
  });

  it("/reverse and /reverse/ give the address at a point, with the BAN's echo of it", async () => {
    const handler = createAddressHandler({ provider: local() });
    const [lon, lat] = baudin;
    for (const path of ["/api/address/reverse", "/api/address/reverse/"]) {
      const response = await get(handler, `${path}?lat=${lat}&lon=${lon}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=300");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      const body = AddressReverseCollectionSchema.parse(await response.json());
      // As the BAN: the point as center, [lon, lat]; no query; one answer unless asked for more.
      expect(body).toMatchObject({ type: "FeatureCollection", version: "draft", attribution: "BAN", licence: "ETALAB-2.0", center: [lon, lat], limit: 1 });
      expect(body).not.toHaveProperty("query");
      expect(body.features).toHaveLength(1);
      expect(body.features[0]!.properties).toMatchObject({ label: "55 Rue Baudin 93140 Bondy", type: "housenumber", distance: 0, score: 1 });
      expect(body.features[0]!.geometry.coordinates).toEqual(baudin);
    }
  });

  it("reads lat and lon under the BAN's other names (geopy ≥ 2.4 sends lng)", async () => {
    const handler = createAddressHandler({ provider: local() });
    const [lon, lat] = baudin;
    const bodies = await Promise.all(
      [`lat=${lat}&lon=${lon}`, `lat=${lat}&lng=${lon}`, `latitude=${lat}&longitude=${lon}`, `lat=${lat}&long=${lon}`].map(async (q) => (await get(handler, `/api/address/reverse/?${q}`)).text()),
    );
    for (const body of bodies) expect(body).toBe(bodies[0]);
    // The search's lat/lon bias reads them too.
    expect((await get(handler, `/api/address/search/?q=rue+baudin&lat=${lat}&lng=${lon}`)).status).toBe(200);
  });

  it("is what the Netlify function serves, at each of its paths", async () => {
    const [lon, lat] = baudin;
    const search = await addressFunction(new Request("http://localhost/api/address/search/?q=allee+moliere&type=street"));
    expect((await json<AddressCollection>(search)).features[0]!.properties.label).toBe("Allée Molière 93140 Bondy");
    const reverse = await addressFunction(new Request(`http://localhost/api/address/reverse?lat=${lat}&lon=${lon}&limit=2`));
    expect((await json<AddressReverseCollection>(reverse)).features[0]!.properties.label).toBe("55 Rue Baudin 93140 Bondy");
  });
});

describe("reverse over the local index", () => {
  const near = (options: Parameters<typeof reverseGeocode>[3], at: [number, number] = baudin) => reverseGeocode(index, at[1], at[0], options);

  it("gives the nearest addresses first, each with its distance in whole metres, and a score that falls with it", () => {
    // 30 m north of the 55.
    const found = near({ limit: 10 }, [baudin[0], baudin[1] + 0.00027]);
    expect(found).toHaveLength(10);
    const distances = found.map((f) => f.properties.distance!);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    for (const f of found) {
      const [lon, lat] = f.geometry.coordinates;
      expect(f.properties.distance).toBe(Math.round(distanceMetres(baudin[0], baudin[1] + 0.00027, lon, lat)));
      expect(Number.isInteger(f.properties.distance)).toBe(true);
      expect(f.properties.score).toBe(Math.round((1 - f.properties.distance! / 10_000) * 10_000) / 10_000);
    }
    // Every point of the index nearer than the last answer is among the answers (a brute-force check).
    const last = distances.at(-1)!;
    const grid = buildGrid(index.reader);
    const { docLon, docLat, numLon, numLat } = index.reader.positions;
    let nearer = 0;
    for (let p = 0; p < grid.points.length; p++) {
      const [lon, lat] = p < grid.housenumbers ? [numLon[p]! / 1e6, numLat[p]! / 1e6] : [docLon[p - grid.housenumbers]! / 1e6, docLat[p - grid.housenumbers]! / 1e6];
      if (distanceMetres(baudin[0], baudin[1] + 0.00027, lon, lat) < last - 1) nearer++;
    }
    expect(nearer).toBeLessThanOrEqual(10);
  });

  it("filters by type, postcode and citycode", () => {
    expect(near({ limit: 5, type: "street" }).map((f) => f.properties.type)).toEqual(Array(5).fill("street"));
    expect(near({ limit: 5, type: "housenumber" }).every((f) => f.properties.type === "housenumber")).toBe(true);
    expect(near({ type: "municipality" })[0]?.properties).toMatchObject({ type: "municipality", label: "Bondy" });
    expect(near({ type: "locality" })).toEqual([]); // the BAN's exports have no lieux-dits without numbers here
    expect(near({ limit: 3, citycode: "93010", postcode: "93140" })).toHaveLength(3);
    expect(near({ postcode: "75001" })).toEqual([]);
  });

  it(`answers nothing beyond ${MAX_REVERSE_METRES} m, nor anywhere without addresses`, () => {
    expect(near({}, [4.8323, 45.7578])).toEqual([]); // Lyon
    expect(near({}, [0, 0])).toEqual([]);
    expect(near({}, [180, 90])).toEqual([]);
    expect(near({}, [-180, -90])).toEqual([]);
    // East of the sample's easternmost address: nothing 1.5 km away, something 0.5 km away.
    const { numLon, numLat } = index.reader.positions;
    let east = 0;
    for (let h = 1; h < numLon.length; h++) if (numLon[h]! > numLon[east]!) east = h;
    const [lon, lat] = [numLon[east]! / 1e6, numLat[east]! / 1e6];
    expect(near({}, [lon + 0.02, lat])).toEqual([]);
    expect(near({}, [lon + 0.006, lat])[0]?.properties.distance).toBeGreaterThan(400);
  });
});

describe("reverse over the Géoplateforme, and both", () => {
  let geo: FakeGeoplateforme;
  let baseUrl: string;
  beforeEach(async () => {
    geo = new FakeGeoplateforme();
    baseUrl = await geo.start();
  });
  afterEach(() => geo.stop());

  const bellecour = REMOTE_ADDRESSES[0]!;
  const at = (feature: AddressFeature, limit = 5): ReverseQuery => ({ lon: feature.geometry.coordinates[0], lat: feature.geometry.coordinates[1], limit });

  it("asks its /reverse on the address index, and passes its answer on", async () => {
    const remote = new RemoteProvider({ baseUrl });
    const found = await remote.reverse(at(bellecour));
    // The two addresses of the place within its 100 m, nearest first; La Canebière is not.
    expect(found.map((f) => f.properties.label)).toEqual(["1 Place Bellecour 69002 Lyon", "10 Place Bellecour 69002 Lyon"]);
    expect(found[0]!.properties).toMatchObject({ distance: 0, score: 1 });
    expect(found[1]!.properties.distance).toBeGreaterThan(50);
    expect(found[1]!.properties.distance).toBeLessThan(100);
    await remote.reverse(at(bellecour));
    expect(geo.requests).toBe(1); // cached
    expect(await remote.reverse({ ...at(bellecour), limit: 1, type: "street" })).toEqual([]);
  });

  it("the stand-in refuses what the Géoplateforme refuses", async () => {
    const ask = async (query: string) => {
      const response = await fetch(`${baseUrl}/reverse?${query}`);
      return { status: response.status, body: AddressErrorSchema.safeParse(await response.json()) };
    };
    for (const query of ["", "lat=45.7", "lon=4.8&lat=91", "lon=4.8&lat=45.7&limit=21", "lon=4.8&lat=45.7&index=cadastre", "lon=4.8&lat=45.7&postcode=690", "lng=4.8&lat=45.7"]) {
      const { status, body } = await ask(query);
      expect(status, query).toBe(400);
      expect(body.success, query).toBe(true);
    }
  });

  it("/api/address/reverse answers 503 when the Géoplateforme fails, 200 with its addresses otherwise", async () => {
    const handler = createAddressHandler({ provider: new RemoteProvider({ baseUrl }) });
    const [lon, lat] = bellecour.geometry.coordinates;
    const ok = await get(handler, `/api/address/reverse/?lat=${lat}&lng=${lon}&limit=5`);
    expect((await json<AddressReverseCollection>(ok)).features.map((f) => f.properties.id)).toEqual(["69381_3220_00001", "69381_3220_00010"]);
    geo.inject({ status: 502 });
    const failing = await get(handler, `/api/address/reverse/?lat=${lat}&lon=${lon}&limit=4`);
    expect(failing.status).toBe(503);
    expect(failing.headers.get("retry-after")).toBe("5");
  });

  it("auto: the local index near its addresses, the Géoplateforme beyond, the index again when it fails", async () => {
    const auto = new AutoProvider(local(), new RemoteProvider({ baseUrl }));
    const [lon, lat] = baudin;
    expect((await auto.reverse({ lon, lat, limit: 1 }))[0]?.properties.label).toBe("55 Rue Baudin 93140 Bondy");
    expect(geo.requests).toBe(0);
    expect((await auto.reverse(at(bellecour, 1)))[0]?.properties.label).toBe("1 Place Bellecour 69002 Lyon");
    expect(geo.requests).toBe(1);
    await geo.stop();
    expect(await auto.reverse(at(REMOTE_ADDRESSES[2]!, 1))).toEqual([]);
  });

  it("marks each feature with its eligibility when the Site table defines a territory", async () => {
    const provider = new AutoProvider(local(), new RemoteProvider({ baseUrl }));
    const handler = createAddressHandler({ provider, territory: { departements: [], communes: ["93010"] } });
    const eligible = async (feature: [number, number]) =>
      (await json<AddressReverseCollection>(await get(handler, `/api/address/reverse?lon=${feature[0]}&lat=${feature[1]}`))).features[0]?.properties.eligible;
    expect(await eligible(baudin)).toBe(true);
    expect(await eligible(bellecour.geometry.coordinates)).toBe(false);
  });
});

describe("bad parameters on /reverse", () => {
  const handler = () => createAddressHandler({ provider: local() });

  it.each([
    ["", ["lat: paramètre obligatoire", "lon: paramètre obligatoire"]],
    ["lat=48.9", ["lon: paramètre obligatoire"]],
    ["lng=2.47", ["lat: paramètre obligatoire"]],
    ["lat=98&lon=2", ["lat: doit être une latitude entre -90 et 90"]],
    ["lat=48.9&lon=abc", ["lon: doit être une longitude entre -180 et 180"]],
    ["lat=48.9&lng=1e400", ["lon: doit être une longitude entre -180 et 180"]],
    ["lat=NaN&lon=2", ["lat: doit être une latitude entre -90 et 90"]],
    ["lat=48.9&lon=2.47&limit=0", ["limit: doit être un nombre entier entre 1 et 20"]],
    ["lat=48.9&lon=2.47&limit=21", ["limit: doit être un nombre entier entre 1 et 20"]],
    ["lat=48.9&lon=2.47&type=building", ["type: doit valoir housenumber, street, locality, municipality"]],
    ["lat=48.9&lon=2.47&postcode=931", ["postcode: doit être un code postal à 5 chiffres"]],
    ["lat=48.9&lon=2.47&citycode=bondy", ["citycode: doit être un code INSEE à 5 caractères"]],
  ])("answers 400 in the BAN's shape to ?%s", async (query, detail) => {
    const response = await get(handler(), `/api/address/reverse/?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ code: 400, message: "Paramètres invalides", detail });
  });

  it("answers HEAD and OPTIONS as the search does, and refuses POST", async () => {
    const [lon, lat] = baudin;
    const h = handler();
    expect((await h(new Request(`http://localhost/api/address/reverse?lat=${lat}&lon=${lon}`, { method: "HEAD" }))).status).toBe(200);
    expect((await h(new Request("http://localhost/api/address/reverse/", { method: "OPTIONS" }))).status).toBe(204);
    expect((await h(new Request(`http://localhost/api/address/reverse?lat=${lat}&lon=${lon}`, { method: "POST" }))).status).toBe(405);
  });

  it("never answers a 5xx, whatever the parameters (seeded)", async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 12);
    const rng = new Rng(seed);
    const h = handler();
    const values: Record<string, readonly string[]> = {
      lat: ["48.8986", "48.9", "-90", "90", "90.0000001", "0", "-0", "1e400", "NaN", "Infinity", "abc", " 48 ", "0x10", "4e1", ""],
      lon: ["2.473", "2.48", "-180", "180", "-181", "0", "1e400", "NaN", "abc", " 2 ", ""],
      limit: ["1", "5", "20", "0", "21", "-1", "1.5", "abc", "9".repeat(400), ""],
      type: ["housenumber", "street", "locality", "municipality", "x", "__proto__", ""],
      postcode: ["93140", "931", "abcde", ""],
      citycode: ["93010", "2A004", "99999", "__proto__", ""],
    };
    const names = ["lat", "latitude", "lon", "lng", "long", "longitude", "limit", "type", "postcode", "citycode", "q", "index", "__proto__"];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      // Often a good point first (the first of a name is the one read), so that the rest is tried on answers too.
      const params: string[] = rng.chance(0.4) ? [`lat=${baudin[1]}`, `${rng.pick(["lon", "lng"])}=${baudin[0]}`] : [];
      for (let n = rng.int(0, 6); n > 0; n--) {
        const name = rng.pick(names);
        const key = name === "latitude" ? "lat" : ["lng", "long", "longitude"].includes(name) ? "lon" : name;
        const value = Object.hasOwn(values, key) && rng.chance(0.85) ? rng.pick(values[key]!) : nastyString(rng, 3);
        params.push(`${encodeQueryValue(rng, name)}=${encodeQueryValue(rng, value)}`);
      }
      const path = rng.pick(["/api/address/reverse", "/api/address/reverse/"]);
      const url = `${path}?${params.join("&")}`;
      const response = await get(h, url);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect([200, 400], url).toContain(response.status);
      const body: unknown = await response.json();
      if (response.status === 400) expect(AddressErrorSchema.safeParse(body).success, url).toBe(true);
      else {
        const parsed = AddressReverseCollectionSchema.parse(body);
        expect(parsed.features.length, url).toBeLessThanOrEqual(parsed.limit);
        const distances = parsed.features.map((f) => f.properties.distance!);
        expect(distances, url).toEqual([...distances].sort((a, b) => a - b));
      }
    }
    expect(statuses.get(200) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(10);
  });
});

describe("geopy's BANFrance, a client nobody here wrote", () => {
  const python = process.env.GEOPY_PYTHON ?? "/usr/bin/python3";
  let served: Served;
  beforeAll(async () => {
    // The Netlify function itself (functions/address.ts, over the index the build wrote), on real HTTP.
    served = await serveHandler(addressFunction);
  });
  afterAll(() => served.close());

  const script = `
import json, sys
from geopy.geocoders import BANFrance
ban = BANFrance(domain=sys.argv[1], scheme="http", timeout=10)
found = ban.geocode("55 rue baudin bondy")
point = "%s, %s" % (found.latitude, found.longitude)
near = ban.reverse(point)
several = ban.reverse(point, exactly_one=False)
nowhere = ban.reverse("45.7578, 4.8323")
print(json.dumps({
  "geocode": [found.address, found.latitude, found.longitude],
  "reverse": [near.address, near.latitude, near.longitude, near.raw["properties"].get("distance")],
  "several": len(several),
  "nowhere": nowhere,
}))
`;

  it("geocodes and reverse-geocodes through /api/address as through the BAN", async () => {
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(python, ["-c", script, `${served.url.replace("http://", "")}/api/address`], { timeout: 60_000 }));
    } catch (error) {
      const message = (error as { stderr?: string }).stderr ?? String(error);
      if (/No module named 'geopy'|ENOENT/.test(message)) throw new Error(`geopy not found for ${python}: apt-get install python3-geopy (see .ci/run)\n${message}`);
      throw error;
    }
    const result = JSON.parse(stdout) as { geocode: [string, number, number]; reverse: [string, number, number, number]; several: number; nowhere: null };
    expect(result.geocode).toEqual(["55 Rue Baudin 93140 Bondy", baudin[1], baudin[0]]);
    expect(result.reverse).toEqual(["55 Rue Baudin 93140 Bondy", baudin[1], baudin[0], 0]);
    expect(result.several).toBe(1); // the BAN's default limit for /reverse
    expect(result.nowhere).toBeNull(); // Lyon: not in the index, no answer rather than a far one
    // What geopy asked: the BAN's paths under the base it was given; for /reverse, lat and lon
    // (Debian's geopy 2.3) or lat and lng (later versions), both read.
    const asked = served.requests.map((r) => new URL(r, "http://x"));
    expect(asked[0]!.pathname).toMatch(/^\/api\/address\/search\/?$/);
    expect(asked[1]!.pathname).toMatch(/^\/api\/address\/reverse\/?$/);
    expect(asked[1]!.searchParams.has("lat") && (asked[1]!.searchParams.has("lon") || asked[1]!.searchParams.has("lng"))).toBe(true);
  });
});
