import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskKeyValueStore } from "../../lib/stats/key-value.ts";
import { CountLedger } from "../../lib/stats/ledger.ts";
const root = await mkdtemp(join(tmpdir(), "kit-race-"));
const kv = new DiskKeyValueStore(root);
// A slower reader (a function instance under load, a far Blobs region): same store, slower gets.
const slow = new DiskKeyValueStore(root);
const get = slow.get.bind(slow);
slow.get = async (key) => { await new Promise((r) => setTimeout(r, 30)); return get(key); };
const writer = new CountLedger(kv);
await Promise.all(Array.from({ length: 2000 }, () => writer.add({ x: 1 })));
const [, days] = await Promise.all([writer.compact(), new CountLedger(slow).read()]);
const sum = (d: Map<string, Record<string, number>>) => [...d.values()].reduce((s, c) => s + (c.x ?? 0), 0);
console.log(`expected 2000; read while another folds: ${sum(days)}; read after: ${sum(await writer.read())}`);
await rm(root, { recursive: true, force: true });
