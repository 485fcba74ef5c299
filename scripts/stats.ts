// npm run stats: the statistics page's tables, in the terminal. Reads the counts where the kit
// keeps them (see lib/app/stats.ts) and the forms of the last build.
import { ConfigError, readConfig } from "../lib/app/config.ts";
import { commandLineCountLedger } from "../lib/app/stats.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { currentReport } from "../lib/stats/handlers.ts";
import { renderStatsText } from "../lib/stats/render-text.ts";

async function main(): Promise<void> {
  const config = readConfig();
  const path = publishedFormsPath(config.buildDir);
  let forms;
  try {
    forms = await readPublishedForms(path);
  } catch {
    throw new ConfigError(`${path} est introuvable : lancez d'abord « npm run build ».`);
  }
  const { ledger, where, close } = await commandLineCountLedger(config);
  try {
    const report = await currentReport({ forms, ledger });
    if (process.argv.includes("--json")) console.log(JSON.stringify(report, null, 2));
    else console.log(`Comptes lus dans ${where}\n\n${renderStatsText(report)}`);
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
