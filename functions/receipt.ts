// Netlify function: /<slug>/merci/?recu=<token>, the citizen's receipt after sending a form. A thin
// shell over lib/answers/receipt.ts. It answers before the static /<slug>/merci/ page (no
// preferStatic), which only says there is nothing to show.
import type { Config } from "@netlify/functions";
import { answerStoreFromEnvironment } from "../lib/app/answers.ts";
import { readConfig } from "../lib/app/config.ts";
import { createReceiptHandler } from "../lib/answers/receipt.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { pageUnavailable, servedOnce } from "../lib/site/function-shell.ts";

async function createHandler(): Promise<(req: Request) => Promise<Response>> {
  const config = readConfig();
  const forms = await readPublishedForms(publishedFormsPath(config.buildDir));
  return createReceiptHandler({ forms, store: answerStoreFromEnvironment(config) });
}

export default servedOnce("receipt", createHandler, () => pageUnavailable("Récapitulatif momentanément indisponible, réessayez dans quelques instants."));

// Without the trailing slash: netlify dev drops it before matching, and "/slug/merci" matches "/slug/merci/" too.
export const config: Config = { path: "/:slug/merci" };
