// lib/site/static-site.ts: a built site in a temp folder, served as Netlify serves it, asked over
// real HTTP.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY, SECURITY_HEADERS, headersFile } from "../lib/site/headers.ts";
import { headersFor, parseHeadersFile, serveStaticSite, type StaticSite } from "../lib/site/static-site.ts";

let root: string;
let dir: string;
let site: StaticSite;

async function write(path: string, body: string): Promise<void> {
  await mkdir(join(dir, path, ".."), { recursive: true });
  await writeFile(join(dir, path), body);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kit-static-"));
  dir = join(root, "_site");
  // Beside the site, not in it: no address may reach it.
  await writeFile(join(root, "secret.txt"), "dehors");
  await write("index.html", "<h1>Accueil</h1>");
  await write("service/formulaire/index.html", "<h1>Formulaire</h1>");
  await write("404.html", "<h1>Page introuvable</h1>");
  await write("dsfr/dsfr.min.css", "body{}");
  await write("assets/form.js", "export {};");
  await write("_headers", headersFile("https://matomo.example.fr/"));
  site = await serveStaticSite({ dir });
});

afterAll(async () => {
  await site?.close();
  await rm(root, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit) => fetch(`${site.url}${path}`, { redirect: "manual", ...init });

describe("serveStaticSite", () => {
  it("serves a folder's index.html with the headers of _headers (the Matomo origin of this build included)", async () => {
    const response = await get("/service/formulaire/");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("<h1>Formulaire</h1>");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self' https://matomo.example.fr");
    expect(response.headers.get("permissions-policy")).toBe(PERMISSIONS_POLICY);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    // The /dsfr/* rule applies to /dsfr/ only.
    expect(response.headers.get("cache-control")).toBeNull();
  });

  it("gives each file its type, and the DSFR's its cache rule", async () => {
    const css = await get("/dsfr/dsfr.min.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("cache-control")).toBe("public, max-age=86400");
    expect((await get("/assets/form.js")).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it("redirects a folder without its slash, as Netlify's pretty URLs do", async () => {
    const response = await get("/service/formulaire?x=1");
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe("/service/formulaire/?x=1");
  });

  it("answers an unknown address with the site's 404.html and status 404", async () => {
    for (const path of ["/nulle-part/", "/service/merci/", "/..%2fsecret.txt", "/dsfr/..%2f..%2fsecret.txt", "/_headers"]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).toBe("<h1>Page introuvable</h1>");
      expect(response.headers.get("content-security-policy"), path).toContain("default-src 'self'");
    }
  });

  it("answers the functions with 204 and no body, whatever the method", async () => {
    for (const [path, method] of [["/api/event", "POST"], ["/api/submit/service", "GET"], ["/api/stats", "GET"]] as const) {
      const response = await get(path, { method, body: method === "POST" ? "{}" : undefined });
      expect(response.status, path).toBe(204);
      expect(await response.text()).toBe("");
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("answers HEAD without a body and refuses to write a page", async () => {
    const head = await get("/", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String("<h1>Accueil</h1>".length));
    expect((await get("/", { method: "POST" })).status).toBe(405);
  });

  it("gives every path the pages' security headers when the folder has no _headers", async () => {
    const bare = await mkdtemp(join(tmpdir(), "kit-static-bare-"));
    await writeFile(join(bare, "index.html"), "<p>nu</p>");
    const other = await serveStaticSite({ dir: bare });
    try {
      const response = await fetch(`${other.url}/`);
      expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get("strict-transport-security")).toBe(SECURITY_HEADERS["strict-transport-security"]);
      // No 404.html: a plain 404.
      expect((await fetch(`${other.url}/absent`)).status).toBe(404);
    } finally {
      await other.close();
      await rm(bare, { recursive: true, force: true });
    }
  });

  it("refuses a folder with no built site", async () => {
    await expect(serveStaticSite({ dir: join(dir, "service") })).rejects.toThrow(/npm run build/);
  });
});

describe("parseHeadersFile", () => {
  it("reads Netlify's format: splats, placeholders, comments, a header given twice joined", () => {
    const rules = parseHeadersFile("# commentaire\n/*\n  X-A: 1\n/:slug/merci/*\n  x-a: 2\n  cache-control: no-store\n  Cache-Control: private\n");
    expect(headersFor(rules, "/service/merci/")).toEqual({ "x-a": "1, 2", "cache-control": "no-store, private" });
    expect(headersFor(rules, "/service/formulaire/")).toEqual({ "x-a": "1" });
  });

  it("refuses a header outside a path", () => {
    expect(() => parseHeadersFile("  x-a: 1\n")).toThrow(/_headers/);
  });
});
