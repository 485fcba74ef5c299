// The counts, kept so that no increment is ever lost, however many functions count at once.
// Each event (or batch of events arriving together in one instance) is one new document
// (`jours/<day>/e/<time>-<random>`): a write that never touches another's, so no concurrent
// increment can overwrite one. A read adds them up. To keep reads short,
// a fold (`jours/<day>/f/<n>`) sums the day's documents and lists the keys it absorbed; a reader
// skips what the latest fold absorbed. Folds are numbered and created only if new, so two
// folders at once cannot both count the same events: the second one's fold n+1 already exists,
// and it gives up. A folder that dies before deleting what it absorbed leaves it skipped, not
// counted twice; the next fold carries those keys on until they are gone.
import { randomBytes } from "node:crypto";
import { addCounts, isCounts, type Counts } from "./counters.ts";
import { DAY, parisDay } from "./day.ts";
import type { KeyValueStore } from "./key-value.ts";

const ROOT = "jours/";
const EVENTS = "e/";
const FOLDS = "f/";

interface Fold {
  counts: Counts;
  /** Keys (events and earlier folds) whose counts are in `counts`. */
  absorbs: string[];
}

const isFold = (value: unknown): value is Fold =>
  typeof value === "object" &&
  value !== null &&
  isCounts((value as Fold).counts) &&
  Array.isArray((value as Fold).absorbs) &&
  (value as Fold).absorbs.every((key) => typeof key === "string");

const foldNumber = (key: string) => Number(key.slice(key.lastIndexOf("/") + 1));
const foldKey = (day: string, n: number) => `${ROOT}${day}/${FOLDS}${String(n).padStart(8, "0")}`;

export interface LedgerOptions {
  now?: () => number;
  /** How many documents are read at once. */
  concurrency?: number;
  /** How many writes may be in flight at once; events arriving meanwhile wait and share the next one. */
  maxWrites?: number;
}

/** Events of one day waiting for the same write, and who waits for it. */
interface Batch {
  counts: Counts;
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/** A day's state: what it adds up to, and what a fold would absorb. */
interface DayState {
  counts: Counts;
  latestFold?: { key: string; fold: Fold };
  /** Keys not absorbed by the latest fold (read and added to counts). */
  loose: string[];
  /** Keys the latest fold absorbed that still exist. */
  absorbedLeft: string[];
  /** Documents that were not counts (set aside in the report, never added). */
  unreadable: string[];
  /** Documents listed, then gone when read: a folder absorbed them meanwhile. */
  vanished: number;
}

/** How many times a read starts a day again when a folder raced it. */
const MAX_REREADS = 5;

export class CountLedger {
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly maxWrites: number;
  private readonly batches = new Map<string, Batch>();
  private writing = 0;
  private flushScheduled = false;

  constructor(
    readonly kv: KeyValueStore,
    options: LedgerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.concurrency = options.concurrency ?? 32;
    this.maxWrites = options.maxWrites ?? 8;
  }

  /**
   * Records one event's counts, on the day (in Paris) of `at`, and resolves once they are written.
   * Nothing is read. Events that arrive together share one new document (a group commit): under a
   * burst, a function instance writes a document per batch instead of per event, and each caller
   * still answers only after its own counts are stored.
   */
  add(counts: Counts, at = this.now()): Promise<void> {
    if (Object.keys(counts).length === 0) return Promise.resolve();
    const day = parisDay(at);
    return new Promise((resolve, reject) => {
      const batch = this.batches.get(day) ?? { counts: {}, waiters: [] };
      addCounts(batch.counts, counts);
      batch.waiters.push({ resolve, reject });
      this.batches.set(day, batch);
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.writing >= this.maxWrites || this.batches.size === 0) return;
    this.flushScheduled = true;
    // After the events of this turn of the loop have joined the batch.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batches = [...this.batches];
    this.batches.clear();
    this.writing += batches.length;
    await Promise.all(
      batches.map(async ([day, batch]) => {
        try {
          // Moves that cancel out (progress from one question to the next) may leave nothing to write.
          if (Object.keys(batch.counts).length > 0) {
            await this.kv.set(`${ROOT}${day}/${EVENTS}${this.now().toString(36)}-${randomBytes(8).toString("hex")}`, batch.counts);
          }
          for (const waiter of batch.waiters) waiter.resolve();
        } catch (error) {
          for (const waiter of batch.waiters) waiter.reject(error);
        } finally {
          this.writing--;
        }
      }),
    );
    this.scheduleFlush();
  }

  /** Every day's counts. */
  async read(): Promise<Map<string, Counts>> {
    const days = new Map<string, Counts>();
    for (const [day, keys] of await this.keysByDay()) days.set(day, (await this.settledDayState(day, keys)).counts);
    return days;
  }

  /**
   * Folds each day that has loose documents into a new fold, then deletes what it absorbed.
   * Safe to run anywhere, any number of times at once. Returns how many documents were folded.
   */
  async compact(options: { minLoose?: number } = {}): Promise<{ folded: number; days: number }> {
    let folded = 0;
    let days = 0;
    for (const [day, keys] of await this.keysByDay()) {
      const state = await this.settledDayState(day, keys);
      if (state.loose.length === 0 || state.loose.length < (options.minLoose ?? 1)) continue;
      const n = state.latestFold ? foldNumber(state.latestFold.key) + 1 : 1;
      const absorbs = [...(state.latestFold ? [state.latestFold.key] : []), ...state.absorbedLeft, ...state.loose];
      if (!(await this.kv.create(foldKey(day, n), { counts: state.counts, absorbs } satisfies Fold))) continue; // another folder was first
      folded += state.loose.length;
      days++;
      await this.pool(absorbs, (key) => this.kv.delete(key));
    }
    return { folded, days };
  }

  private async keysByDay(): Promise<Map<string, string[]>> {
    const byDay = new Map<string, string[]>();
    for (const key of await this.kv.list(ROOT)) {
      const day = key.slice(ROOT.length, ROOT.length + 10);
      if (!DAY.test(day)) continue;
      const list = byDay.get(day) ?? [];
      list.push(key);
      byDay.set(day, list);
    }
    return new Map([...byDay].sort(([a], [b]) => a.localeCompare(b)));
  }

  /**
   * A day's state from a consistent view: when documents vanish while they are read, a folder
   * absorbed them into a fold this read did not see; the day is listed and read again.
   */
  private async settledDayState(day: string, keys: string[]): Promise<DayState> {
    let state = await this.dayState(day, keys);
    for (let attempt = 0; state.vanished > 0 && attempt < MAX_REREADS; attempt++) {
      state = await this.dayState(day, await this.kv.list(`${ROOT}${day}/`));
    }
    return state;
  }

  private async dayState(day: string, keys: string[]): Promise<DayState> {
    const foldPrefix = `${ROOT}${day}/${FOLDS}`;
    const folds = keys.filter((key) => key.startsWith(foldPrefix)).sort((a, b) => foldNumber(b) - foldNumber(a));
    const unreadable: string[] = [];
    let latestFold: DayState["latestFold"];
    // The latest readable fold; a fold absorbs every earlier one.
    for (const key of folds) {
      const fold = await this.kv.get(key);
      if (isFold(fold)) {
        latestFold = { key, fold };
        break;
      }
      if (fold !== undefined) unreadable.push(key);
    }
    const absorbed = new Set(latestFold?.fold.absorbs ?? []);
    const counts: Counts = { ...(latestFold?.fold.counts ?? {}) };
    const eventPrefix = `${ROOT}${day}/${EVENTS}`;
    const loose: string[] = [];
    const absorbedLeft: string[] = [];
    const events = keys.filter((key) => key.startsWith(eventPrefix));
    for (const key of [...events, ...folds]) if (absorbed.has(key)) absorbedLeft.push(key);
    const toRead = events.filter((key) => !absorbed.has(key));
    let vanished = 0;
    await this.pool(toRead, async (key) => {
      const value = await this.kv.get(key);
      if (value === undefined) {
        vanished++; // deleted by a folder meanwhile: in a fold this read has not seen
        return;
      }
      if (!isCounts(value)) {
        unreadable.push(key);
        return;
      }
      addCounts(counts, value);
      loose.push(key);
    });
    return { counts, latestFold, loose, absorbedLeft, unreadable, vanished };
  }

  private async pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await work(items[next++] as T);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, items.length) }, worker));
  }
}
