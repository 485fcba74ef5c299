// A virtual clock for tests. Time stands still until something sleeps on the clock: then it jumps
// to the earliest wake-up, so Airtable's 1 s window or 30 s lockout cost no real time and no result
// depends on how busy the machine is. Pass `now` and `sleep` to whatever waits (flushAnswers, a
// lease, FakeAirtable): they then share one time line, on which an HTTP request takes no time at
// all, so FakeAirtable stamps a request with the virtual time its sender let it go.
//
// Real work (HTTP, Blobs, disk) still takes real time, and the clock cannot see it: it is
// deterministic as long as, whenever it jumps, every task that uses it is asleep on it or only reads
// now(). That holds for one flusher at a time (and for flushers that only read now() to check a
// lease); two tasks sleeping on the clock while one of them also waits for real I/O would not be.

interface Sleeper {
  at: number;
  seq: number;
  wake: () => void;
}

export interface VirtualClockOptions {
  /** The time now() starts at, in ms. Default 2026-01-01T00:00:00Z: any fixed instant would do. */
  start?: number;
  /**
   * Default true: a sleep is woken on its own, the clock jumping to it once the current turn of the
   * event loop is over. False: only advance() moves time, for a test that must look at a sleeper
   * (the fake's slow reply) before it wakes.
   */
  auto?: boolean;
}

/** A macrotask: whatever a woken sleeper does next without real I/O (such as sleeping again) is done. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class VirtualClock {
  #now: number;
  readonly #auto: boolean;
  #sleepers: Sleeper[] = [];
  #seq = 0;
  #draining = false;
  #watchers: Array<{ count: number; resolve: () => void }> = [];

  constructor(options: VirtualClockOptions = {}) {
    this.#now = options.start ?? Date.UTC(2026, 0, 1);
    this.#auto = options.auto ?? true;
  }

  /** The virtual time, in ms. A bound function: pass it as is (`now: clock.now`). */
  readonly now = (): number => this.#now;

  /**
   * Resolves once virtual time has moved ms forward. Sleepers wake in the order of their wake-up
   * times (in the order they fell asleep, for equal times), each seeing now() at its wake-up time.
   */
  readonly sleep = (ms: number): Promise<void> => {
    if (!(ms >= 0)) return Promise.reject(new RangeError(`VirtualClock: cannot sleep ${ms} ms`));
    return new Promise((wake) => {
      this.#sleepers.push({ at: this.#now + ms, seq: this.#seq++, wake });
      this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      for (const watcher of this.#watchers.filter((w) => this.#sleepers.length >= w.count)) {
        this.#watchers.splice(this.#watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
      if (this.#auto) void this.#drain();
    });
  };

  /** The wake-up times of the sleepers, earliest first. */
  get sleepers(): number[] {
    return this.#sleepers.map((s) => s.at);
  }

  /** Resolves once at least `count` sleepers are waiting (with auto: false, for a test to look at them). */
  untilSleeping(count = 1): Promise<void> {
    if (this.#sleepers.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.push({ count, resolve }));
  }

  /** Moves time ms forward, waking the sleepers due one by one, in order; with auto: false, the only way time moves. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`VirtualClock: cannot advance ${ms} ms`);
    const target = this.#now + ms;
    for (let next = this.#sleepers[0]; next && next.at <= target; next = this.#sleepers[0]) {
      this.#wake(next);
      await nextTurn();
    }
    this.#now = target;
  }

  #wake(sleeper: Sleeper): void {
    this.#sleepers.shift();
    this.#now = Math.max(this.#now, sleeper.at);
    sleeper.wake();
  }

  /** auto: jumps to the earliest wake-up after the current turn, until nobody sleeps. */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      await nextTurn();
      for (let next = this.#sleepers[0]; next; next = this.#sleepers[0]) {
        this.#wake(next);
        await nextTurn();
      }
    } finally {
      this.#draining = false;
    }
  }
}
