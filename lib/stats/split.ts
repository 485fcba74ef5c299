// Variants of a service's landing page, and how its main address splits visitors between the
// active ones. The split is decided by the function that answers the main address (a 302 to the
// variant's own address), from a keyed hash of the visitor's connection and browser and the day:
//   - it works with JavaScript off, and needs no cookie and no storage (no consent banner);
//   - the same visitor gets the same variant all day (a reload does not switch the promise);
//   - the hash is uniform, so visitors split evenly; the key is the build's secret, so nobody can
//     choose a variant by forging headers, and nothing of the visitor is kept, only used.
import { createHmac } from "node:crypto";
import { MAIN_VARIANT, type VariantInfo } from "../base/variants.ts";
import type { PublishedForms } from "../forms/published.ts";
import { COMMON_HEADERS, htmlResponse } from "../site/headers.ts";
import { clientKey } from "../site/rate-limit.ts";
import { parisDay } from "./day.ts";

/** Which active variant a visitor gets today: the same one for the same connection, browser and day. */
export function chooseVariant<V extends Pick<VariantInfo, "slug">>(active: readonly V[], visitor: string, day: string, secret: string): V | undefined {
  if (active.length === 0) return undefined;
  const digest = createHmac("sha256", secret).update(`${day}\n${visitor}`).digest();
  return active[digest.readUInt32BE(0) % active.length];
}

export interface SplitOptions {
  forms: PublishedForms;
  now?: () => number;
}

const LANDING = /^\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?$/;

/**
 * The main address of a service whose landing page has active variants (the build writes no
 * page there): a 302 to the variant of the day, the query kept (utm_source…). Any other address
 * that reaches this function is not a page of the site: 404.
 */
export function createSplitHandler(options: SplitOptions): (req: Request) => Promise<Response> {
  const now = options.now ?? Date.now;
  const secret = options.forms.signingKey ?? "";
  return async (req) => {
    const url = new URL(req.url);
    const slug = LANDING.exec(url.pathname)?.[1];
    const form = slug !== undefined && Object.hasOwn(options.forms.forms, slug) ? options.forms.forms[slug] : undefined;
    const active = (form?.variants ?? []).filter((v) => v.active && v.slug !== MAIN_VARIANT);
    const variant = chooseVariant(active, `${clientKey(req)}\n${req.headers.get("user-agent") ?? ""}`, parisDay(now()), secret);
    if (!variant) return htmlResponse(404, options.forms.pages?.notFound ?? "<!doctype html><title>Page introuvable</title><h1>Page introuvable</h1>");
    // Each visitor may get another variant: never cached, by the browser or the CDN.
    return new Response(null, {
      status: 302,
      headers: { location: `${variant.landingPath}${url.search}`, "cache-control": "no-store", ...COMMON_HEADERS },
    });
  };
}
