// Every environment variable the kit reads, parsed once, here. The layers below take plain values
// (a folder, a URL, an Airtable connection) and never read the environment themselves, so a test
// or a fork can run any of them without setting variables. A wrong value stops with a French
// message naming the variable and saying what it accepts; every wrong variable is listed at once.
import { resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_BAN_EXPORT_URL } from "../address/download.ts";
import { DEFAULT_INDEX_PATH } from "../address/index-file.ts";
import { DEFAULT_GEOPLATEFORME_URL } from "../address/providers.ts";
import { DEFAULT_CACHE_DURATION } from "../airtable/base-reader.ts";
import { DEFAULT_ENDPOINT, type AirtableConfig } from "../airtable/client.ts";
import { DEFAULT_ANSWERS_DIR } from "../answers/store.ts";
import { DEFAULT_BASE_DIR } from "../base/embedded.ts";
import { DEFAULT_BUILD_DIR } from "../forms/published.ts";
import { parseHookUrl, PublishError, readPublishAfter, type BuildHook } from "../site/publish.ts";
import { webhookUrlProblem } from "../site/webhook.ts";
import { DEFAULT_STATS_DIR } from "../stats/key-value.ts";
import { DEFAULT_NETLIFY_API_URL } from "./netlify-api.ts";

export type Env = Record<string, string | undefined>;

/** Each module keeps its own default beside the code that uses it; this gathers them. */
export const DEFAULTS = {
  airtableEndpoint: DEFAULT_ENDPOINT,
  airtableCacheDuration: DEFAULT_CACHE_DURATION,
  answersDir: DEFAULT_ANSWERS_DIR,
  statsDir: DEFAULT_STATS_DIR,
  addressIndex: DEFAULT_INDEX_PATH,
  geoplateformeUrl: DEFAULT_GEOPLATEFORME_URL,
  banExportUrl: DEFAULT_BAN_EXPORT_URL,
  baseDir: DEFAULT_BASE_DIR,
  buildDir: DEFAULT_BUILD_DIR,
  outputDir: "_site",
  cacheDir: ".cache",
  netlifyApiUrl: DEFAULT_NETLIFY_API_URL,
} as const;

export const ADDRESS_PROVIDERS = ["local", "remote", "auto"] as const;
export type AddressProviderName = (typeof ADDRESS_PROVIDERS)[number];

export interface Config {
  /** The Airtable connection, when both AIRTABLE_TOKEN and AIRTABLE_BASE_ID are set. */
  airtable?: AirtableConfig;
  /** How long a copy of the Airtable base is reused by the build (eleventy-fetch syntax). */
  airtableCacheDuration: string;
  /** Where answers go; undefined lets the kit choose (see lib/app/answers.ts). */
  answersStore?: "disk" | "blobs";
  answersDir: string;
  /** Where counts are kept on this machine (with answers on disk; else in Netlify Blobs beside them). */
  statsDir: string;
  addressProvider: AddressProviderName;
  addressIndex: string;
  geoplateformeUrl: string;
  banExportUrl: string;
  baseDir: string;
  buildDir: string;
  outputDir: string;
  cacheDir: string;
  /** Writes form.js.map beside the bundle, for debugging on this machine only. */
  sourcemap: boolean;
  netlify: {
    /** The deployed site to read answers from (with authToken), from this machine. */
    siteId?: string;
    authToken?: string;
    /** Netlify's API (NETLIFY_API_URL), so the tests can point npm run doctor at a local stand-in. */
    apiUrl: string;
    /** Set by Netlify (and netlify dev) in functions: the site's Blobs store. */
    blobsContext?: string;
    /** Under netlify dev. */
    dev: boolean;
  };
  publish: {
    /** The build hook `npm run publish` calls (NETLIFY_BUILD_HOOK): a secret, never printed whole. */
    hook?: BuildHook;
    /** In a build started by a publication (Netlify's INCOMING_HOOK_BODY): when it may read the base. */
    publishAfter?: number;
  };
  /**
   * The webhook the summary of new answers goes to (ANSWERS_WEBHOOK_URL): set on Netlify, it wins
   * over the Site table's « Webhook des réponses », which a public repository would publish.
   */
  answersWebhook?: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const text = z.string().trim().min(1).optional().catch(undefined);
const url = (what: string) =>
  z
    .string()
    .trim()
    .url({ error: `doit être une adresse web complète (${what})` })
    .transform((value) => value.replace(/\/+$/, ""))
    .optional();
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => `vaut « ${String(issue.input)} » ; valeurs possibles : ${values.join(", ")}` }).optional();

const Variables = z.object({
  AIRTABLE_TOKEN: text,
  AIRTABLE_BASE_ID: z
    .string()
    .trim()
    .regex(/^app[A-Za-z0-9]{14}$/, {
      error: (issue) =>
        `« ${String(issue.input)} » n'est pas un identifiant de base Airtable (il commence par « app » et compte 17 caractères ; il figure dans l'adresse de la base : airtable.com/appXXXXXXXXXXXXXX/…)`,
    })
    .optional(),
  AIRTABLE_ENDPOINT_URL: url("ex. https://api.airtable.com"),
  AIRTABLE_CACHE_DURATION: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?[smhdwy]$/, { error: (issue) => `vaut « ${String(issue.input)} » ; écrivez une durée comme 30s, 10m, 1h ou 0s` })
    .optional(),
  ANSWERS_STORE: oneOf(["disk", "blobs"] as const),
  ANSWERS_DIR: text,
  STATS_DIR: text,
  ADDRESS_PROVIDER: oneOf(ADDRESS_PROVIDERS),
  ADDRESS_INDEX: text,
  GEOPLATEFORME_URL: url("ex. https://data.geopf.fr/geocodage"),
  BAN_EXPORT_URL: url("ex. https://adresse.data.gouv.fr/data/ban/adresses/latest/csv"),
  KIT_BASE_DIR: text,
  KIT_BUILD_DIR: text,
  KIT_OUTPUT_DIR: text,
  KIT_CACHE_DIR: text,
  KIT_SOURCEMAP: oneOf(["0", "1"] as const),
  NETLIFY_SITE_ID: text,
  NETLIFY_AUTH_TOKEN: text,
  NETLIFY_API_URL: url("ex. https://api.netlify.com/api/v1"),
  NETLIFY_BLOBS_CONTEXT: text,
  NETLIFY_DEV: text,
  NETLIFY_BUILD_HOOK: text,
  INCOMING_HOOK_BODY: text,
  ANSWERS_WEBHOOK_URL: z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = webhookUrlProblem(value);
      // The address is a secret: the message says what is wrong, never the value.
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
});

/** The environment's variables, parsed; throws ConfigError naming each wrong one. */
export function readConfig(env: Env = process.env): Config {
  // Empty values count as unset, as a shell's `export X=` means.
  const given = Object.fromEntries(Object.keys(Variables.shape).map((name) => [name, env[name]?.trim() || undefined]));
  const parsed = Variables.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `- ${String(issue.path[0])} ${issue.message}`);
    throw new ConfigError(`Variable${lines.length > 1 ? "s" : ""} d'environnement à corriger :\n${lines.join("\n")}`);
  }
  const v = parsed.data;
  if (Boolean(v.AIRTABLE_TOKEN) !== Boolean(v.AIRTABLE_BASE_ID)) {
    throw new ConfigError(
      `Airtable à moitié configuré : ${v.AIRTABLE_TOKEN ? "AIRTABLE_BASE_ID" : "AIRTABLE_TOKEN"} manque. Définissez les deux variables, ou aucune pour utiliser la base embarquée (data/base).`,
    );
  }
  let hook: BuildHook | undefined;
  try {
    hook = v.NETLIFY_BUILD_HOOK ? parseHookUrl(v.NETLIFY_BUILD_HOOK, "NETLIFY_BUILD_HOOK") : undefined;
  } catch (error) {
    if (error instanceof PublishError) throw new ConfigError(`Variable d'environnement à corriger :\n- ${error.message}`);
    throw error;
  }
  return {
    airtable:
      v.AIRTABLE_TOKEN && v.AIRTABLE_BASE_ID
        ? { token: v.AIRTABLE_TOKEN, baseId: v.AIRTABLE_BASE_ID, endpointUrl: v.AIRTABLE_ENDPOINT_URL ?? DEFAULTS.airtableEndpoint }
        : undefined,
    airtableCacheDuration: v.AIRTABLE_CACHE_DURATION ?? DEFAULTS.airtableCacheDuration,
    answersStore: v.ANSWERS_STORE,
    answersDir: resolve(v.ANSWERS_DIR ?? DEFAULTS.answersDir),
    statsDir: resolve(v.STATS_DIR ?? DEFAULTS.statsDir),
    addressProvider: v.ADDRESS_PROVIDER ?? "local",
    addressIndex: resolve(v.ADDRESS_INDEX ?? DEFAULTS.addressIndex),
    geoplateformeUrl: v.GEOPLATEFORME_URL ?? DEFAULTS.geoplateformeUrl,
    banExportUrl: v.BAN_EXPORT_URL ?? DEFAULTS.banExportUrl,
    baseDir: v.KIT_BASE_DIR ?? DEFAULTS.baseDir,
    buildDir: resolve(v.KIT_BUILD_DIR ?? DEFAULTS.buildDir),
    outputDir: v.KIT_OUTPUT_DIR ?? DEFAULTS.outputDir,
    cacheDir: resolve(v.KIT_CACHE_DIR ?? DEFAULTS.cacheDir),
    sourcemap: v.KIT_SOURCEMAP === "1",
    netlify: {
      siteId: v.NETLIFY_SITE_ID,
      authToken: v.NETLIFY_AUTH_TOKEN,
      apiUrl: v.NETLIFY_API_URL ?? DEFAULTS.netlifyApiUrl,
      blobsContext: v.NETLIFY_BLOBS_CONTEXT,
      dev: v.NETLIFY_DEV === "true",
    },
    publish: { hook, publishAfter: readPublishAfter(v.INCOMING_HOOK_BODY) },
    answersWebhook: v.ANSWERS_WEBHOOK_URL,
  };
}

/** The variables this module reads, for the README and the tests. */
export const VARIABLES = Object.keys(Variables.shape);
