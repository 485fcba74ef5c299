// npm run addresses:import -- <département codes…> [--base-url URL] [--out PATH]
// npm run addresses:import -- --file <path.csv[.gz]>… [--out PATH]
// Builds the address index from the BAN's official exports: downloaded by département, or read
// from local files. Malformed rows are reported with their line number and skipped.
import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { downloadDepartement, DownloadError } from "../lib/address/download.ts";
import { importBanFiles } from "../lib/address/index-file.ts";
import { readConfig } from "../lib/app/config.ts";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    file: { type: "string", multiple: true },
    out: { type: "string" },
    "base-url": { type: "string" },
  },
});
const files = args.file ?? [];
if (files.length === 0 && positionals.length === 0) {
  console.error("Indiquez des départements (ex. npm run addresses:import -- 93 94) ou des fichiers (--file adresses-93.csv.gz).");
  process.exit(2);
}
const config = readConfig();
const out = args.out ?? config.addressIndex;
const baseUrl = args["base-url"] ?? config.banExportUrl;
const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
const downloaded: string[] = [];

try {
  for (const code of positionals) {
    let shown = 0;
    const path = await downloadDepartement(code, baseUrl, ({ url, received, total }) => {
      if (received - shown < 1_048_576 && received !== total) return;
      shown = received;
      process.stderr.write(`\rTéléchargement de ${url} : ${mb(received)} Mo${total ? ` sur ${mb(total)} (${Math.round((received / total) * 100)} %)` : ""}   `);
    });
    process.stderr.write("\n");
    files.push(path);
    downloaded.push(path);
  }
  const started = Date.now();
  const report = await importBanFiles(files, out, (file, rows) => process.stderr.write(`\r${file} : ${rows.toLocaleString("fr-FR")} lignes lues…   `));
  process.stderr.write("\n");
  for (const problem of report.problems.slice(0, 50)) console.warn(`${problem.file}, ligne ${problem.line} : ${problem.message} (ignorée)`);
  if (report.problems.length > 50) console.warn(`… et ${report.problems.length - 50} autres lignes ignorées.`);
  console.log(
    `${report.rows.toLocaleString("fr-FR")} lignes lues, ${report.problems.length} ignorée(s), ${report.records.toLocaleString("fr-FR")} adresses, voies et communes indexées en ${((Date.now() - started) / 1000).toFixed(1)} s → ${report.out}`,
  );
  if (report.records === 0) process.exitCode = 1;
} catch (error) {
  console.error(error instanceof DownloadError || error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await Promise.all(downloaded.map((path) => rm(dirname(path), { recursive: true, force: true })));
}
