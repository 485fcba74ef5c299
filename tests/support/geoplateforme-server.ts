// A local stand-in for the Géoplateforme's geocoding API (https://data.geopf.fr/geocodage/search
// and /reverse): same parameters, same GeoCodeJSON answer, over a small list of addresses, with
// injectable failures (status, 429 with Retry-After, slowness). /reverse answers as its source does
// (github.com/Geoplateforme/gpf-geocodeur, indexes/address/service/reverse.js, api/params/base.js):
// the addresses within 100 m of lon/lat, nearest first, each with its distance in whole metres and a
// score of 1 - distance/10 km; only `{ type, features }` around them.
import { createServer, type ServerResponse, type Server } from "node:http";
import type { AddressFeature } from "../../lib/address/geocodejson.ts";
import { fold } from "../../lib/address/normalize.ts";
import { distanceMetres } from "../../lib/address/reverse.ts";

export type GeoFault = { status: number; retryAfter?: number } | { delayMs: number };

const feature = (id: string, housenumber: string, street: string, postcode: string, citycode: string, city: string, context: string, lon: number, lat: number): AddressFeature => ({
  type: "Feature",
  geometry: { type: "Point", coordinates: [lon, lat] },
  properties: {
    label: `${housenumber} ${street} ${postcode} ${city}`,
    score: 0,
    id,
    type: "housenumber",
    name: `${housenumber} ${street}`,
    housenumber,
    street,
    postcode,
    citycode,
    city,
    context,
  },
});

/** Real addresses beyond the sample's territory (Bondy). */
export const REMOTE_ADDRESSES: AddressFeature[] = [
  feature("69381_3220_00001", "1", "Place Bellecour", "69002", "69382", "Lyon", "69, Rhône, Auvergne-Rhône-Alpes", 4.8323, 45.7578),
  feature("69381_3220_00010", "10", "Place Bellecour", "69002", "69382", "Lyon", "69, Rhône, Auvergne-Rhône-Alpes", 4.8331, 45.7575),
  feature("13055_1234_00002", "2", "La Canebière", "13001", "13201", "Marseille", "13, Bouches-du-Rhône, Provence-Alpes-Côte d'Azur", 5.3776, 43.2973),
  feature("75101_8158_00001", "1", "Rue de Rivoli", "75001", "75101", "Paris", "75, Paris, Île-de-France", 2.3601, 48.8552),
];

export class FakeGeoplateforme {
  requests = 0;
  private server: Server | undefined;
  private readonly faults: GeoFault[] = [];

  constructor(private readonly addresses: AddressFeature[] = REMOTE_ADDRESSES) {}

  inject(fault: GeoFault): void {
    this.faults.push(fault);
  }

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      this.requests += 1;
      const url = new URL(req.url ?? "/", "http://localhost");
      const fault = this.faults.shift();
      if (fault && "delayMs" in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault && "status" in fault) {
        res.writeHead(fault.status, { "content-type": "application/json", ...(fault.retryAfter ? { "retry-after": String(fault.retryAfter) } : {}) });
        res.end(JSON.stringify({ code: fault.status, message: "fault" }));
        return;
      }
      if (url.pathname === "/geocodage/reverse") return this.reverse(url, res);
      if (url.pathname !== "/geocodage/search") return void res.writeHead(404).end();
      const q = url.searchParams.get("q") ?? "";
      if (q.trim().length < 3) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: 400, message: "Failed parsing query", detail: ["q: must contain between 3 and 200 chars"] }));
        return;
      }
      const words = fold(q).split(" ");
      const limit = Number(url.searchParams.get("limit") ?? 5);
      const features = this.addresses
        .filter((f) => {
          const label = fold(f.properties.label).split(" ");
          return words.every((w, i) => (i === words.length - 1 ? label.some((l) => l.startsWith(w)) : label.includes(w)));
        })
        .slice(0, limit)
        .map((f) => ({ ...f, properties: { ...f.properties, score: 0.95 } }));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "FeatureCollection", version: "draft", features, attribution: "BAN", licence: "ETALAB-2.0", query: q, limit }));
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/geocodage`;
  }

  private reverse(url: URL, res: ServerResponse): void {
    const fail = (...detail: string[]) =>
      void res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: 400, message: "Failed parsing query", detail }));
    const param = (name: string) => {
      const value = url.searchParams.get(name);
      return value === null || value === "" ? undefined : value;
    };
    const float = (name: string, bound: number): number | undefined | string => {
      const raw = param(name);
      if (raw === undefined) return undefined;
      const value = Number.parseFloat(raw);
      if (!Number.isFinite(value)) return `${name}: must be a float`;
      return value < -bound || value > bound ? `${name} must be a float between -${bound} and ${bound}` : value;
    };
    const lon = float("lon", 180);
    const lat = float("lat", 90);
    if (typeof lon === "string" || typeof lat === "string") return fail(...[lon, lat].filter((v): v is string => typeof v === "string"));
    if ((lon === undefined) !== (lat === undefined)) return fail("lon/lat must be present together if defined");
    if (lon === undefined || lat === undefined) return fail("At least lon/lat or searchgeom must be defined");
    const limitRaw = param("limit") ?? "5";
    const limit = Number(limitRaw);
    if (!/^\d+$/.test(limitRaw) || limit < 1 || limit > 20) return fail("Param limit must be an integer between 1 and 20");
    const indexes = (param("index") ?? "address").split(",");
    if (indexes.some((i) => !["address", "poi", "parcel"].includes(i))) return fail("index: unexpected value");
    const type = param("type");
    if (type !== undefined && !["housenumber", "street", "locality", "municipality"].includes(type)) return fail("type: unexpected value");
    const postcode = param("postcode");
    if (postcode !== undefined && !/^\d{5}$/.test(postcode)) return fail("Param postcode must contain 5 digits");
    const citycode = param("citycode");
    if (citycode !== undefined && !/^(\d{5}|\d[AB]\d{3})$/.test(citycode)) return fail("Param citycode is invalid");
    // This stand-in holds addresses only: no place, no parcel.
    const features = indexes.includes("address")
      ? this.addresses
          .filter((f) => (type === undefined || f.properties.type === type) && (postcode === undefined || f.properties.postcode === postcode) && (citycode === undefined || f.properties.citycode === citycode))
          .map((f) => {
            const [flon, flat] = f.geometry.coordinates;
            const distance = Math.round(distanceMetres(lon, lat, flon, flat));
            return { ...f, properties: { ...f.properties, _type: "address", distance, score: 1 - Math.min(1, distance / 10_000) } };
          })
          .filter((f) => f.properties.distance <= 100)
          .sort((a, b) => a.properties.distance - b.properties.distance)
          .slice(0, limit)
      : [];
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ type: "FeatureCollection", features }));
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
  }
}
