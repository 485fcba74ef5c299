// npm run airtable:setup — creates the kit's tables and fields in the Airtable base
// (AIRTABLE_TOKEN, AIRTABLE_BASE_ID), adding what is missing and never deleting anything.
// The answers table gets one column per question: run it again after adding questions.
import { readConfig } from "../lib/app/config.ts";
import { AirtableApi, setupBase } from "../lib/airtable/setup.ts";
import { BaseValidationError, validateBase, type Model } from "../lib/base/index.ts";
import { loadModel } from "../lib/app/model.ts";
import { readEmbeddedBase } from "../lib/base/embedded.ts";
import { allFormDefinitions } from "../lib/forms/definitions.ts";
import { QUESTIONS, SITE } from "../lib/base/tables.ts";

const kit = readConfig();
const config = kit.airtable;
if (!config) {
  console.error("Définissez AIRTABLE_TOKEN et AIRTABLE_BASE_ID (voir le README, « Brancher Airtable »).");
  process.exit(2);
}

const api = new AirtableApi(config);
try {
  // The answer columns follow the questions: the base's own once it has content; the embedded
  // sample's for a new base, about to be seeded. A base with content that does not validate
  // stops here: its errors are to be fixed first, not papered over with the sample's columns.
  const tables = new Set((await api.tables()).map((t) => t.name));
  const fresh = !tables.has(SITE.name) || !tables.has(QUESTIONS.name) || (await api.countRecords(SITE.name)) === 0;
  let model: Model;
  if (fresh) {
    model = validateBase(await readEmbeddedBase(kit.baseDir));
  } else {
    try {
      model = await loadModel({ ...kit, airtableCacheDuration: "0s" });
    } catch (error) {
      if (!(error instanceof BaseValidationError)) throw error;
      console.error(`${error.message}\n\nCorrigez la base dans Airtable, puis relancez npm run airtable:setup.`);
      process.exit(1);
    }
  }
  const report = await setupBase(api, allFormDefinitions(model));
  for (const table of report.createdTables) console.log(`Table créée : ${table}`);
  for (const field of report.addedFields) console.log(`Champ ajouté : ${field}`);
  for (const warning of report.warnings) console.warn(`Attention : ${warning}`);
  if (!report.createdTables.length && !report.addedFields.length) console.log("La base est déjà prête : rien à ajouter.");
} catch (error) {
  console.error(`La préparation de la base a échoué : ${(error as Error).message}`);
  console.error("Le jeton doit avoir les droits schema.bases:read, schema.bases:write, data.records:read et data.records:write sur cette base.");
  process.exit(1);
}
