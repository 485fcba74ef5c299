// A web-standard handler (Request → Response, as Netlify's functions v2) on a real local HTTP
// server, for clients that only speak HTTP (geopy, curl…).
import { createServer, type Server } from "node:http";
import { Readable } from "node:stream";

export interface Served {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string;
  /** The paths asked for, query included, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function serveHandler(handler: (req: Request) => Promise<Response>): Promise<Served> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    requests.push(req.url ?? "/");
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      }
      const method = req.method ?? "GET";
      const body = method === "GET" || method === "HEAD" ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>);
      const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, { method, headers, body, duplex: "half" } as RequestInit);
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(method === "HEAD" ? undefined : Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
