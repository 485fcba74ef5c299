// npm run -s bench:reverse -- <index.idx> [--runs 15] [--points 5000]
// The local /reverse (lib/address/reverse.ts) on an index written by `npm run addresses:import`:
// the function's cold load (reading the file and laying the index over it, in a fresh process each
// run), the grid's build at the first reverse question, then the latency of reverse questions at
// points near the addresses (50 m around a random one) and anywhere in the index's box, each
// checked against a brute-force scan of every point.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { AddressIndex } from "../lib/address/engine.ts";
import { buildGrid, distanceMetres, gridOf, MAX_REVERSE_METRES, reverseGeocode } from "../lib/address/reverse.ts";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: "string", default: "15" }, points: { type: "string", default: "5000" }, child: { type: "boolean", default: false } },
});
const file = positionals[0];
if (!file) {
  console.error("usage: npm run -s bench:reverse -- <index.idx> [--runs 15] [--points 5000]");
  process.exit(2);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function child(): Promise<void> {
  const started = performance.now();
  const index = AddressIndex.fromBytes(await readFile(file!));
  const loaded = performance.now();
  gridOf(index);
  const built = performance.now();
  reverseGeocode(index, 48.8566, 2.3522, { limit: 5 });
  const answered = performance.now();
  console.log(JSON.stringify({ load: loaded - started, grid: built - loaded, first: answered - built }));
}

function run(): Promise<{ load: number; grid: number; first: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", "bench/address-reverse.ts", file!, "--child"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk));
    proc.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as { load: number; grid: number; first: number }) : reject(new Error(`child exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const runs = [];
  for (let i = 0; i < Number(args.runs); i++) runs.push(await run());
  console.log(`${file}: ${runs.length} fresh processes`);
  console.log(`  cold load (read + index): median ${ms(median(runs.map((r) => r.load)))}, min ${ms(Math.min(...runs.map((r) => r.load)))}`);
  console.log(`  grid, at the first reverse: median ${ms(median(runs.map((r) => r.grid)))}; that first question: ${ms(median(runs.map((r) => r.first)))}`);

  const index = AddressIndex.fromBytes(await readFile(file!));
  const grid = buildGrid(index.reader);
  gridOf(index);
  const { docLon, docLat, numLon, numLat } = index.reader.positions;
  const n = grid.points.length;
  const position = (p: number): [number, number] => (p < grid.housenumbers ? [numLon[p]! / 1e6, numLat[p]! / 1e6] : [docLon[p - grid.housenumbers]! / 1e6, docLat[p - grid.housenumbers]! / 1e6]);
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let p = 0; p < n; p++) {
    const [lon, lat] = position(p);
    [west, south, east, north] = [Math.min(west, lon), Math.min(south, lat), Math.max(east, lon), Math.max(north, lat)];
  }
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  for (const [label, pick] of [
    ["near an address (≤ 50 m)", () => { const [lon, lat] = position(Math.floor(random() * n)); return [lon + (random() - 0.5) * 0.0013, lat + (random() - 0.5) * 0.0009]; }],
    ["anywhere in the index's box", () => [west + random() * (east - west), south + random() * (north - south)]],
  ] as Array<[string, () => [number, number]]>) {
    const points = Array.from({ length: Number(args.points) }, pick);
    const times: number[] = [];
    let empty = 0;
    for (const [lon, lat] of points) {
      const t = performance.now();
      const found = reverseGeocode(index, lat, lon, { limit: 5 });
      times.push(performance.now() - t);
      if (found.length === 0) empty++;
    }
    // Checked: the first answer is the nearest point of all (to the metre), on 200 of them.
    let wrong = 0;
    for (const [lon, lat] of points.slice(0, 200)) {
      let nearest = Infinity;
      for (let p = 0; p < n; p++) nearest = Math.min(nearest, distanceMetres(lon, lat, ...position(p)));
      const got = reverseGeocode(index, lat, lon)[0]?.properties.distance;
      const expected = nearest <= MAX_REVERSE_METRES ? Math.round(nearest) : undefined;
      if (got !== expected && !(got !== undefined && expected !== undefined && Math.abs(got - expected) <= 1)) wrong++;
    }
    const total = times.reduce((a, b) => a + b, 0);
    console.log(`  reverse, limit 5, ${label}: p50 ${ms(percentile(times, 0.5))}, p99 ${ms(percentile(times, 0.99))}, ${Math.round((points.length / total) * 1000)} /s; ${empty} without answer; ${wrong}/200 differ from a brute-force scan`);
  }
}

await (args.child ? child() : main());
