import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getStore } from "@netlify/blobs";
import { readPublishedForms } from "../../lib/forms/published.ts";
import { createEventHandler } from "../../lib/stats/handlers.ts";
import { BlobsKeyValueStore, DiskKeyValueStore, type KeyValueStore } from "../../lib/stats/key-value.ts";
import { CountLedger } from "../../lib/stats/ledger.ts";
import { burst } from "../burst.ts";
const N = 5000, C = Number(process.argv[2] ?? 64);
const forms = await readPublishedForms();
const root = await mkdtemp(join(tmpdir(), "kit-prof-"));
const child = spawn(process.execPath, ["--import", "tsx", "bench/blobs-server.ts", join(root, "b"), "bench"], { stdio: ["ignore", "pipe", "inherit"] });
const [p] = (await once(child.stdout!, "data")) as [Buffer];
const url = `http://localhost:${p.toString().trim()}`;
const bs = (name: string) => new BlobsKeyValueStore(getStore({ name, siteID: "bench", token: "bench", edgeURL: url, uncachedEdgeURL: url, consistency: "strong" }));
const ticks = async (pid: number) => { const f = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
const items = Array.from({ length: N }, (_, i) => i);
async function run(label: string, work: (i: number) => Promise<void>) {
  const c0 = process.cpuUsage(); const s0 = await ticks(child.pid!);
  const ms = await burst(items, C, work);
  const c = process.cpuUsage(c0); const s = (await ticks(child.pid!)) - s0;
  console.log(`${label.padEnd(40)} ${(N / ms * 1000).toFixed(0).padStart(6)}/s  wall ${ms.toFixed(0)} ms  client cpu ${((c.user + c.system) / 1000).toFixed(0)} ms  server cpu ${s} ms`);
}
const req = (i: number) => new Request("http://localhost/api/event", { method: "POST", headers: { "content-type": "application/json", "user-agent": "Mozilla/5.0 Chrome/131", "x-forwarded-for": `10.0.${i >> 8 & 255}.${i & 255}` }, body: JSON.stringify({ type: "view", service: "conseil-renovation", variant: "courte", page: "landing", source: "lettre" }) });
const mem = createEventHandler({ forms, ledger: { add: async () => {} } });
await run("warm handler mem", async (i) => void (await mem(req(i))));
await run("handler mem", async (i) => void (await mem(req(i))));
for (const [name, mk] of [["blobs", (n: string) => bs(n)], ["disk", (n: string) => new DiskKeyValueStore(join(root, n))]] as Array<[string, (n: string) => KeyValueStore]>) {
  const kv1 = mk("raw"); await run(`${name} raw set`, (i) => kv1.set(`raw/k${i}`, { a: 1 }));
  const kv1b = mk("raw2"); await run(`${name} raw set again (fresh)`, (i) => kv1b.set(`raw/k${i}`, { a: 1 }));
  const l = new CountLedger(mk("ledger")); await run(`${name} ledger.add direct`, (i) => l.add({ x: 1 }));
  const l2 = new CountLedger(mk("ledger2")); const h = createEventHandler({ forms, ledger: l2 });
  await run(`${name} handler+ledger`, async (i) => void (await h(req(i))));
  if (name === "blobs") { const kv = mk("ledger2"); await run(`${name} get x5000`, async (i) => void (await kv.get(`raw/k${i}`))); }
}
child.kill(); await rm(root, { recursive: true, force: true });
