/** Mean, sample standard deviation and standard error of the mean of repeated measurements. */
export interface Stat {
  mean: number;
  /** Sample standard deviation (divisor k - 1); 0 for a single value. */
  std: number;
  /** std / sqrt(k). */
  sem: number;
}

/**
 * Mean, sample standard deviation (divisor k - 1) and standard error of k values.
 * A single value has std = sem = 0. An empty list gives NaN.
 */
export function sampleStat(values: readonly number[]): Stat {
  const k = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / k;
  const std = k > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1)) : 0;
  return { mean, std, sem: std / Math.sqrt(k) };
}
