// Netlify function: GET /api/address, a BAN-compatible address search over the bundled index
// (and/or the Géoplateforme: ADDRESS_PROVIDER=local|remote|auto).
import type { Config } from "@netlify/functions";
import { createAddressHandler } from "../lib/address/api.ts";
import type { AddressIndex } from "../lib/address/engine.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { providerFromEnvironment } from "../lib/address/providers.ts";
import { readPublishedForms } from "../lib/forms/published.ts";

// Loaded once per function instance (cold start), never per request.
let index: Promise<AddressIndex> | undefined;
let handler: Promise<(req: Request) => Promise<Response>> | undefined;

async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const { territory } = await readPublishedForms();
  return createAddressHandler({ provider: providerFromEnvironment(() => (index ??= loadIndex())), territory });
}

export default async function address(req: Request): Promise<Response> {
  try {
    handler ??= createHandler();
    return await (await handler)(req);
  } catch (error) {
    index = undefined;
    handler = undefined;
    console.error("address function failed:", error);
    return new Response(JSON.stringify({ code: 503, message: "Recherche d'adresse momentanément indisponible", detail: [] }), {
      status: 503,
      headers: { "content-type": "application/json; charset=utf-8", "retry-after": "10" },
    });
  }
}

export const config: Config = { path: "/api/address" };
