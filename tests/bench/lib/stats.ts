/** The small statistics every benchmark reports its figures with. */

export const round1 = (v: number) => Math.round(v * 10) / 10;
export const round2 = (v: number) => Math.round(v * 100) / 100;

/** Nearest-rank percentile (p in 0..100) of an ascending array; NaN (null in JSON) when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The values in ascending order, without NaN and infinities. */
export function ascending(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
}

export function median(values: readonly number[]): number {
  return percentile(ascending(values), 50);
}

/** Median of `runs` timed calls of `fn`, in ms to a tenth. */
export async function medianTime(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return round1(median(ms));
}
