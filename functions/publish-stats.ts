// Netlify scheduled function: every ten minutes, folds the counts (reads stay short) and, with
// Airtable connected, writes one row per service and day to its Statistiques table.
import type { Config } from "@netlify/functions";
import { readConfig } from "../lib/app/config.ts";
import { countLedgerFromEnvironment, publishDailyStats } from "../lib/app/stats.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";

export default async function publishStats(): Promise<Response> {
  const config = readConfig();
  const forms = await readPublishedForms(publishedFormsPath(config.buildDir));
  const report = await publishDailyStats(countLedgerFromEnvironment(config), forms, config);
  console.log(`stats: ${JSON.stringify(report)}`);
  return new Response(JSON.stringify(report), { status: 200, headers: { "content-type": "application/json" } });
}

export const config: Config = { schedule: "*/10 * * * *" };
