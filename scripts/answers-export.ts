// npm run answers:export [-- --form <slug>] [--out <folder>]
// Writes one CSV per form, from the answers stored on disk (ANSWERS_DIR, default ./reponses).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BaseValidationError, loadModel } from "../lib/base/index.ts";
import { formDefinition } from "../lib/forms/definitions.ts";
import { answersToCsv } from "../lib/answers/export.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";

const { values: args } = parseArgs({
  options: { form: { type: "string" }, out: { type: "string", default: "exports" } },
});

try {
  const model = await loadModel();
  const forms = model.services.map(formDefinition).filter((f) => !args.form || f.slug === args.form);
  if (args.form && forms.length === 0) {
    console.error(`Aucun service « ${args.form} » dans la base. Services : ${model.services.map((s) => s.slug).join(", ")}`);
    process.exit(1);
  }
  const store = new DiskAnswerStore();
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
