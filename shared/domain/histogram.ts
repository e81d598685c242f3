/**
 * Durations kept as histograms of whole seconds, `[seconds, count, seconds, count, …]` ascending: what the day
 * summaries of the reports store (report-summary.ts, report-people.ts) so that a period's figures are sums.
 */
export type Histogram = number[];

export function toHistogram(m: ReadonlyMap<number, number>): Histogram {
  const out: number[] = [];
  for (const k of [...m.keys()].sort((a, b) => a - b)) out.push(k, m.get(k)!);
  return out;
}

/** Two histograms as one, in one pass over both (they are ascending). */
export function mergeHistograms(a: Histogram | undefined, b: Histogram | undefined): Histogram {
  if (!a || a.length === 0) return b ? [...b] : [];
  if (!b || b.length === 0) return [...a];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) {
      out.push(a[i]!, a[i + 1]!);
      i += 2;
    } else if (i >= a.length || b[j]! < a[i]!) {
      out.push(b[j]!, b[j + 1]!);
      j += 2;
    } else {
      out.push(a[i]!, a[i + 1]! + b[j + 1]!);
      i += 2;
      j += 2;
    }
  }
  return out;
}

export function histogramTotal(h: Histogram | undefined): number {
  let n = 0;
  if (!h) return 0;
  for (let i = 1; i < h.length; i += 2) n += h[i]!;
  return n;
}

/** Nearest-rank percentile of a histogram of whole seconds, in ms. */
export function histogramPercentile(h: Histogram, total: number, q: number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < h.length; i += 2) {
    seen += h[i + 1]!;
    if (seen >= rank) return h[i]! * 1000;
  }
  return h[h.length - 2]! * 1000;
}

/** How many of a histogram's durations are within `sec` seconds. */
export function histogramWithin(h: Histogram | undefined, sec: number): number {
  let n = 0;
  if (!h) return 0;
  for (let i = 0; i < h.length && h[i]! <= sec; i += 2) n += h[i + 1]!;
  return n;
}

/** A duration in the summaries' resolution: whole seconds, rounded up. */
export const wholeSeconds = (ms: number): number => Math.ceil(ms / 1000);

/** Adds one duration (ms) to a map of whole seconds → count. */
export function count(m: Map<number, number>, ms: number): void {
  const sec = wholeSeconds(ms);
  m.set(sec, (m.get(sec) ?? 0) + 1);
}
