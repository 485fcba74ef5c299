// The address importer and the search command line, run as the intrapreneur (or a benchmark) runs them.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAddressHandler } from "../lib/address/api.ts";
import { LocalProvider } from "../lib/address/providers.ts";
import { BAN_COLUMNS } from "../lib/address/ban-csv.ts";
import { DEFAULT_SAMPLE, ensureIndex, importBanFiles, indexSources, loadIndex } from "../lib/address/index-file.ts";
import { buildWithBase, copyBase, runScript } from "./support/build.ts";

const row = (n: number, street = "Rue Pétion") =>
  `75111_7312_${String(n).padStart(5, "0")};;${n};;${street};75011;75111;Paris 11e Arrondissement;;;654587;6862306;2.381;48.859;parcelle;;;PARIS;RUE PETION;commune;commune;1;`;
const csv = [BAN_COLUMNS.join(";"), row(1), row(3), "75111_7312_00005;;cinq;;Rue Pétion;75011;75111;Paris 11e Arrondissement;;;1;2;2.381;48.859;;;;;;;;;", row(7)].join("\n");

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  const gz = gzipSync(csv);
  server = createServer((req, res) => {
    if (req.url === "/latest/csv/adresses-75.csv.gz") res.writeHead(200, { "content-length": gz.length }).end(gz);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/latest/csv`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const temp = () => mkdtemp(join(tmpdir(), "kit-import-"));

describe("npm run addresses:import", () => {
  it("downloads a département's export, reports malformed rows by line, and writes the index", async () => {
    const out = join(await temp(), "index.idx");
    const run = await runScript("addresses:import", {}, ["75", "--base-url", baseUrl, "--out", out]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`Téléchargement de ${baseUrl}/adresses-75.csv.gz`);
    expect(run.output).toMatch(/adresses-75\.csv\.gz, ligne 4 : numéro « cinq » invalide \(ignorée\)/);
    expect(run.output).toContain("4 lignes lues, 1 ignorée(s)");
    const index = await loadIndex(out);
    expect(index.search("7 rue petion")[0]?.properties.label).toBe("7 Rue Pétion 75011 Paris");
  });

  it("reads local files, compressed or not", async () => {
    const dir = await temp();
    await writeFile(join(dir, "a.csv"), csv);
    const out = join(dir, "index.idx");
    const run = await runScript("addresses:import", {}, ["--file", join(dir, "a.csv"), "--file", DEFAULT_SAMPLE, "--out", out]);
    expect(run.code, run.output).toBe(0);
    expect(await indexSources(out)).toEqual([join(dir, "a.csv"), DEFAULT_SAMPLE]);
  });

  it("says clearly what is wrong with a file", async () => {
    const dir = await temp();
    const missing = await runScript("addresses:import", {}, ["--file", join(dir, "absent.csv.gz"), "--out", join(dir, "i.idx")]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain("absent.csv.gz : fichier introuvable");
    await writeFile(join(dir, "faux.csv.gz"), "<html>pas un gzip</html>");
    const corrupt = await runScript("addresses:import", {}, ["--file", join(dir, "faux.csv.gz"), "--out", join(dir, "i.idx")]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.output).toContain("faux.csv.gz : ce n'est pas un fichier .gz valide");
    expect(corrupt.output).not.toMatch(/at .*\.js:\d+/);
  });

  it("says clearly what is wrong with a département", async () => {
    const missing = await runScript("addresses:import", {}, ["76", "--base-url", baseUrl, "--out", join(await temp(), "i.idx")]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain("pas d'export pour le département 76");
    const invalid = await runScript("addresses:import", {}, ["Paris", "--out", join(await temp(), "i.idx")]);
    expect(invalid.code).toBe(1);
    expect(invalid.output).toContain("« Paris » n'est pas un code de département");
  });
});

describe("the build's index", () => {
  it("is rebuilt from the sample, unless an import wrote it", async () => {
    const dir = await temp();
    const path = join(dir, "index.idx");
    expect((await ensureIndex(path)).kept).toBe(false);
    expect(await indexSources(path)).toEqual([DEFAULT_SAMPLE]);
    expect((await ensureIndex(path)).kept).toBe(false); // still the sample: rebuilt, in case it changed
    await writeFile(join(dir, "a.csv"), csv);
    await importBanFiles([join(dir, "a.csv")], path);
    expect((await ensureIndex(path)).kept).toBe(true);
    expect(await indexSources(path)).toEqual([join(dir, "a.csv")]);
  });
});

describe("the build, on an index of an earlier version", () => {
  it("stops with what to do, and leaves the imported index alone", async () => {
    const dir = await temp();
    const old = join(dir, "adresses.json");
    const content = JSON.stringify({ version: 1, builtAt: "2026-11-01T00:00:00.000Z", sources: ["adresses-93.csv.gz"], records: [] });
    await writeFile(old, content);
    const run = await buildWithBase(await copyBase(), { ADDRESS_INDEX: old });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`${old} : index d'adresses d'une version antérieure (adresses-93.csv.gz) ; relancez npm run addresses:import`);
    expect(run.output).not.toMatch(/at .*\.ts:\d+/);
    expect(await readFile(old, "utf8")).toBe(content);
  });
});

describe("npm run -s address -- search", () => {
  it("answers one JSON line per query on --stdin, exactly the API's body", async () => {
    const index = "build/adresses.idx";
    const child = spawn("npm", ["run", "-s", "address", "--", "search", index, "--stdin", "--limit", "2"]);
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end("55 rue baudin\nallee moliere\n");
    await new Promise((r) => child.on("close", r));
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    const handler = createAddressHandler({ provider: new LocalProvider(() => loadIndex(index)) });
    const api = await (await handler(new Request("http://localhost/api/address?q=55+rue+baudin&limit=2"))).text();
    expect(lines[0]).toBe(api);
    expect(JSON.parse(lines[1]!).features[0].properties.name).toBe("Allée Molière");
  });

  it("prints one query's GeoCodeJSON, and explains a missing index", async () => {
    const ok = await runScript("address", {}, ["search", "build/adresses.idx", "55 rue baudin", "--limit", "1"]);
    expect(JSON.parse(ok.output).features[0].properties.label).toBe("55 Rue Baudin 93140 Bondy");
    const missing = await runScript("address", {}, ["search", "/nonexistent/index.idx", "rue"]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain("Créez-le avec npm run addresses:import");
  });
});
