// A local stand-in for the three routes of Netlify's API that npm run doctor reads, following
// Netlify's OpenAPI description (node_modules/@netlify/open-api/dist/swagger.json, base path
// /api/v1): getSite (GET /sites/{site_id}), getEnvVars (GET /accounts/{account_id}/env, with
// ?site_id= to keep the site's variables) and listSiteBuildHooks (GET /sites/{site_id}/build_hooks).
// A bearer token is required: without it, or with another, Netlify answers 401 in plain text
// ("Unauthorized": netlify-cli reports it as a TextHTTPError, github.com/netlify/cli/issues/6736).
// Other errors are the spec's error object, { code, message }. Every other route answers 501, so
// that no test passes on behaviour the real API would not have.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type EnvScope = "builds" | "functions" | "runtime" | "post-processing";
export type EnvContext = "all" | "dev" | "dev-server" | "branch-deploy" | "deploy-preview" | "production" | "branch";

export const ALL_ENV_SCOPES: EnvScope[] = ["builds", "functions", "runtime", "post-processing"];

export interface FakeEnvVar {
  key: string;
  /** Default: every scope, as Netlify's UI sets a new variable. */
  scopes?: EnvScope[];
  /** Default: one value for every context. */
  values?: Array<{ value: string; context: EnvContext }>;
  value?: string;
}

interface SiteState {
  id: string;
  name: string;
  accountId: string;
  env: Array<{ key: string; scopes: EnvScope[]; values: Array<{ id: string; value: string; context: EnvContext }> }>;
  hooks: Array<{ id: string; title: string; branch: string; url: string; site_id: string; created_at: string }>;
}

export class FakeNetlifyApi {
  requests = 0;
  readonly #token: string;
  readonly #sites = new Map<string, SiteState>();
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  constructor(token: string) {
    this.#token = token;
  }

  /** A site of an account (a team), with no variable and no build hook. */
  addSite(site: { id: string; name: string; accountId: string }): void {
    this.#sites.set(site.id, { ...site, env: [], hooks: [] });
  }

  setEnv(siteId: string, variable: FakeEnvVar): void {
    const site = this.#site(siteId);
    const values = (variable.values ?? [{ value: variable.value ?? "", context: "all" as const }]).map((v) => ({ id: randomUUID(), ...v }));
    site.env = [...site.env.filter((v) => v.key !== variable.key), { key: variable.key, scopes: variable.scopes ?? ALL_ENV_SCOPES, values }];
  }

  /** A build hook; its address (a secret: whoever knows it can start a build) is returned. */
  addBuildHook(siteId: string, title: string, branch = "main"): string {
    const site = this.#site(siteId);
    const id = randomBytes(12).toString("hex");
    const url = `https://api.netlify.com/build_hooks/${id}`;
    site.hooks.push({ id, title, branch, url, site_id: site.id, created_at: new Date().toISOString() });
    return url;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.requests++;
      this.#answer(req.method ?? "GET", req.url ?? "/", req.headers.authorization, res);
    });
    server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #site(id: string): SiteState {
    const site = this.#sites.get(id);
    if (!site) throw new Error(`FakeNetlifyApi: no site ${id}; call addSite first`);
    return site;
  }

  #answer(method: string, rawUrl: string, authorization: string | undefined, res: ServerResponse): void {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(rawUrl, "http://netlify.invalid");
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match?.[1] !== this.#token) {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8" });
      res.end("Unauthorized");
      return;
    }
    const notFound = () => json(404, { code: 404, message: "Not Found" });
    const parts = url.pathname.split("/").slice(1).map(decodeURIComponent);
    if (parts[0] !== "api" || parts[1] !== "v1") return notFound();
    const [collection, id, sub, ...extra] = parts.slice(2);
    if (method !== "GET" || extra.length > 0) return json(501, { code: 501, message: `FakeNetlifyApi does not implement ${method} ${url.pathname}` });
    if (collection === "sites" && id !== undefined) {
      const site = this.#sites.get(id);
      if (!site) return notFound();
      if (sub === undefined) {
        return json(200, {
          id: site.id,
          site_id: site.id,
          name: site.name,
          url: `https://${site.name}.netlify.app`,
          ssl_url: `https://${site.name}.netlify.app`,
          admin_url: `https://app.netlify.com/sites/${site.name}`,
          account_id: site.accountId,
          account_slug: site.accountId,
          state: "current",
        });
      }
      if (sub === "build_hooks") return json(200, site.hooks);
    }
    if (collection === "accounts" && id !== undefined && sub === "env") {
      const siteId = url.searchParams.get("site_id");
      const sites = [...this.#sites.values()].filter((s) => s.accountId === id);
      if (sites.length === 0) return notFound();
      const site = siteId === null ? undefined : sites.find((s) => s.id === siteId);
      if (siteId !== null && !site) return notFound();
      // Without site_id the account's shared variables are listed: this stand-in keeps none.
      return json(200, (site?.env ?? []).map((v) => ({ ...v, is_secret: false, updated_at: new Date().toISOString() })));
    }
    return json(501, { code: 501, message: `FakeNetlifyApi does not implement GET ${url.pathname}` });
  }
}
