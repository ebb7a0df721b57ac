/**
 * Trends and anomalies in the history of runs: a run's throughput or error rate is an anomaly
 * when it lies more than `k` median absolute deviations from the median of the runs before it
 * (robust to the odd outlier in the window, unlike a mean and standard deviation).
 */

export interface Deviation {
  median: number;
  mad: number;
  /** How many MADs the value lies from the median (Infinity when the MAD is 0 and it differs). */
  score: number;
  anomaly: boolean;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * How far `value` lies from `history`. Fewer than `minHistory` earlier values: never an
 * anomaly. A MAD of 0 (identical history) flags any value that differs by more than 1 % of
 * the median (or by anything, around 0).
 */
export function deviation(value: number, history: readonly number[], k = 3, minHistory = 5): Deviation {
  const m = median(history);
  const mad = median(history.map((v) => Math.abs(v - m)));
  if (history.length < minHistory || !Number.isFinite(value)) return { median: m, mad, score: 0, anomaly: false };
  const diff = Math.abs(value - m);
  if (mad === 0) {
    const tolerance = Math.abs(m) * 0.01;
    const anomaly = diff > tolerance;
    return { median: m, mad, score: anomaly ? Infinity : 0, anomaly };
  }
  const score = diff / mad;
  return { median: m, mad, score, anomaly: score > k };
}

/** For values in time order: each one's deviation from the `window` values before it. */
export function anomalies(values: readonly number[], window = 10, k = 3, minHistory = 5): Deviation[] {
  return values.map((v, i) => deviation(v, values.slice(Math.max(0, i - window), i), k, minHistory));
}
