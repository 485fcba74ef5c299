// npm run answers:review [-- --form <slug>]            what is in quarantine, and the counts
// npm run answers:review -- --release <id> [--release <id> …] | --release-all [--reason <why>]
// npm run answers:review -- --delete <id> [--delete <id> …]
// Reads the same answers as answers:export: this machine's, or the deployed site's (see README).
import { parseArgs } from "node:util";
import { QUARANTINE_REASONS, type QuarantineReason } from "../lib/answers/answer.ts";
import { readConfig } from "../lib/app/config.ts";
import { commandLineAnswerStore } from "../lib/app/answers.ts";
import { deleteAnswers, formatReview, releaseAnswers, reviewForms, type Decided, type Outcome } from "../lib/answers/review.ts";
import { commandLineCountLedger } from "../lib/app/stats.ts";
import { reviewedCounts } from "../lib/stats/submission.ts";
import { BaseValidationError } from "../lib/base/index.ts";
import { loadModel } from "../lib/app/model.ts";
import { allFormDefinitions } from "../lib/forms/definitions.ts";

const { values: args } = parseArgs({
  options: {
    form: { type: "string" },
    release: { type: "string", multiple: true, default: [] },
    "release-all": { type: "boolean", default: false },
    reason: { type: "string" },
    delete: { type: "string", multiple: true, default: [] },
  },
});

if (args.reason !== undefined && !(args.reason in QUARANTINE_REASONS)) {
  console.error(`--reason : valeurs possibles ${Object.keys(QUARANTINE_REASONS).join(", ")}`);
  process.exit(2);
}

function report(outcomes: Outcome[], verb: string): number {
  let failed = 0;
  for (const outcome of outcomes) {
    if (outcome.done) console.log(`${outcome.id} (${outcome.form}) : ${verb}.`);
    else {
      failed += 1;
      console.error(`${outcome.id} : ${outcome.why}.`);
    }
  }
  return failed;
}

try {
  const config = readConfig();
  const definitions = allFormDefinitions(await loadModel(config));
  const { store, where, close } = await commandLineAnswerStore(config);
  // A decision moves the answer in the statistics too: released, it counts as an answer.
  const counts = await commandLineCountLedger(config);
  const decided: Decided = async (answer, decision) => {
    const definition = definitions.find((d) => d.slug === answer.form);
    if (!definition) return;
    try {
      await counts.ledger.add(reviewedCounts(definition, answer, decision), Date.parse(answer.submittedAt));
    } catch (error) {
      console.error(`Statistiques non mises à jour pour ${answer.id} : ${(error as Error).message}`);
    }
  };
  try {
    console.log(`Réponses lues dans ${where}.`);
    let failed = 0;
    const release = [...(args.release ?? [])];
    if (args["release-all"]) {
      const { forms } = await reviewForms(store, definitions, args.form);
      release.push(...forms.flatMap((f) => f.quarantined).filter((a) => !args.reason || a.quarantine?.reason === (args.reason as QuarantineReason)).map((a) => a.id));
      if (release.length === 0) console.log("Aucune réponse en quarantaine à libérer.");
    }
    const withAirtable = config.airtable ? " ; elle sera réécrite « Reçue » dans Airtable au prochain envoi" : "";
    if (release.length > 0) failed += report(await releaseAnswers(store, release, decided), `libérée, elle compte désormais parmi les réponses${withAirtable}`);
    if ((args.delete ?? []).length > 0) {
      const note = config.airtable ? " (si elle était déjà dans Airtable, supprimez-y aussi sa ligne)" : "";
      failed += report(await deleteAnswers(store, args.delete ?? [], decided), `supprimée${note}`);
    }
    const { forms, setAside } = await reviewForms(store, definitions, args.form);
    console.log(formatReview(forms, definitions));
    for (const path of setAside) console.error(`Réponse illisible mise de côté : ${path}`);
    if (failed > 0 || setAside.length > 0) process.exitCode = 2;
  } finally {
    await close();
    await counts.close();
  }
} catch (error) {
  console.error(error instanceof BaseValidationError ? error.message : error);
  process.exit(1);
}
