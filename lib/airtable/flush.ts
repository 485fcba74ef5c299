// Draining the answer queue into Airtable, within Airtable's limits and the function's time:
// one writer at a time (a lease), at most 5 requests per second, 10 answers per request, a 30 s
// pause after a 429, backoff on 5xx / time-outs / network errors. An answer leaves the queue only
// once Airtable has it; the upsert on its id makes a retry after a lost response harmless.
import { afterFailure, DEFAULT_RETRY, MAX_RECORDS_PER_WRITE, MIN_REQUEST_INTERVAL_MS, RATE_LIMIT_PAUSE_MS, REQUEST_TIMEOUT_MS, wait } from "./client.ts";
import { WriteAgain, type AnswerSink } from "./answer-sink.ts";
import type { Lease, Pending } from "../answers/blobs-store.ts";

export interface AnswerQueue {
  pendingKeys(): Promise<string[]>;
  read(key: string): Promise<Pending | undefined>;
  markSent(pending: Pending): Promise<void>;
}

export interface FlushOptions {
  queue: AnswerQueue;
  sink: AnswerSink;
  lease?: Lease;
  /** When to have stopped (ms since epoch): a function must finish before its time limit. */
  deadline: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Time between the starts of two requests: 210 ms keeps under 5 per second with a margin. */
  minIntervalMs?: number;
  rateLimitPauseMs?: number;
  /** The longest a write may take (airtable.js's request time-out): no write starts closer to the deadline. */
  requestBudgetMs?: number;
  maxBackoffMs?: number;
  onProgress?: (report: FlushReport) => void;
  /** Stops the flush between two writes (Ctrl-C on the command line), releasing the lease. */
  signal?: AbortSignal;
}

export type StopReason = "empty" | "deadline" | "lease" | "error" | "interrupted";

export interface FlushReport {
  written: number;
  requests: number;
  rateLimited: number;
  retries: number;
  stoppedBy: StopReason;
  error?: string;
  missingColumns: string[];
}


export async function flushAnswers(options: FlushOptions): Promise<FlushReport> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? wait;
  const minInterval = options.minIntervalMs ?? MIN_REQUEST_INTERVAL_MS;
  const pause = options.rateLimitPauseMs ?? RATE_LIMIT_PAUSE_MS;
  const budget = options.requestBudgetMs ?? REQUEST_TIMEOUT_MS;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const report: FlushReport = { written: 0, requests: 0, rateLimited: 0, retries: 0, stoppedBy: "empty", missingColumns: [] };
  const finish = (stoppedBy: StopReason, error?: string): FlushReport => {
    report.stoppedBy = stoppedBy;
    if (error) report.error = error;
    report.missingColumns = [...options.sink.missingColumns];
    return report;
  };
  const fits = (ms: number) => now() + ms + budget <= options.deadline;

  if (options.lease && !(await options.lease.acquire())) return finish("lease");
  let lastStart = -Infinity;
  try {
    let keys = await options.queue.pendingKeys();
    // Reading the next batch while the current one is written keeps the pace at Airtable's limit.
    let next = readBatch(options.queue, keys.splice(0, MAX_RECORDS_PER_WRITE));
    for (;;) {
      const batch = await next;
      if (options.signal?.aborted) return finish("interrupted");
      if (batch.length === 0) {
        // Keys listed but gone (flushed elsewhere, or a listing behind the reads): list again, calmly.
        if (!fits(minInterval)) return finish("deadline");
        await sleep(minInterval);
        keys = await options.queue.pendingKeys();
        if (keys.length === 0) return finish("empty");
        next = readBatch(options.queue, keys.splice(0, MAX_RECORDS_PER_WRITE));
        continue;
      }
      for (let attempt = 0; ; attempt++) {
        const gap = Math.max(0, lastStart + minInterval - now());
        if (!fits(gap)) return finish("deadline");
        if (gap > 0) await sleep(gap);
        lastStart = now();
        report.requests += 1;
        try {
          await options.sink.write(batch.map((p) => p.answer));
          break;
        } catch (error) {
          if (error instanceof WriteAgain) continue; // at the next request slot
          // The same policy as every Airtable client here; the deadline, not a count, bounds the attempts.
          const next = afterFailure(error, attempt + 1, { ...DEFAULT_RETRY, attempts: Infinity, rateLimitPauseMs: pause, maxBackoffMs: maxBackoff });
          const { failure } = next;
          if (!next.retry) return finish("error", `${failure.type ?? failure.status ?? ""} ${failure.message}`.trim());
          if (failure.kind === "rate-limited") report.rateLimited += 1;
          else report.retries += 1;
          if (!fits(next.delayMs)) return finish("deadline");
          // Six failures in a row back off for ~31 s, a 429 pauses 30 s: keep the lease through
          // the wait, or another flusher would take it (LEASE_TTL_MS is 60 s) and write the same batch.
          if (options.lease && !(await options.lease.renew())) return finish("lease");
          await sleep(next.delayMs);
        }
      }
      next = readBatch(options.queue, keys.splice(0, MAX_RECORDS_PER_WRITE));
      await Promise.all(batch.map((pending) => options.queue.markSent(pending)));
      report.written += batch.length;
      options.onProgress?.(report);
      if (options.lease && !(await options.lease.renew())) return finish("lease");
    }
  } finally {
    await options.lease?.release();
  }
}

function readBatch(queue: AnswerQueue, keys: string[]): Promise<Pending[]> {
  const batch = Promise.all(keys.map((key) => queue.read(key))).then((read) =>
    // A key gone meanwhile was flushed by someone else: nothing to do for it.
    read.filter((p): p is Pending => p !== undefined),
  );
  // Read ahead; if the flush stops before using it, its failure must not go unhandled.
  batch.catch(() => undefined);
  return batch;
}
