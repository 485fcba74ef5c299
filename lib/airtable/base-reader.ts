// Reading the base from Airtable: every record of the three tables, page after page, in the same
// shape as the embedded base, so the same validation applies. Cached between builds.
import { AssetCache } from "@11ty/eleventy-fetch";
import { AirtableRequestFailed, airtableBase, explainFailure, paceRequest, withRetries, type AirtableConfig } from "./client.ts";
import { BaseValidationError, type BaseRecord, type RawBase } from "../base/model.ts";
import { HYPOTHESES, QUESTIONS, SERVICES, SITE, VARIANTS } from "../base/tables.ts";

export interface ReadOptions {
  sleep?: (ms: number) => Promise<void>;
  /** Pause after a 429 (Airtable locks a base out for 30 s). */
  rateLimitPauseMs?: number;
  attempts?: number;
}


async function readTable(config: AirtableConfig, table: string, options: ReadOptions): Promise<BaseRecord[]> {
  const read = async (): Promise<BaseRecord[]> => {
    // Every page (offset) until the last one, each request in its turn under the rate limit.
    const records: BaseRecord[] = [];
    await paceRequest(config.baseId);
    await airtableBase(config)(table)
      .select({ pageSize: 100 })
      .eachPage((page, fetchNextPage) => {
        for (const record of page) {
          records.push({
            id: record.id,
            createdTime: (record._rawJson as { createdTime?: string }).createdTime,
            fields: record.fields as Record<string, unknown>,
          });
        }
        void paceRequest(config.baseId).then(() => fetchNextPage());
      });
    return records;
  };
  try {
    return await withRetries(read, {
      sleep: options.sleep,
      policy: { ...(options.attempts ? { attempts: options.attempts } : {}), ...(options.rateLimitPauseMs !== undefined ? { rateLimitPauseMs: options.rateLimitPauseMs } : {}) },
    });
  } catch (error) {
    if (!(error instanceof AirtableRequestFailed)) throw error;
    throw new BaseValidationError([{ table, message: explainFailure(error.failure, `lecture de la table « ${table} »`) }]);
  }
}

/** Reads the five tables one after the other (5+ requests, paced under 5 per second). */
export async function readAirtableBase(config: AirtableConfig, options: ReadOptions = {}): Promise<RawBase> {
  const site = await readTable(config, SITE.name, options);
  const services = await readTable(config, SERVICES.name, options);
  const questions = await readTable(config, QUESTIONS.name, options);
  const variants = await readTable(config, VARIANTS.name, options);
  const hypotheses = await readTable(config, HYPOTHESES.name, options);
  return { site, services, questions, variants, hypotheses };
}

export const DEFAULT_CACHE_DURATION = "10m";

/**
 * The base as read from Airtable at most `duration` ago (eleventy-fetch's syntax: "10m", "1h",
 * "0s" to read afresh). `npm run build -- --fresh` sets AIRTABLE_CACHE_DURATION=0s.
 */
export async function readAirtableBaseCached(
  config: AirtableConfig,
  cached: { duration: string; cacheDir: string },
  options: ReadOptions = {},
): Promise<RawBase> {
  const { duration, cacheDir } = cached;
  // The token is not part of the key: it must never be written anywhere.
  const cache = new AssetCache(`airtable-${config.baseId}-${new URL(config.endpointUrl).host}`, cacheDir);
  if (cache.isCacheValid(duration)) return (await cache.getCachedValue()) as RawBase;
  const raw = await readAirtableBase(config, options);
  await cache.save(raw, "json");
  return raw;
}
