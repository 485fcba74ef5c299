// Netlify function: GET /api/address, a BAN-compatible address search over the bundled index.
import type { Config } from "@netlify/functions";
import { createAddressHandler } from "../lib/address/api.ts";
import type { AddressIndex } from "../lib/address/engine.ts";
import { loadIndex } from "../lib/address/index-file.ts";

// Loaded once per function instance (cold start), never per request.
let index: Promise<AddressIndex> | undefined;
const handler = createAddressHandler(() => (index ??= loadIndex()));

export default async function address(req: Request): Promise<Response> {
  try {
    return await handler(req);
  } catch (error) {
    index = undefined;
    console.error("address function failed:", error);
    return new Response(JSON.stringify({ code: 503, message: "Recherche d'adresse momentanément indisponible", detail: [] }), {
      status: 503,
      headers: { "content-type": "application/json; charset=utf-8", "retry-after": "10" },
    });
  }
}

export const config: Config = { path: "/api/address" };
