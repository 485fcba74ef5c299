// Connecting to Airtable: the airtable.js client set up so it never sleeps for minutes on its own,
// how each failure is to be handled, and the pace of requests. The connection's settings come from
// the environment through lib/app/config.ts.
import Airtable from "airtable";

export interface AirtableConfig {
  token: string;
  baseId: string;
  /** AIRTABLE_ENDPOINT_URL (airtable.js's own variable), so the tests (and proxies) can point it elsewhere. */
  endpointUrl: string;
}

export const DEFAULT_ENDPOINT = "https://api.airtable.com";

/** The longest one request to Airtable may take before it counts as failed (and is retried). */
export const REQUEST_TIMEOUT_MS = 10_000;

export const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An airtable.js base. It must not retry 429s by itself: it would wait up to 10 minutes. */
export function airtableBase(config: AirtableConfig, requestTimeoutMs = REQUEST_TIMEOUT_MS): Airtable.Base {
  return new Airtable({
    apiKey: config.token,
    endpointUrl: config.endpointUrl,
    noRetryIfRateLimited: true,
    requestTimeout: requestTimeoutMs,
  }).base(config.baseId);
}

export type FailureKind =
  /** 429: wait 30 seconds (Airtable's lockout) before anything else. */
  | "rate-limited"
  /** 5xx, time-outs, dropped connections: retry with backoff. */
  | "transient"
  /** Anything else (bad token, missing table, invalid data): retrying will not help. */
  | "permanent";

export interface Failure {
  kind: FailureKind;
  status?: number;
  type?: string;
  message: string;
}

/** Errors of the network itself (node-fetch's, undici's, time-outs), as opposed to bugs. */
const NETWORK_ERRORS = new Set(["FetchError", "AbortError", "TimeoutError", "ConnectTimeoutError", "SocketError"]);
const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR_\w+)$/;

/** airtable.js rejects with an AirtableError (error, message, statusCode) or a raw network error. */
export function classifyFailure(error: unknown): Failure {
  const e = (error ?? {}) as { statusCode?: unknown; error?: unknown; message?: unknown; name?: unknown; code?: unknown; cause?: { code?: unknown } };
  const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
  const type = typeof e.error === "string" ? e.error : undefined;
  const message = typeof e.message === "string" ? e.message : String(error);
  if (status === 429) return { kind: "rate-limited", status, type, message };
  const code = typeof e.code === "string" ? e.code : typeof e.cause?.code === "string" ? e.cause.code : "";
  const network = type === "CONNECTION_ERROR" || NETWORK_ERRORS.has(String(e.name)) || NETWORK_CODES.test(code);
  if ((status !== undefined && (status >= 500 || status === 408)) || (status === undefined && network)) {
    return { kind: "transient", status, type, message };
  }
  // Anything else, a TypeError included, will fail the same way again: retrying would spin.
  return { kind: "permanent", status, type, message };
}

/**
 * How every Airtable client here (the base reader, the schema setup, the answer flush) retries:
 * a 429 waits out Airtable's 30 s lockout; a transient failure backs off from `baseBackoffMs`,
 * doubling, ±25 % jitter so that several clients do not retry in step, capped; a permanent one
 * is not retried.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (Infinity: until the caller's deadline). */
  attempts: number;
  rateLimitPauseMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, rateLimitPauseMs: 30_000, baseBackoffMs: 500, maxBackoffMs: 30_000 };

export type Retry = { retry: true; delayMs: number; failure: Failure } | { retry: false; failure: Failure };

/** What to do after attempt number `attempt` (1 for the first) failed with `error`. */
export function afterFailure(error: unknown, attempt: number, policy: RetryPolicy = DEFAULT_RETRY): Retry {
  const failure = classifyFailure(error);
  if (failure.kind === "permanent" || attempt >= policy.attempts) return { retry: false, failure };
  if (failure.kind === "rate-limited") return { retry: true, delayMs: policy.rateLimitPauseMs, failure };
  const random = policy.random ?? Math.random;
  const delayMs = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** (attempt - 1)) * (0.75 + random() / 2);
  return { retry: true, delayMs, failure };
}

/** Thrown by withRetries when a request has failed for good. */
export class AirtableRequestFailed extends Error {
  override name = "AirtableRequestFailed";
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Runs `request` until it succeeds or the policy gives up (then throws AirtableRequestFailed). */
export async function withRetries<T>(
  request: (attempt: number) => Promise<T>,
  options: { policy?: Partial<RetryPolicy>; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const policy = { ...DEFAULT_RETRY, ...options.policy };
  const sleep = options.sleep ?? wait;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request(attempt);
    } catch (error) {
      const next = afterFailure(error, attempt, policy);
      if (!next.retry) throw new AirtableRequestFailed(next.failure);
      await sleep(next.delayMs);
    }
  }
}

/** Airtable's limit: 5 requests per second per base. */
export const REQUESTS_PER_SECOND = 5;
/** Time between the starts of two requests to a base: under 5 per second, with a margin. */
export const MIN_REQUEST_INTERVAL_MS = Math.ceil(1000 / REQUESTS_PER_SECOND) + 10;

/**
 * Airtable counts requests when they arrive; we can only time when they leave. The first request
 * of a process arrives late (connection set-up, ~50–100 ms), so five later ones can land within
 * one second of it even when spaced by MIN_REQUEST_INTERVAL_MS: the sixth request in a row
 * therefore waits for a full second, plus this, after the first.
 */
const ARRIVAL_SKEW_MS = 150;

/** Per base, when this process's last requests were let go (at most REQUESTS_PER_SECOND of them). */
const recentStarts = new Map<string, number[]>();

/**
 * Waits for this process's next request slot on a base, so that every client in the process
 * (airtable.js pages, Meta API calls) together stays under Airtable's 5 requests per second.
 * Slots are reserved in call order, so concurrent callers queue up.
 */
export async function paceRequest(baseId: string, minIntervalMs = MIN_REQUEST_INTERVAL_MS): Promise<void> {
  const now = Date.now();
  const starts = recentStarts.get(baseId) ?? [];
  const previous = starts.at(-1);
  const windowStart = starts.length >= REQUESTS_PER_SECOND ? starts[starts.length - REQUESTS_PER_SECOND] : undefined;
  const slot = Math.max(
    now,
    previous === undefined ? now : previous + minIntervalMs,
    windowStart === undefined ? now : windowStart + 1000 + ARRIVAL_SKEW_MS,
  );
  starts.push(slot);
  if (starts.length > REQUESTS_PER_SECOND) starts.shift();
  recentStarts.set(baseId, starts);
  if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
}

/** Airtable's lockout after a 429. */
export const RATE_LIMIT_PAUSE_MS = 30_000;
/** Airtable writes at most 10 records per request. */
export const MAX_RECORDS_PER_WRITE = 10;

/** A French explanation of a failure, for the intrapreneur. */
export function explainFailure(failure: Failure, what: string): string {
  if (failure.status === 401) return `${what} : jeton Airtable refusé (AIRTABLE_TOKEN). Vérifiez qu'il est copié en entier et qu'il n'a pas été révoqué.`;
  if (failure.status === 403) return `${what} : ce jeton n'a pas accès à cette base ou n'a pas les droits nécessaires (voir les « scopes » dans le README).`;
  if (failure.status === 404) return `${what} : introuvable dans la base Airtable (${failure.message}). Avez-vous lancé « npm run airtable:setup » ?`;
  if (failure.kind === "rate-limited") return `${what} : Airtable limite le nombre de requêtes ; réessayez dans une minute.`;
  if (failure.kind === "transient") return `${what} : Airtable ne répond pas (${failure.message}) ; réessayez plus tard.`;
  return `${what} : Airtable a refusé la requête (${failure.type ?? failure.status} : ${failure.message}).`;
}
