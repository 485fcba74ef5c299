// Starts the real `netlify dev` (site + functions, offline) on a free port for browser tests.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface DevServer {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`netlify dev did not start in ${timeoutMs} ms:\n${what()}`);
}

export async function startNetlifyDev(env: Record<string, string>): Promise<DevServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "node_modules/.bin/netlify",
    ["dev", "--offline", "--internal-disable-edge-functions", "--port", String(port)],
    { env: { ...process.env, CI: "true", BROWSER: "none", ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://localhost:${port}`;
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));

  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`netlify dev exited with ${child.exitCode}:\n${output}`);
      const [page, api] = await Promise.all([fetch(`${url}/`), fetch(`${url}/api/address?q=rue+baudin`)]);
      return page.status === 200 && api.status === 200;
    },
    120_000,
    () => output,
  );

  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.pid) {
        process.kill(-child.pid, "SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
      }
    },
  };
}
