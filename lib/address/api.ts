// GET /api/address: the BAN's API over a provider (the local index, the Géoplateforme, or both),
// answering GeoCodeJSON, at the BAN's paths too, so that a BAN client given /api/address as its base
// works as is: /api/address and /api/address/search search (q, limit, autocomplete, type, postcode,
// citycode, lat/lon), /api/address/reverse gives the addresses nearest a point (lat/lon, limit, type,
// postcode, citycode), a trailing slash or not. lat and lon have the BAN's other names too (latitude;
// lng, long, longitude). When the Site table defines a territory, each feature says whether it is
// eligible. Bad parameters get a 400 in the BAN's error shape. Headers come from
// lib/site/headers.ts: nosniff and HSTS on every answer, no-store on errors, 5 minutes of cache on
// results.
import { z } from "zod";
import type { ExtraHeaders } from "../site/headers.ts";
import { publicError, publicGate, publicResult } from "../site/public-api.ts";
import type { RateLimiter } from "../site/rate-limit.ts";
import { CITYCODE } from "./departements.ts";
import { RemoteUnavailable, type AddressProvider } from "./providers.ts";
import { hasTerritory, inTerritory, type Territory } from "./territory.ts";
import { ADDRESS_TYPES, MIN_QUERY_LENGTH, type AddressCollection, type AddressError, type AddressFeature, type AddressReverseCollection } from "./geocodejson.ts";

const LIMIT = "limit: doit être un nombre entier entre 1 et 20";
const LAT = "lat: doit être une latitude entre -90 et 90";
const LON = "lon: doit être une longitude entre -180 et 180";
const limit = (fallback: number) => z.coerce.number({ error: LIMIT }).int(LIMIT).min(1, LIMIT).max(20, LIMIT).default(fallback);
const lat = z.coerce.number<string>({ error: LAT }).min(-90, LAT).max(90, LAT);
const lon = z.coerce.number<string>({ error: LON }).min(-180, LON).max(180, LON);
const filters = {
  type: z.enum(ADDRESS_TYPES, { error: `type: doit valoir ${ADDRESS_TYPES.join(", ")}` }).optional(),
  postcode: z.string().regex(/^\d{5}$/, "postcode: doit être un code postal à 5 chiffres").optional(),
  citycode: z.string().regex(CITYCODE, "citycode: doit être un code INSEE à 5 caractères").optional(),
};

const Params = z.object({
  q: z
    .string({ error: "q: paramètre obligatoire" })
    .trim()
    .min(MIN_QUERY_LENGTH, "q: doit contenir entre 3 et 200 caractères")
    .max(200, "q: doit contenir entre 3 et 200 caractères")
    .regex(/^[\p{L}\p{N}]/u, "q: doit commencer par une lettre ou un chiffre"),
  limit: limit(5),
  autocomplete: z.enum(["0", "1"], { error: "autocomplete: doit valoir 0 ou 1" }).default("1"),
  ...filters,
  lat: lat.optional(),
  lon: lon.optional(),
}).refine((p) => (p.lat === undefined) === (p.lon === undefined), { message: "lat, lon: donnez les deux, ou aucun" });

/** /reverse: the point is required; one answer by default, as the BAN's. */
const ReverseParams = z.object({
  lat: z.string({ error: "lat: paramètre obligatoire" }).pipe(lat),
  lon: z.string({ error: "lon: paramètre obligatoire" }).pipe(lon),
  limit: limit(1),
  ...filters,
});

/** The parameters read, each under its names in the BAN's API (the first one given wins). */
const PARAMETER_NAMES: Record<string, readonly string[]> = {
  q: ["q"],
  limit: ["limit"],
  autocomplete: ["autocomplete"],
  type: ["type"],
  postcode: ["postcode"],
  citycode: ["citycode"],
  lat: ["lat", "latitude"],
  lon: ["lon", "lng", "long", "longitude"],
};

function parametersOf(url: URL): Record<string, string> {
  const given: Record<string, string> = {};
  for (const [key, names] of Object.entries(PARAMETER_NAMES)) {
    for (const name of names) {
      const value = url.searchParams.get(name);
      if (value !== null && value !== "") {
        given[key] = value;
        break;
      }
    }
  }
  return given;
}

/** /reverse, with or without its trailing slash; anything else under the function is the search. */
const isReverse = (pathname: string) => /\/reverse\/*$/.test(pathname);

function error(status: number, message: string, detail: string[], extra: ExtraHeaders = {}): Response {
  const body: AddressError = { code: status, message, detail };
  return publicError(status, body, extra);
}

/** 503, when the provider (or the function itself) fails: the only place this answer is written. */
export function addressUnavailable(detail: string[], retryAfterSeconds: number): Response {
  return error(503, "Recherche d'adresse momentanément indisponible", detail, { "retry-after": String(retryAfterSeconds) });
}

export interface AddressHandlerOptions {
  provider: AddressProvider;
  territory?: Territory;
  /** Checked before anything else, per client (clientKey): over the limit, a 429 in the BAN's shape. */
  limiter?: RateLimiter;
}

export function createAddressHandler({ provider, territory, limiter }: AddressHandlerOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    const gate = publicGate(req, limiter, error);
    if (gate) return gate;
    const url = new URL(req.url);
    const given = parametersOf(url);
    const marked = (found: AddressFeature[]) =>
      hasTerritory(territory) ? found.map((f) => ({ ...f, properties: { ...f.properties, eligible: inTerritory(f.properties.citycode, territory) } })) : found;
    const filtersOf = (all: Record<string, string | undefined>) => {
      const given = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>;
      return Object.keys(given).length ? { filters: given } : {};
    };
    const answer = (body: AddressCollection | AddressReverseCollection) => publicResult(body);
    try {
      if (isReverse(url.pathname)) {
        const parsed = ReverseParams.safeParse(given);
        if (!parsed.success) return invalid(parsed.error);
        const { lat, lon, limit, type, postcode, citycode } = parsed.data;
        const features = marked(await provider.reverse({ lat, lon, limit, type, postcode, citycode }));
        return answer({ type: "FeatureCollection", version: "draft", features, attribution: "BAN", licence: "ETALAB-2.0", ...filtersOf({ type, postcode, citycode }), center: [lon, lat], limit });
      }
      const parsed = Params.safeParse(given);
      if (!parsed.success) return invalid(parsed.error);
      const { q, limit, autocomplete, type, postcode, citycode, lat, lon } = parsed.data;
      const features = marked(await provider.search({ q, limit, autocomplete: autocomplete === "1", type, postcode, citycode, lat, lon }));
      return answer({ type: "FeatureCollection", version: "draft", features, attribution: "BAN", licence: "ETALAB-2.0", query: q, limit, ...filtersOf({ type, postcode, citycode }) });
    } catch (failure) {
      if (!(failure instanceof RemoteUnavailable)) throw failure;
      return addressUnavailable([failure.message], 5);
    }
  };
}

function invalid(failure: z.ZodError): Response {
  return error(400, "Paramètres invalides", failure.issues.map((i) => i.message));
}
