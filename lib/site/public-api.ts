// What the kit's public read-only APIs (/api/address, BAN-compatible; /api/communes, geo.api-
// compatible) do before and after their own work, written once: the rate limit, CORS as those
// national APIs do it (any origin may read public data; no credentials), the preflight, GET and
// HEAD only, and five minutes of cache on a result. Each API keeps its own error body.
import { emptyResponse, jsonResponse, type ExtraHeaders } from "./headers.ts";
import { clientKey, tooManyRequestsResponse, type RateLimiter } from "./rate-limit.ts";

export const PUBLIC_CORS: ExtraHeaders = { "access-control-allow-origin": "*" };
const ALLOWED_METHODS = "GET, HEAD, OPTIONS";
/** The methods, and the one header (accept) these APIs' clients send. */
const PREFLIGHT: ExtraHeaders = { ...PUBLIC_CORS, "access-control-allow-methods": ALLOWED_METHODS, "access-control-allow-headers": "accept" };

/** An API's error, in its own shape; `extra` headers are added to CORS. */
export type PublicError = (status: number, message: string, detail: string[], extra?: ExtraHeaders) => Response;

/**
 * The answer the request gets before the API reads it (429, the preflight's 204, 405), or
 * undefined when the API may go on. The limit is checked before anything else, per client.
 */
export function publicGate(req: Request, limiter: RateLimiter | undefined, error: PublicError): Response | undefined {
  if (limiter) {
    const allowed = limiter.check(clientKey(req));
    if (!allowed.ok) return tooManyRequestsResponse(allowed.retryAfterSeconds, PUBLIC_CORS);
  }
  if (req.method === "OPTIONS") return emptyResponse(204, PREFLIGHT);
  if (req.method !== "GET" && req.method !== "HEAD") return error(405, "Méthode non autorisée", ["utilisez GET"], { allow: ALLOWED_METHODS });
  return undefined;
}

/** A result: public, cached five minutes by browsers and the CDN. */
export const publicResult = (body: unknown): Response => jsonResponse(200, body, { ...PUBLIC_CORS, "cache-control": "public, max-age=300" });

/** An error body with CORS, so a page on another origin can read why. */
export const publicError = (status: number, body: unknown, extra: ExtraHeaders = {}): Response => jsonResponse(status, body, { ...PUBLIC_CORS, ...extra });
