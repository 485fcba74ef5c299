// GET /api/address: the BAN's search API (q, limit, autocomplete, type, postcode, citycode,
// lat/lon) over a provider (the local index, the Géoplateforme, or both), answering GeoCodeJSON.
// When the Site table defines a territory, each feature says whether it is eligible. Bad
// parameters get a 400 in the BAN's error shape.
import { z } from "zod";
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

const HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "access-control-allow-origin": "*",
};

function error(status: number, message: string, detail: string[]): Response {
  const body: AddressError = { code: status, message, detail };
  return new Response(JSON.stringify(body), { status, headers: HEADERS });
}

export interface AddressHandlerOptions {
  provider: AddressProvider;
  territory?: Territory;
}

export function createAddressHandler({ provider, territory }: AddressHandlerOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") return error(405, "Méthode non autorisée", ["utilisez GET"]);
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
      return new Response(JSON.stringify({ code: 503, message: "Recherche d'adresse momentanément indisponible", detail: [failure.message] } satisfies AddressError), {
        status: 503,
        headers: { ...HEADERS, "retry-after": "5" },
      });
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
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { ...HEADERS, "cache-control": "public, max-age=300" },
    });
  };
}
