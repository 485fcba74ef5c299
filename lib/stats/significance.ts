// The statistics behind the verdicts, in closed form (no dependency for three formulas):
//   Wilson's interval for a share (right at small counts and near 0 %, unlike p ± 1.96·se);
//   the two-proportion z-test between two variants' conversions;
//   the visits per variant a test needs to tell an observed difference apart (80 % power).
export const Z_95 = 1.959964; // two-sided 95 %
export const Z_POWER_80 = 0.841621;

/** Wilson's 95 % interval for `count` out of `total`, as fractions; undefined when total is 0. */
export function wilson(count: number, total: number, z = Z_95): { low: number; high: number } | undefined {
  if (total <= 0) return undefined;
  const p = count / total;
  const z2 = z * z;
  const centre = (p + z2 / (2 * total)) / (1 + z2 / total);
  const half = (z / (1 + z2 / total)) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** The z statistic of the difference a − b between two proportions (pooled); 0 when undefined. */
export function twoProportionZ(a: { count: number; total: number }, b: { count: number; total: number }): number {
  if (a.total <= 0 || b.total <= 0) return 0;
  const pa = a.count / a.total;
  const pb = b.count / b.total;
  const pooled = (a.count + b.count) / (a.total + b.total);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.total + 1 / b.total));
  return se === 0 ? 0 : (pa - pb) / se;
}

/**
 * Visits per variant needed to detect a difference between rates p1 and p2 (two-sided 95 %,
 * power 80 %); undefined when they are equal (no difference to detect).
 */
export function visitsNeeded(p1: number, p2: number): number | undefined {
  if (p1 === p2) return undefined;
  const mean = (p1 + p2) / 2;
  const root = Z_95 * Math.sqrt(2 * mean * (1 - mean)) + Z_POWER_80 * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / ((p1 - p2) * (p1 - p2)));
}
