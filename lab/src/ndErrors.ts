/**
 * The one place where the 2-D tab learns the estimator's error of each number (a thin adapter, so the
 * page follows the library when its n-D estimator starts reporting errors itself).
 *
 * - If the library's result carries `errors` (per-quantity error estimates, planned for the n-D
 *   estimator in issue 11), those are used as they are.
 * - Otherwise the random error is estimated by replicates: the same config with other engine seeds
 *   (other particle draws, same data), and the error of one run is the sample standard deviation of
 *   the replicates (the main run included). D0 does not depend on the particle seed in 2-D (grid
 *   quadrature); its error is shown as the gap to the library's independent Monte Carlo cross-check.
 * Replicates measure spread, not bias: the Gaussian case of the tab shows the bias against closed forms.
 */
import type { SpeedAccuracyNdResult } from '../../src/index.ts';
import { ND_KEYS, type NdErrors, type NdKey } from './ndProtocol.ts';

/** The library's own per-quantity errors, if this version of the library reports them. */
export function libraryErrors(r: SpeedAccuracyNdResult): NdErrors | null {
  const e = (r as unknown as { errors?: Record<string, unknown> }).errors;
  if (!e || typeof e !== 'object') return null;
  const values: Partial<Record<NdKey, number>> = {};
  for (const k of ND_KEYS) {
    const v = e[k];
    const num = typeof v === 'number' ? v : typeof v === 'object' && v !== null && typeof (v as { value?: unknown }).value === 'number' ? (v as { value: number }).value : undefined;
    if (num !== undefined && Number.isFinite(num)) values[k] = Math.abs(num);
  }
  return { values, method: "the library's error estimate" };
}

/** Pick the quantities of one run. */
export function quantities(r: SpeedAccuracyNdResult): Record<NdKey, number> {
  return { eta: r.eta, c1: r.c1, c2: r.c2, d0: r.d0, wD: r.wD, housekeeping: r.housekeeping, w1Start: r.w1Start, w1End: r.w1End };
}

/** Sample standard deviation (n - 1) of each quantity over the runs; D0 from the Monte Carlo cross-check. */
export function replicateErrors(main: SpeedAccuracyNdResult, runs: Record<NdKey, number>[]): NdErrors {
  const values: Partial<Record<NdKey, number>> = {};
  for (const k of ND_KEYS) {
    if (k === 'd0') continue;
    const xs = runs.map((q) => q[k]);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    values[k] = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  }
  values.d0 = Math.abs(main.d0 - main.d0MonteCarlo.value);
  return { values, method: `sd over ${runs.length} particle seeds`, replicates: runs };
}
