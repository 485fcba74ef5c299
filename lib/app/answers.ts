// Which answer store and sink a function or command uses, from the configuration.
//   on this machine, no Airtable:  answers are kept on disk (ANSWERS_DIR, default ./reponses)
//   deployed on Netlify:           answers are kept in Netlify Blobs (a function's disk does not last)
//   with Airtable:                 answers wait in Netlify Blobs, and a flusher writes them to Airtable
// ANSWERS_STORE=disk|blobs overrides the choice.
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { getStore, type Store } from "@netlify/blobs";
import { BlobsServer } from "@netlify/blobs/server";
import { definitionsOf, publishedFormsPath, readPublishedForms, type PublishedForms } from "../forms/published.ts";
import { AirtableAnswerSink } from "../airtable/answer-sink.ts";
import { BlobsAnswerStore, STORE_NAME } from "../answers/blobs-store.ts";
import { flushAnswers, type FlushOptions, type FlushReport } from "../airtable/flush.ts";
import { DiskAnswerStore, type AnswerStore } from "../answers/store.ts";
import { readConfig, type Config } from "./config.ts";

export function answerStoreKind(config: Config = readConfig()): "disk" | "blobs" {
  return config.answersStore ?? (config.airtable || isDeployed(config) ? "blobs" : "disk");
}

/**
 * Whether this runs as a deployed Netlify function: Netlify hands it a Blobs context, and it is
 * not `netlify dev` (which hands one too, beside a disk that lasts).
 */
export function isDeployed(config: Config): boolean {
  return Boolean(config.netlify.blobsContext) && !config.netlify.dev;
}

export function answerStoreFromEnvironment(config: Config = readConfig()): AnswerStore {
  return answerStoreKind(config) === "blobs" ? BlobsAnswerStore.fromEnvironment() : new DiskAnswerStore(config.answersDir);
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
  config?: Config;
}

/** Flushes the queue to the Airtable base of the configuration. */
export async function flushToAirtable(options: EnvironmentFlush): Promise<FlushReport> {
  const config = options.config ?? readConfig();
  if (!config.airtable) throw new Error("AIRTABLE_TOKEN et AIRTABLE_BASE_ID ne sont pas définis : il n'y a pas de base où écrire les réponses.");
  const forms = options.forms ?? (await readPublishedForms(publishedFormsPath(config.buildDir)));
  const { store, durationMs, config: _config, forms: _forms, ...rest } = options;
  const now = rest.now ?? Date.now;
  return flushAnswers({
    ...rest,
    queue: store,
    sink: new AirtableAnswerSink(config.airtable, definitionsOf(forms)),
    lease: store.lease(`flush-${randomUUID()}`, LEASE_TTL_MS, now),
    deadline: now() + durationMs,
  });
}

/**
 * A Netlify Blobs store named `name` for a command-line tool: the one the environment describes
 * (NETLIFY_BLOBS_CONTEXT), the deployed site's (NETLIFY_SITE_ID + NETLIFY_AUTH_TOKEN), or else
 * the sandbox that `netlify dev` keeps in .netlify/blobs-serve, served for the time of the command.
 * Answers and counts both use it.
 */
export async function commandLineStore(name: string, config: Config = readConfig()): Promise<{ store: Store; where: string; close(): Promise<void> }> {
  const { siteId, authToken, blobsContext } = config.netlify;
  if (blobsContext) return { store: getStore({ name, consistency: "strong" }), where: "NETLIFY_BLOBS_CONTEXT", close: async () => {} };
  if (siteId && authToken) {
    return { store: getStore({ name, siteID: siteId, token: authToken, consistency: "strong" }), where: `site Netlify ${siteId}`, close: async () => {} };
  }
  const directory = resolve(".netlify", "blobs-serve");
  const token = randomUUID();
  const server = new BlobsServer({ directory, token });
  const { port } = await server.start();
  const url = `http://localhost:${port}`;
  const store = getStore({ name, siteID: siteId || "unlinked", token, edgeURL: url, uncachedEdgeURL: url, consistency: "strong" });
  return { store, where: join(".netlify", "blobs-serve"), close: () => server.stop() };
}

/** The answers' Blobs store for a command-line tool (see commandLineStore). */
export async function commandLineBlobsStore(config: Config = readConfig()): Promise<{ store: BlobsAnswerStore; where: string; close(): Promise<void> }> {
  const { store, ...rest } = await commandLineStore(STORE_NAME, config);
  return { store: new BlobsAnswerStore(store), ...rest };
}

/**
 * The answers a command-line tool (export, review) reads and changes: those of the deployed site
 * when NETLIFY_SITE_ID and NETLIFY_AUTH_TOKEN are set, those of Netlify Blobs when answers go
 * there (Airtable connected, or ANSWERS_STORE=blobs), else the folder on this machine.
 */
export async function commandLineAnswerStore(config: Config = readConfig()): Promise<{ store: AnswerStore; where: string; close(): Promise<void> }> {
  const remote = Boolean(config.netlify.siteId && config.netlify.authToken);
  if (remote || config.netlify.blobsContext || answerStoreKind(config) === "blobs") return commandLineBlobsStore(config);
  const store = new DiskAnswerStore(config.answersDir);
  return { store, where: store.dir, close: async () => {} };
}
