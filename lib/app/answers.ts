// Which answer store and sink a function or command uses, from the environment.
//   on this machine, no Airtable:  answers are kept on disk (ANSWERS_DIR, default ./reponses)
//   deployed on Netlify:           answers are kept in Netlify Blobs (a function's disk does not last)
//   with Airtable:                 answers wait in Netlify Blobs, and a flusher writes them to Airtable
// ANSWERS_STORE=disk|blobs overrides the choice.
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { getStore } from "@netlify/blobs";
import { BlobsServer } from "@netlify/blobs/server";
import { airtableConfig } from "../airtable/client.ts";
import { definitionsOf, readPublishedForms, type PublishedForms } from "../forms/published.ts";
import { AirtableAnswerSink } from "../airtable/answer-sink.ts";
import { BlobsAnswerStore, STORE_NAME } from "../answers/blobs-store.ts";
import { flushAnswers, type FlushOptions, type FlushReport } from "../airtable/flush.ts";
import { answersDir, DiskAnswerStore, type AnswerStore } from "../answers/store.ts";

type Env = Record<string, string | undefined>;

export function answerStoreKind(env: Env = process.env): "disk" | "blobs" {
  const kind = env.ANSWERS_STORE?.trim() || (airtableConfig(env) || isDeployed(env) ? "blobs" : "disk");
  if (kind !== "disk" && kind !== "blobs") throw new Error(`ANSWERS_STORE="${kind}": valeurs possibles disk ou blobs`);
  return kind;
}

/**
 * Whether this runs as a deployed Netlify function: Netlify hands it a Blobs context, and it is
 * not `netlify dev` (which hands one too, beside a disk that lasts).
 */
export function isDeployed(env: Env = process.env): boolean {
  return Boolean(env.NETLIFY_BLOBS_CONTEXT) && env.NETLIFY_DEV !== "true";
}

export function answerStoreFromEnvironment(env: Env = process.env): AnswerStore {
  return answerStoreKind(env) === "blobs" ? BlobsAnswerStore.fromEnvironment() : new DiskAnswerStore(answersDir(env));
}

/** Scheduled functions have 30 s; this leaves room to finish the last write and release the lease. */
export const SCHEDULED_FLUSH_MS = 24_000;

/**
 * The lease is renewed after every batch; it must outlive the longest wait between two renewals
 * (a 30 s pause after a 429, then a 10 s request), and no more, so that a flusher that died
 * blocks the next ones for little time.
 */
export const LEASE_TTL_MS = 60_000;

export interface EnvironmentFlush extends Partial<Omit<FlushOptions, "queue" | "sink" | "lease" | "deadline">> {
  store: BlobsAnswerStore;
  forms?: PublishedForms;
  /** How long the flush may run. */
  durationMs: number;
  env?: Env;
}

/** Flushes the queue to the Airtable base of the environment. */
export async function flushToAirtable(options: EnvironmentFlush): Promise<FlushReport> {
  const env = options.env ?? process.env;
  const config = airtableConfig(env);
  if (!config) throw new Error("AIRTABLE_TOKEN et AIRTABLE_BASE_ID ne sont pas définis : il n'y a pas de base où écrire les réponses.");
  const forms = options.forms ?? (await readPublishedForms());
  const { store, durationMs, env: _env, forms: _forms, ...rest } = options;
  const now = rest.now ?? Date.now;
  return flushAnswers({
    ...rest,
    queue: store,
    sink: new AirtableAnswerSink(config, definitionsOf(forms)),
    lease: store.lease(`flush-${randomUUID()}`, LEASE_TTL_MS, now),
    deadline: now() + durationMs,
  });
}

/**
 * The Blobs store a command-line tool should use: the one the environment describes
 * (NETLIFY_BLOBS_CONTEXT), the deployed site's (NETLIFY_SITE_ID + NETLIFY_AUTH_TOKEN), or else
 * the sandbox that `netlify dev` keeps in .netlify/blobs-serve, served for the time of the command.
 */
export async function commandLineBlobsStore(env: Env = process.env): Promise<{ store: BlobsAnswerStore; where: string; close(): Promise<void> }> {
  if (env.NETLIFY_BLOBS_CONTEXT) {
    return { store: BlobsAnswerStore.fromEnvironment(), where: "NETLIFY_BLOBS_CONTEXT", close: async () => {} };
  }
  if (env.NETLIFY_SITE_ID && env.NETLIFY_AUTH_TOKEN) {
    const store = getStore({ name: STORE_NAME, siteID: env.NETLIFY_SITE_ID, token: env.NETLIFY_AUTH_TOKEN, consistency: "strong" });
    return { store: new BlobsAnswerStore(store), where: `site Netlify ${env.NETLIFY_SITE_ID}`, close: async () => {} };
  }
  const directory = resolve(".netlify", "blobs-serve");
  const token = randomUUID();
  const server = new BlobsServer({ directory, token });
  const { port } = await server.start();
  const url = `http://localhost:${port}`;
  const store = getStore({ name: STORE_NAME, siteID: env.NETLIFY_SITE_ID || "unlinked", token, edgeURL: url, uncachedEdgeURL: url, consistency: "strong" });
  return { store: new BlobsAnswerStore(store), where: join(".netlify", "blobs-serve"), close: () => server.stop() };
}

/**
 * The answers a command-line tool (export, review) reads and changes: those of the deployed site
 * when NETLIFY_SITE_ID and NETLIFY_AUTH_TOKEN are set, those of Netlify Blobs when answers go
 * there (Airtable connected, or ANSWERS_STORE=blobs), else the folder on this machine.
 */
export async function commandLineAnswerStore(env: Env = process.env): Promise<{ store: AnswerStore; where: string; close(): Promise<void> }> {
  const remote = Boolean(env.NETLIFY_SITE_ID && env.NETLIFY_AUTH_TOKEN);
  if (remote || env.NETLIFY_BLOBS_CONTEXT || answerStoreKind(env) === "blobs") return commandLineBlobsStore(env);
  const store = new DiskAnswerStore(answersDir(env));
  return { store, where: store.dir, close: async () => {} };
}
