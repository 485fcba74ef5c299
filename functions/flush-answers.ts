// Netlify scheduled function: every minute, writes the answers waiting in Netlify Blobs to the
// Airtable answers table (one writer at a time, within Airtable's rate limit; see lib/airtable/flush.ts).
import type { Config } from "@netlify/functions";
import { answerStoreKind, flushToAirtable, SCHEDULED_FLUSH_MS } from "../lib/app/answers.ts";
import { readConfig } from "../lib/app/config.ts";
import { BlobsAnswerStore } from "../lib/answers/blobs-store.ts";

export default async function flushAnswers(): Promise<Response> {
  const config = readConfig();
  if (!config.airtable || answerStoreKind(config) !== "blobs") return new Response("Airtable n'est pas configuré : rien à envoyer.\n", { status: 200 });
  const report = await flushToAirtable({ store: BlobsAnswerStore.fromEnvironment(), durationMs: SCHEDULED_FLUSH_MS, config });
  console.log(`answers flush: ${JSON.stringify(report)}`);
  return new Response(JSON.stringify(report), { status: 200, headers: { "content-type": "application/json" } });
}

export const config: Config = { schedule: "* * * * *" };
