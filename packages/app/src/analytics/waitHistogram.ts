// Time to reach a person, kept per rollup as counts in fixed buckets so rollups merge by adding and any
// period's p50/p90 comes from the merged counts. Bucket i holds waits up to BOUNDS_MS[i]; the last, longer.

export const WAIT_BOUNDS_MS: readonly number[] = [
  5_000, 10_000, 15_000, 20_000, 30_000, 45_000, 60_000, 90_000, 120_000, 180_000, 300_000, 600_000, 1_200_000,
];

export function emptyWaitHistogram(): number[] {
  return new Array<number>(WAIT_BOUNDS_MS.length + 1).fill(0);
}

export function waitBucket(ms: number): number {
  const i = WAIT_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? WAIT_BOUNDS_MS.length : i;
}

/** Adds `b` into `a` (both the same length; a shorter one is padded). */
export function addHistograms(a: number[], b: readonly number[]): number[] {
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + b[i];
  return a;
}

/**
 * The p-th percentile (0-100) of the waits counted, as the upper bound of the bucket it falls in (nearest
 * rank), in ms; undefined when nothing was counted; the open last bucket reports its lower bound.
 */
export function histogramPercentile(counts: readonly number[], p: number): number | undefined {
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return WAIT_BOUNDS_MS[Math.min(i, WAIT_BOUNDS_MS.length - 1)];
  }
  return WAIT_BOUNDS_MS[WAIT_BOUNDS_MS.length - 1];
}
