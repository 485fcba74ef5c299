// A local stand-in for Netlify's build hooks (docs.netlify.com, « Build hooks »): POST
// /build_hooks/<id> starts a build and answers 200 with an empty body; an unknown id answers 404.
// Each accepted call is recorded with its title (trigger_title) and its body (which Netlify hands
// the build as INCOMING_HOOK_BODY).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HookCall {
  id: string;
  title: string | null;
  body: string;
}

export class FakeBuildHooks {
  readonly calls: HookCall[] = [];
  private server: Server | undefined;

  /** `ids`: the build hooks the site has. */
  constructor(private readonly ids: readonly string[]) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://localhost");
        const id = /^\/build_hooks\/([^/]+)$/.exec(url.pathname)?.[1];
        if (req.method !== "POST" || !id || !this.ids.includes(id)) {
          res.writeHead(404, { "content-type": "text/plain" });
          res.end("Not Found");
          return;
        }
        this.calls.push({ id, title: url.searchParams.get("trigger_title"), body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** An address where nothing listens: the network is down, as far as a client can tell. */
export async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
