// `npm run publish` from a terminal: the same rule as the Airtable automation (lib/site/publish.ts),
// with the time of the last call kept in a small file of this machine (under KIT_CACHE_DIR) instead
// of the Site table. The two keep their own last call: at worst one build more, never an edit left out.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { decidePublish, parisTime, publishMessage, PublishError, triggerBuild, type PublishDecision } from "../site/publish.ts";
import type { Config } from "./config.ts";

export const PUBLISH_STATE_FILE = "publication.json";

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
  const stateFile = join(config.cacheDir, PUBLISH_STATE_FILE);
  const at = now();
  const decision = decidePublish(at, await lastCall(stateFile));
  if (decision.call) {
    await triggerBuild({ hook, readAfter: decision.readAfter, title: "Publier (terminal)", ...(fetchFn ? { fetch: fetchFn } : {}) });
    // Recorded only once Netlify has accepted it: a failed call covers nothing.
    await mkdir(dirname(stateFile), { recursive: true });
    const temporary = `${stateFile}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ lastCall: new Date(at).toISOString() })}\n`);
    await rename(temporary, stateFile);
  }
  return { decision, message: publishMessage(decision, parisTime) };
}

async function lastCall(stateFile: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const value = typeof parsed === "object" && parsed !== null && "lastCall" in parsed ? Date.parse(String(parsed.lastCall)) : NaN;
    return Number.isFinite(value) ? value : undefined;
  } catch {
    // A damaged file covers nothing: the request calls the hook, which is always safe.
    return undefined;
  }
}
