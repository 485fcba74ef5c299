// npm run answers:export [-- --form <slug>] [--out <folder>]
// Writes one CSV per form, from the answers stored on disk (ANSWERS_DIR, default ./reponses).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BaseValidationError, loadModel } from "../lib/base/index.ts";
import { allFormDefinitions, paths, type FormDefinition } from "../lib/forms/definitions.ts";
import { answersToCsv } from "../lib/answers/export.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";

const { values: args } = parseArgs({
  options: { form: { type: "string" }, out: { type: "string", default: "exports" } },
});

try {
  const model = await loadModel();
  const store = new DiskAnswerStore();
  const known = allFormDefinitions(model);
  // Answers to a service since renamed or removed from the base are exported too, question ids as columns.
  const orphans = (await store.forms())
    .filter((slug) => !known.some((f) => f.slug === slug))
    .map((slug): FormDefinition => ({
      slug,
      title: slug,
      formPath: paths.form(slug),
      action: paths.submit(slug),
      confirmationPath: paths.confirmation(slug),
      fields: [],
    }));
  for (const orphan of orphans) console.warn(`Le service « ${orphan.slug} » n'est plus dans la base : ses réponses sont exportées avec les identifiants des questions.`);
  const forms = [...known, ...orphans].filter((f) => !args.form || f.slug === args.form);
  if (args.form && forms.length === 0) {
    console.error(`Aucun service « ${args.form} » dans la base ni dans ${store.dir}. Services : ${known.map((f) => f.slug).join(", ")}`);
    process.exit(1);
  }
  await mkdir(args.out, { recursive: true });
  for (const form of forms) {
    const answers = await store.list(form.slug);
    const path = join(args.out, `reponses-${form.slug}.csv`);
    await writeFile(path, answersToCsv(form, answers));
    console.log(`${path} : ${answers.length} réponse${answers.length > 1 ? "s" : ""}`);
  }
} catch (error) {
  console.error(error instanceof BaseValidationError ? error.message : error);
  process.exit(1);
}
