// A local stand-in for an incoming webhook of Mattermost, Slack or Tchap's bridge: POST of JSON
// {"text": "…"} to its secret path answers 200 "ok" (Slack's and Mattermost's body); a wrong path
// 404; a body without text 400. It can be told to fail the next requests: a 500, or a connection
// dropped before any answer.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type WebhookFailure = "500" | "drop";

export interface WebhookRequest {
  path: string;
  contentType: string | undefined;
  /** The body exactly as received. */
  raw: string;
  /** What the server answered ("drop": nothing). */
  answer: number | "drop";
}

export class FakeWebhook {
  readonly #server: Server;
  readonly #failures: WebhookFailure[] = [];
  readonly requests: WebhookRequest[] = [];
  /** The secret part of the address, as a Slack or Mattermost hook has. */
  readonly key = `hook-${Math.random().toString(36).slice(2, 12)}`;
  url = "";

  constructor() {
    this.#server = createServer((req, res) => {
      void read(req).then((raw) => {
        const failure = this.#failures.shift();
        const request: WebhookRequest = { path: req.url ?? "", contentType: req.headers["content-type"], raw, answer: "drop" };
        this.requests.push(request);
        if (failure === "drop") {
          req.socket.destroy();
          return;
        }
        let status = 200;
        if (failure === "500") status = 500;
        else if (req.method !== "POST" || req.url !== `/hooks/${this.key}`) status = 404;
        else if (!hasText(raw)) status = 400;
        request.answer = status;
        res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "error");
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks/${this.key}`;
    return this.url;
  }

  /** The next `times` requests fail this way (then the server answers again). */
  fail(times: number, how: WebhookFailure): void {
    for (let i = 0; i < times; i++) this.#failures.push(how);
  }

  /** The texts of the messages accepted (200), in order. */
  get delivered(): string[] {
    return this.requests.filter((r) => r.answer === 200).map((r) => (JSON.parse(r.raw) as { text: string }).text);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function hasText(raw: string): boolean {
  try {
    const body = JSON.parse(raw) as { text?: unknown };
    return typeof body.text === "string" && body.text.length > 0;
  } catch {
    return false;
  }
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
