// `npm run publish` from a terminal: the same rule as the Airtable automation (lib/site/publish.ts),
// with the time of the last call kept in a small file of this machine (under KIT_CACHE_DIR) instead
// of the Site table. The two keep their own last call: at worst one build more, never an edit left out.
import { decidePublish, parisTime, publishMessage, PublishError, triggerBuild, type PublishDecision } from "../site/publish.ts";
import { DiskKeyValueStore } from "../stats/key-value.ts";
import type { Config } from "./config.ts";

/** The key of the last call in the cache folder's key-value store: <cache>/publication.json. */
const PUBLISH_STATE_KEY = "publication";
export const PUBLISH_STATE_FILE = `${PUBLISH_STATE_KEY}.json`;

export interface TerminalPublishOptions {
  config: Pick<Config, "publish" | "cacheDir">;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface TerminalPublishResult {
  decision: PublishDecision;
  message: string;
}

export async function publishFromTerminal({ config, now = Date.now, fetch: fetchFn }: TerminalPublishOptions): Promise<TerminalPublishResult> {
  const hook = config.publish.hook;
  if (!hook) {
    throw new PublishError(
      "NETLIFY_BUILD_HOOK n'est pas défini : créez un build hook dans Netlify (« Site configuration » → « Build & deploy » → « Build hooks »), puis `export NETLIFY_BUILD_HOOK=<son adresse>`.",
    );
  }
  const state = new DiskKeyValueStore(config.cacheDir);
  const at = now();
  const decision = decidePublish(at, await lastCall(state));
  if (decision.call) {
    await triggerBuild({ hook, readAfter: decision.readAfter, title: "Publier (terminal)", ...(fetchFn ? { fetch: fetchFn } : {}) });
    // Recorded only once Netlify has accepted it: a failed call covers nothing.
    await state.set(PUBLISH_STATE_KEY, { lastCall: new Date(at).toISOString() });
  }
  return { decision, message: publishMessage(decision, parisTime) };
}

async function lastCall(state: DiskKeyValueStore): Promise<number | undefined> {
  // A damaged file covers nothing: the request calls the hook, which is always safe.
  const parsed = await state.get(PUBLISH_STATE_KEY).catch(() => undefined);
  const value = typeof parsed === "object" && parsed !== null && "lastCall" in parsed ? Date.parse(String(parsed.lastCall)) : NaN;
  return Number.isFinite(value) ? value : undefined;
}
