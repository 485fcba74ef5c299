// Where counts are kept, from the configuration: on disk beside the answers when they are on disk
// (ANSWERS_STORE / lib/app/answers.ts decide), in Netlify Blobs beside them otherwise.
import { getStore } from "@netlify/blobs";
import { writeDailyStats } from "../airtable/stats-sink.ts";
import type { PublishedForms } from "../forms/published.ts";
import { dailyRows } from "../stats/aggregate.ts";
import { BlobsKeyValueStore, DiskKeyValueStore, STATS_STORE_NAME } from "../stats/key-value.ts";
import { CountLedger, type LedgerOptions } from "../stats/ledger.ts";
import { answerStoreKind, commandLineStore } from "./answers.ts";
import { readConfig, type Config } from "./config.ts";

export function countLedgerFromEnvironment(config: Config = readConfig(), options: LedgerOptions = {}): CountLedger {
  const kv =
    answerStoreKind(config) === "blobs"
      ? new BlobsKeyValueStore(getStore({ name: STATS_STORE_NAME, consistency: "strong" }))
      : new DiskKeyValueStore(config.statsDir);
  return new CountLedger(kv, options);
}

/**
 * The counts a command (npm run stats) reads: the deployed site's (NETLIFY_SITE_ID and
 * NETLIFY_AUTH_TOKEN), those `netlify dev` keeps in .netlify/blobs-serve when counts go to Blobs,
 * else the folder on this machine.
 */
export async function commandLineCountLedger(config: Config = readConfig()): Promise<{ ledger: CountLedger; where: string; close(): Promise<void> }> {
  const { siteId, authToken, blobsContext } = config.netlify;
  if (blobsContext) return { ledger: countLedgerFromEnvironment(config), where: "NETLIFY_BLOBS_CONTEXT", close: async () => {} };
  if (!(siteId && authToken) && answerStoreKind(config) === "disk") {
    return { ledger: countLedgerFromEnvironment(config), where: config.statsDir, close: async () => {} };
  }
  const { store, ...rest } = await commandLineStore(STATS_STORE_NAME, config);
  return { ledger: new CountLedger(new BlobsKeyValueStore(store)), ...rest };
}

/** Folds the counts, and with Airtable writes one row per service and day to its Statistiques table. */
export async function publishDailyStats(ledger: CountLedger, forms: PublishedForms, config: Config): Promise<{ folded: number; written: number }> {
  const { folded } = await ledger.compact();
  if (!config.airtable) return { folded, written: 0 };
  const { written } = await writeDailyStats(config.airtable, dailyRows(await ledger.read(), forms));
  return { folded, written };
}
