// npm run airtable:seed — copies the embedded sample (data/base) into the Airtable base, whose
// tables must exist (npm run airtable:setup) and be empty.
import { readConfig } from "../lib/app/config.ts";
import { AirtableApi, seedBase } from "../lib/airtable/setup.ts";
import { readEmbeddedBase } from "../lib/base/embedded.ts";

const kit = readConfig();
const config = kit.airtable;
if (!config) {
  console.error("Définissez AIRTABLE_TOKEN et AIRTABLE_BASE_ID (voir le README, « Brancher Airtable »).");
  process.exit(2);
}
try {
  const report = await seedBase(new AirtableApi(config), await readEmbeddedBase(kit.baseDir));
  for (const [table, count] of Object.entries(report.created)) console.log(`${table} : ${count} enregistrement${count > 1 ? "s" : ""} copié${count > 1 ? "s" : ""}`);
  for (const note of report.skipped) console.log(`À faire : ${note}`);
} catch (error) {
  console.error(`La copie a échoué : ${(error as Error).message}`);
  process.exit(1);
}
