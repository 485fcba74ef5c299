// npm run airtable:setup — creates the kit's tables and fields in the Airtable base
// (AIRTABLE_TOKEN, AIRTABLE_BASE_ID), adding what is missing and never deleting anything.
// The answers table gets one column per question: run it again after adding questions.
import { airtableConfig } from "../lib/airtable/client.ts";
import { AirtableApi, setupBase } from "../lib/airtable/setup.ts";
import { BaseValidationError, loadModel, validateBase, type Model } from "../lib/base/index.ts";
import { readEmbeddedBase } from "../lib/base/embedded.ts";
import { formDefinition } from "../lib/forms/definitions.ts";

const config = airtableConfig();
if (!config) {
  console.error("Définissez AIRTABLE_TOKEN et AIRTABLE_BASE_ID (voir le README, « Brancher Airtable »).");
  process.exit(2);
}

// The answer columns follow the questions: those of the Airtable base once it has valid ones,
// the embedded sample's before (a new base, about to be seeded).
let model: Model;
try {
  model = await loadModel({ env: { ...process.env, AIRTABLE_CACHE_DURATION: "0s" } });
} catch (error) {
  if (!(error instanceof BaseValidationError)) throw error;
  model = validateBase(await readEmbeddedBase());
}

try {
  const report = await setupBase(new AirtableApi(config), model.services.map(formDefinition));
  for (const table of report.createdTables) console.log(`Table créée : ${table}`);
  for (const field of report.addedFields) console.log(`Champ ajouté : ${field}`);
  for (const warning of report.warnings) console.warn(`Attention : ${warning}`);
  if (!report.createdTables.length && !report.addedFields.length) console.log("La base est déjà prête : rien à ajouter.");
} catch (error) {
  console.error(`La préparation de la base a échoué : ${(error as Error).message}`);
  console.error("Le jeton doit avoir les droits schema.bases:read, schema.bases:write, data.records:read et data.records:write sur cette base.");
  process.exit(1);
}
