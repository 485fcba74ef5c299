// Shared by the benches: load with a bounded number of requests in flight.

/** Runs `work` over the items with at most `concurrency` in flight; returns the elapsed ms. */
export async function burst<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
  return performance.now() - started;
}
