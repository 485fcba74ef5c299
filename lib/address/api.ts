// GET /api/address: the BAN's search API (q, limit, autocomplete, type, postcode, citycode,
// lat/lon) over a provider (the local index, the Géoplateforme, or both), answering GeoCodeJSON.
// When the Site table defines a territory, each feature says whether it is eligible. Bad
// parameters get a 400 in the BAN's error shape. Headers come from lib/site/headers.ts: nosniff
// and HSTS on every answer, no-store on errors, 5 minutes of cache on results.
import { z } from "zod";
import { emptyResponse, jsonResponse, type ExtraHeaders } from "../site/headers.ts";
import { clientKey, tooManyRequestsResponse, type RateLimiter } from "../site/rate-limit.ts";
import { CITYCODE } from "./departements.ts";
import { RemoteUnavailable, type AddressProvider } from "./providers.ts";
import { hasTerritory, inTerritory, type Territory } from "./territory.ts";
import { ADDRESS_TYPES, MIN_QUERY_LENGTH, type AddressCollection, type AddressError, type AddressFeature } from "./geocodejson.ts";

const Params = z.object({
  q: z
    .string({ error: "q: paramètre obligatoire" })
    .trim()
    .min(MIN_QUERY_LENGTH, "q: doit contenir entre 3 et 200 caractères")
    .max(200, "q: doit contenir entre 3 et 200 caractères")
    .regex(/^[\p{L}\p{N}]/u, "q: doit commencer par une lettre ou un chiffre"),
  limit: z.coerce
    .number({ error: "limit: doit être un nombre entier entre 1 et 20" })
    .int("limit: doit être un nombre entier entre 1 et 20")
    .min(1, "limit: doit être un nombre entier entre 1 et 20")
    .max(20, "limit: doit être un nombre entier entre 1 et 20")
    .default(5),
  autocomplete: z.enum(["0", "1"], { error: "autocomplete: doit valoir 0 ou 1" }).default("1"),
  type: z.enum(ADDRESS_TYPES, { error: `type: doit valoir ${ADDRESS_TYPES.join(", ")}` }).optional(),
  postcode: z.string().regex(/^\d{5}$/, "postcode: doit être un code postal à 5 chiffres").optional(),
  citycode: z.string().regex(CITYCODE, "citycode: doit être un code INSEE à 5 caractères").optional(),
  lat: z.coerce.number({ error: "lat: doit être une latitude entre -90 et 90" }).min(-90, "lat: doit être une latitude entre -90 et 90").max(90, "lat: doit être une latitude entre -90 et 90").optional(),
  lon: z.coerce.number({ error: "lon: doit être une longitude entre -180 et 180" }).min(-180, "lon: doit être une longitude entre -180 et 180").max(180, "lon: doit être une longitude entre -180 et 180").optional(),
}).refine((p) => (p.lat === undefined) === (p.lon === undefined), { message: "lat, lon: donnez les deux, ou aucun" });

/**
 * CORS as the BAN's API does, no more: any origin may read the answers (public data, no
 * credentials), with the methods and the one header (accept) a BAN client sends.
 */
const CORS: ExtraHeaders = { "access-control-allow-origin": "*" };
const ALLOWED_METHODS = "GET, HEAD, OPTIONS";
const PREFLIGHT: ExtraHeaders = { ...CORS, "access-control-allow-methods": ALLOWED_METHODS, "access-control-allow-headers": "accept" };

function error(status: number, message: string, detail: string[], extra: ExtraHeaders = {}): Response {
  const body: AddressError = { code: status, message, detail };
  return jsonResponse(status, body, { ...CORS, ...extra });
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
    if (limiter) {
      const allowed = limiter.check(clientKey(req));
      if (!allowed.ok) return tooManyRequestsResponse(allowed.retryAfterSeconds, CORS);
    }
    if (req.method === "OPTIONS") return emptyResponse(204, PREFLIGHT);
    if (req.method !== "GET" && req.method !== "HEAD") return error(405, "Méthode non autorisée", ["utilisez GET"], { allow: ALLOWED_METHODS });
    const url = new URL(req.url);
    const given: Record<string, string> = {};
    for (const key of ["q", "limit", "autocomplete", "type", "postcode", "citycode", "lat", "lon"]) {
      const value = url.searchParams.get(key);
      if (value !== null && value !== "") given[key] = value;
    }
    const parsed = Params.safeParse(given);
    if (!parsed.success) return error(400, "Paramètres invalides", parsed.error.issues.map((i) => i.message));
    const { q, limit, autocomplete, type, postcode, citycode, lat, lon } = parsed.data;
    let found: AddressFeature[];
    try {
      found = await provider.search({ q, limit, autocomplete: autocomplete === "1", type, postcode, citycode, lat, lon });
    } catch (failure) {
      if (!(failure instanceof RemoteUnavailable)) throw failure;
      return addressUnavailable([failure.message], 5);
    }
    const features = hasTerritory(territory)
      ? found.map((f) => ({ ...f, properties: { ...f.properties, eligible: inTerritory(f.properties.citycode, territory) } }))
      : found;
    const filters = Object.fromEntries(Object.entries({ type, postcode, citycode }).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const body: AddressCollection = {
      type: "FeatureCollection",
      version: "draft",
      features,
      attribution: "BAN",
      licence: "ETALAB-2.0",
      query: q,
      limit,
      ...(Object.keys(filters).length ? { filters } : {}),
    };
    return jsonResponse(200, body, { ...CORS, "cache-control": "public, max-age=300" });
  };
}
