// The built site served as Netlify serves it, for tests, scripts and benches that open its pages in
// a browser (Lighthouse, screenshots, end-to-end checks) without `netlify dev`: the headers of
// _site/_headers (the build writes them from headers.ts), a folder's index.html, the site's
// 404.html with status 404 for an unknown path, and the functions answering as Netlify's do when
// they have nothing to say. Node's http and fs only.
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import { COMMON_HEADERS, SECURITY_HEADERS } from "./headers.ts";

export const DEFAULT_SITE_DIR = "_site";

/** What Netlify answers for the types the site ships. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".pdf": "application/pdf",
};

/** Netlify reads these files and never serves them. */
const NOT_SERVED = new Set(["/_headers", "/_redirects"]);

export type HeaderRule = { pattern: RegExp; headers: Record<string, string> };

/**
 * Netlify's _headers format: a path pattern at the start of a line (`*` matches anything, `:name`
 * a segment), then its headers indented as `name: value`; `#` starts a comment.
 */
export function parseHeadersFile(text: string): HeaderRule[] {
  const rules: HeaderRule[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      const source = line.trim().replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/:[A-Za-z]\w*/g, "[^/]+");
      rules.push({ pattern: new RegExp(`^${source}$`), headers: {} });
      continue;
    }
    const colon = line.indexOf(":");
    const rule = rules.at(-1);
    if (!rule || colon < 0) throw new Error(`_headers: line outside a path or without "name: value": ${line.trim()}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // Netlify joins the values of a header given twice.
    rule.headers[name] = rule.headers[name] ? `${rule.headers[name]}, ${value}` : value;
  }
  return rules;
}

/** The headers of every rule matching `path`, merged in order (Netlify joins a header set twice). */
export function headersFor(rules: readonly HeaderRule[], path: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const rule of rules) {
    if (!rule.pattern.test(path)) continue;
    for (const [name, value] of Object.entries(rule.headers)) result[name] = result[name] ? `${result[name]}, ${value}` : value;
  }
  return result;
}

export interface StaticSite {
  /** `http://localhost:<port>`: localhost is a secure context, as the site's HTTPS is on Netlify. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StaticSiteOptions {
  /** The built site; `_site` by default. */
  dir?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

/**
 * Serves `dir` on localhost. The functions are not run: `/api/*` answers 204 with no body, as a
 * function that has nothing to say (every page with a measure sends its count to /api/event on
 * load; the form page asks /api/submit for its timing token and does without). A test that needs
 * a function's answer routes it in the browser (Playwright's `context.route`).
 */
export async function serveStaticSite(options: StaticSiteOptions = {}): Promise<StaticSite> {
  const root = resolve(options.dir ?? DEFAULT_SITE_DIR);
  if (!(await isFile(join(root, "index.html")))) throw new Error(`${root}: no index.html, build the site first (npm run build)`);
  // Without a _headers file (a folder built otherwise), every path gets the pages' security headers.
  const headersText = await readFile(join(root, "_headers"), "utf8").catch(() => undefined);
  const rules = headersText === undefined ? [{ pattern: /^/, headers: { ...SECURITY_HEADERS } }] : parseHeadersFile(headersText);

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, COMMON_HEADERS).end();
      return;
    }
    if (path === "/api" || path.startsWith("/api/")) {
      res.writeHead(204, { ...COMMON_HEADERS, "cache-control": "no-store" }).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...COMMON_HEADERS, allow: "GET, HEAD" }).end();
      return;
    }
    const send = async (status: number, file: string) => {
      const body = await readFile(file);
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
      res.writeHead(status, { ...headersFor(rules, path), "content-type": type, "content-length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const file = resolve(root, `.${path}`);
    // A path that climbs out of the site (/../) is unknown, like any other.
    const inside = file === root || file.startsWith(root + sep);
    if (inside && !NOT_SERVED.has(path)) {
      if (path.endsWith("/") && (await isFile(join(file, "index.html")))) return send(200, join(file, "index.html"));
      if (!path.endsWith("/") && (await isFile(file))) return send(200, file);
      // Netlify's pretty URLs: a folder without its slash is redirected to it.
      if (!path.endsWith("/") && (await isFile(join(file, "index.html")))) {
        res.writeHead(301, { ...headersFor(rules, path), location: `${url.pathname}/${url.search}` }).end();
        return;
      }
    }
    if (await isFile(join(root, "404.html"))) return send(404, join(root, "404.html"));
    res.writeHead(404, { ...headersFor(rules, path), "content-type": "text/plain; charset=utf-8" }).end("Not Found");
  };

  const server = createServer((req, res) => {
    answer(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, COMMON_HEADERS);
      res.end();
    });
  });
  const port = await new Promise<number>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => done((server.address() as AddressInfo).port));
  });
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        // Keep-alive connections a browser left open would hold close() for minutes.
        server.closeAllConnections();
      }),
  };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
