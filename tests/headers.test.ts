// The shared headers (lib/site/headers.ts): on the static pages through _site/_headers, on every
// answer of /api/address, and no source map in the published site.
import { access, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { addressUnavailable, createAddressHandler } from "../lib/address/api.ts";
import type { AddressError } from "../lib/address/geocodejson.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { LocalProvider, RemoteUnavailable, type AddressProvider } from "../lib/address/providers.ts";
import {
  DENIED_FEATURES,
  PERMISSIONS_POLICY,
  SECURITY_HEADERS,
  headersFile,
  htmlResponse,
  jsonResponse,
  redirectResponse,
} from "../lib/site/headers.ts";
import { createRateLimiter } from "../lib/site/rate-limit.ts";

const HSTS = "max-age=63072000; includeSubDomains";
const POWERFUL_FEATURES = [
  "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "gyroscope",
  "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock",
  "sync-xhr", "usb", "xr-spatial-tracking", "interest-cohort",
];

function expectShared(response: Response): void {
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("strict-transport-security")).toBe(HSTS);
}

describe("the shared headers", () => {
  it("deny every powerful feature a form page never needs, and allow geolocation to the site only", () => {
    expect(DENIED_FEATURES).toEqual(expect.arrayContaining(POWERFUL_FEATURES));
    const directives = PERMISSIONS_POLICY.split(", ");
    // Geolocation, for « Utiliser ma position », to the site's own pages only.
    expect(directives).toEqual([...DENIED_FEATURES.map((f) => `${f}=()`), "geolocation=(self)"]);
    expect(new Set(directives).size).toBe(directives.length);
  });

  it("go to every page through headersFile(), and the build wrote that file", async () => {
    const file = headersFile();
    const all = file.split("/dsfr/*")[0]!; // the headers of every page, before the DSFR files' own
    expect(all.startsWith("/*\n")).toBe(true);
    expect(all).toContain(`  strict-transport-security: ${HSTS}\n`);
    expect(all).toContain("  x-content-type-options: nosniff\n");
    expect(all).toContain(`  permissions-policy: ${PERMISSIONS_POLICY}\n`);
    for (const feature of POWERFUL_FEATURES) expect(all).toContain(`${feature}=()`);
    expect(all).toContain("  content-security-policy: default-src 'self';");
    expect(await readFile("_site/_headers", "utf8")).toBe(file);
  });

  it("go on every function answer; no-store unless the caller says otherwise", async () => {
    const json = jsonResponse(200, { ok: true });
    expectShared(json);
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(json.headers.get("cache-control")).toBe("no-store");
    expect(await json.json()).toEqual({ ok: true });

    const html = htmlResponse(422, "<p>Erreur</p>");
    expectShared(html);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(html.headers.get(name)).toBe(value);
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.headers.get("cache-control")).toBe("no-store");

    expect(jsonResponse(500, {}, { "Cache-Control": "public, max-age=5" }).headers.get("cache-control")).toBe("public, max-age=5");
    expect(jsonResponse(200, {}, { "cache-control": "public, max-age=300" }).headers.get("cache-control")).toBe("public, max-age=300");

    const redirect = redirectResponse("/merci/");
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get("location")).toBe("/merci/");
    expect(redirect.headers.get("cache-control")).toBe("no-store");
    expect(redirect.headers.get("permissions-policy")).toBe(PERMISSIONS_POLICY);
    expectShared(redirect);
  });
});

describe("every answer of /api/address", () => {
  const handler = createAddressHandler({ provider: new LocalProvider(() => loadIndex()) });
  const failing: AddressProvider = {
    name: "remote",
    search: () => Promise.reject(new RemoteUnavailable("Géoplateforme : délai dépassé")),
    reverse: () => Promise.reject(new RemoteUnavailable("Géoplateforme : délai dépassé")),
  };

  function expectAddressHeaders(response: Response, cacheControl: string): void {
    expectShared(response);
    expect(response.headers.get("cache-control")).toBe(cacheControl);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  }

  it("200: cached five minutes", async () => {
    const response = await handler(new Request("http://localhost/api/address?q=55+rue+baudin"));
    expect(response.status).toBe(200);
    expectAddressHeaders(response, "public, max-age=300");
  });

  it("400: not cached", async () => {
    const response = await handler(new Request("http://localhost/api/address?q=ab"));
    expect(response.status).toBe(400);
    expectAddressHeaders(response, "no-store");
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])("405 to %s, saying which methods are allowed", async (method) => {
    const response = await handler(new Request("http://localhost/api/address?q=rue", { method }));
    expect(response.status).toBe(405);
    expectAddressHeaders(response, "no-store");
    expect(response.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(await response.json()).toEqual({ code: 405, message: "Méthode non autorisée", detail: ["utilisez GET"] } satisfies AddressError);
  });

  it("OPTIONS: a 204 preflight that allows GET, HEAD and the accept header, nothing else", async () => {
    const response = await handler(
      new Request("http://localhost/api/address?q=rue", {
        method: "OPTIONS",
        headers: { origin: "https://example.org", "access-control-request-method": "GET", "access-control-request-headers": "accept" },
      }),
    );
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expectAddressHeaders(response, "no-store");
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, HEAD, OPTIONS");
    expect(response.headers.get("access-control-allow-headers")).toBe("accept");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("503 when the provider fails, and the function's own 503: one body, not cached", async () => {
    const response = await createAddressHandler({ provider: failing })(new Request("http://localhost/api/address?q=55+rue+baudin"));
    expect(response.status).toBe(503);
    expectAddressHeaders(response, "no-store");
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({
      code: 503,
      message: "Recherche d'adresse momentanément indisponible",
      detail: ["Géoplateforme : délai dépassé"],
    } satisfies AddressError);

    const fallback = addressUnavailable([], 10);
    expect(fallback.status).toBe(503);
    expectAddressHeaders(fallback, "no-store");
    expect(fallback.headers.get("retry-after")).toBe("10");
    expect(await fallback.json()).toEqual({ code: 503, message: "Recherche d'adresse momentanément indisponible", detail: [] });
  });

  it("429 over the rate limit: not cached, readable from any origin", async () => {
    const limited = createAddressHandler({
      provider: failing,
      limiter: createRateLimiter({ windowLimit: 1, windowSize: 60, now: () => 0 }),
    });
    await limited(new Request("http://localhost/api/address?q=ab"));
    const response = await limited(new Request("http://localhost/api/address?q=ab"));
    expect(response.status).toBe(429);
    expectAddressHeaders(response, "no-store");
  });
});

describe("the published site", () => {
  it("has no source map, and its script points to none", async () => {
    await expect(access("_site/assets/form.js.map")).rejects.toMatchObject({ code: "ENOENT" });
    const script = await readFile("_site/assets/form.js", "utf8");
    expect(script.length).toBeGreaterThan(1000);
    expect(script).not.toContain("sourceMappingURL");
  });
});
