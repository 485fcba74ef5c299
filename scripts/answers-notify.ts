// npm run answers:notify [-- --dry-run] [-- --site https://mon-site.netlify.app]
// Sends the summary of new answers to the webhook of the Site table now, whatever its frequency
// (to try the webhook), from the answers this machine reads (see commandLineAnswerStore: the
// deployed site's with NETLIFY_SITE_ID and NETLIFY_AUTH_TOKEN). --dry-run prints the message and
// changes nothing. The webhook comes from the build (build/forms.json): run npm run build first.
import { parseArgs } from "node:util";
import { commandLineAnswerStore } from "../lib/app/answers.ts";
import { readConfig } from "../lib/app/config.ts";
import { notifyNewAnswers, outcomeLine } from "../lib/app/notify.ts";
import { publishedFormsPath, readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";

const { values: args } = parseArgs({ options: { "dry-run": { type: "boolean", default: false }, site: { type: "string" } } });
if (args.site !== undefined && !/^https?:\/\/\S+$/.test(args.site)) {
  console.error("--site attend l'adresse du site, ex. https://mon-service.netlify.app");
  process.exit(2);
}

const config = readConfig();
let forms: PublishedForms;
try {
  forms = await readPublishedForms(publishedFormsPath(config.buildDir));
} catch {
  console.error(`${publishedFormsPath(config.buildDir)} est introuvable : lancez d'abord npm run build.`);
  process.exit(2);
}

const { store, where, close } = await commandLineAnswerStore(config);
try {
  console.log(`Réponses lues : ${where}.`);
  const outcome = await notifyNewAnswers({ forms, store, siteUrl: args.site, force: true, dryRun: args["dry-run"] });
  console.log(outcomeLine(outcome));
  if (outcome.status === "failed" || outcome.status === "no-webhook") process.exitCode = 1;
} finally {
  await close();
}
