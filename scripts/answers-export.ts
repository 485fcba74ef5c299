// npm run answers:export [-- --form <slug>] [--out <folder>]
// Writes one CSV per form, from the answers kept on this machine (ANSWERS_DIR, default ./reponses),
// or on the deployed site (NETLIFY_SITE_ID and NETLIFY_AUTH_TOKEN set: see README).
// Answers in quarantine are not exported: `npm run answers:review` shows them and releases them.
// An unreadable stored answer is named and set aside; the others are exported all the same, and
// the exit code is then 2.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BaseValidationError } from "../lib/base/index.ts";
import { loadModel } from "../lib/app/model.ts";
import { readConfig } from "../lib/app/config.ts";
import { allFormDefinitions } from "../lib/forms/definitions.ts";
import { plural } from "../lib/vocabulary/index.ts";
import { answersToCsv } from "../lib/answers/export.ts";
import { commandLineAnswerStore } from "../lib/app/answers.ts";

const { values: args } = parseArgs({
  options: { form: { type: "string" }, out: { type: "string", default: "exports" } },
});


try {
  const config = readConfig();
  const model = await loadModel(config);
  const { store, where, close } = await commandLineAnswerStore(config);
  try {
    const { answers, setAside } = await store.scan(args.form);
    const known = new Set(model.services.map((s) => s.slug));
    // The same definitions as the pages', plus one per service since removed that has answers.
    const all = allFormDefinitions(model, answers.map((a) => a.form));
    for (const orphan of all.filter((f) => !known.has(f.slug))) console.warn(`Le service « ${orphan.slug} » n'est plus dans la base : ses réponses sont exportées avec les identifiants des questions.`);
    const forms = all.filter((f) => !args.form || f.slug === args.form);
    if (args.form && forms.length === 0) {
      console.error(`Aucun service « ${args.form} » dans la base ni dans ${where}. Services : ${[...known].join(", ")}`);
      process.exit(1);
    }
    console.log(`Réponses lues dans ${where}.`);
    await mkdir(args.out, { recursive: true });
    for (const form of forms) {
      const mine = answers.filter((a) => a.form === form.slug);
      const kept = mine.filter((a) => !a.quarantine);
      const quarantined = mine.length - kept.length;
      const path = join(args.out, `reponses-${form.slug}.csv`);
      await writeFile(path, answersToCsv(form, kept));
      const aside = quarantined > 0 ? ` (et ${plural(quarantined, "réponse")} en quarantaine : npm run answers:review)` : "";
      console.log(`${path} : ${plural(kept.length, "réponse")}${aside}`);
    }
    if (setAside.length > 0) {
      const s = setAside.length > 1 ? "s" : "";
      console.error(`\n${plural(setAside.length, "réponse")} illisible${s} (fichier${s} abîmé${s}) mise${s} de côté, les autres sont exportées :`);
      for (const path of setAside) console.error(`  ${path}`);
      process.exitCode = 2;
    }
  } finally {
    await close();
  }
} catch (error) {
  console.error(error instanceof BaseValidationError ? error.message : error);
  process.exit(1);
}
