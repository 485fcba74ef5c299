// GET /api/communes?q=…&limit=…: the communes whose name or postcode starts with what was typed,
// in geo.api.gouv.fr's /communes shape, over the index the build wrote (communes.ts). Bad
// parameters get a 400 in French; headers as /api/address: nosniff and HSTS on every answer,
// no-store on errors, 5 minutes of cache on results.
import { z } from "zod";
import type { ExtraHeaders } from "../site/headers.ts";
import { publicError, publicGate, publicResult } from "../site/public-api.ts";
import type { RateLimiter } from "../site/rate-limit.ts";
import type { Commune, CommuneIndex } from "./communes.ts";
import { COMMUNES_DEFAULT_LIMIT, COMMUNES_MAX_LIMIT, COMMUNES_QUERY_MAX, type CommuneResult, type CommunesError } from "./geo-api.ts";

const LIMIT = `limit: doit être un nombre entier entre 1 et ${COMMUNES_MAX_LIMIT}`;
const QUERY = `q: doit contenir entre 1 et ${COMMUNES_QUERY_MAX} caractères`;

const Params = z.object({
  q: z
    .string({ error: "q: paramètre obligatoire (un nom de commune ou un code postal)" })
    .trim()
    .min(1, QUERY)
    .max(COMMUNES_QUERY_MAX, QUERY)
    .regex(/[\p{L}\p{N}]/u, "q: doit contenir une lettre ou un chiffre"),
  limit: z.coerce.number({ error: LIMIT }).int(LIMIT).min(1, LIMIT).max(COMMUNES_MAX_LIMIT, LIMIT).default(COMMUNES_DEFAULT_LIMIT),
});

function error(status: number, message: string, detail: string[], extra: ExtraHeaders = {}): Response {
  const body: CommunesError = { code: status, message, detail };
  return publicError(status, body, extra);
}

/** 503, when the index cannot be read (the function shell answers it). */
export function communesUnavailable(): Response {
  return error(503, "Recherche de communes momentanément indisponible", [], { "retry-after": "10" });
}

export const communeResult = ({ name, code, postcodes, departement }: Commune): CommuneResult => ({
  nom: name,
  code,
  codesPostaux: [...postcodes],
  codeDepartement: departement,
});

export interface CommunesHandlerOptions {
  index: CommuneIndex;
  /** Checked before anything else, per client: over the limit, a 429. */
  limiter?: RateLimiter;
}

export function createCommunesHandler({ index, limiter }: CommunesHandlerOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    const gate = publicGate(req, limiter, error);
    if (gate) return gate;
    const url = new URL(req.url);
    const given: Record<string, string> = {};
    for (const key of ["q", "limit"]) {
      const value = url.searchParams.get(key);
      // Blank is absent: « q: paramètre obligatoire » says what to do.
      if (value !== null && value.trim() !== "") given[key] = value;
    }
    const parsed = Params.safeParse(given);
    if (!parsed.success) return error(400, "Paramètres invalides", parsed.error.issues.map((issue) => issue.message));
    const { q, limit } = parsed.data;
    const body: CommuneResult[] = index.search(q, limit).map(communeResult);
    return publicResult(body);
  };
}
