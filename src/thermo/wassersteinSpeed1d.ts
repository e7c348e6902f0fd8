import type { Exact1dProcess } from '../fields/exact1d.ts';
import { type Expectation1dOptions, expectation1d } from './expectation1d.ts';
import { wasserstein2Quantile1d } from './wasserstein2Quantile1d.ts';

/** v2(t) computed two independent ways. */
export interface WassersteinSpeed1d {
  t: number;
  /** v2 = sqrt(int nu_t^2 P_t dx): in 1-D every velocity field is a gradient, so this is Eq. 66. */
  fromVelocity: number;
  /** v2 = W2(P_{t-h}, P_{t+h}) / (2h) from the quantile formula (the definition, Eq. 66). */
  fromQuantiles: number;
}

/**
 * Wasserstein speed v2(t) of the exact 1-D process (Eq. 66), from the velocity integral and,
 * independently, from the quantile functions: W2(P_{t-h}, P_{t+h}) / (2h) with
 * W2^2 = int_0^1 (Q_{t+h}(u) - Q_{t-h}(u))^2 du (error O(h^2), plus quantile round-off / h). The second method uses only the
 * marginals, never the velocity.
 *
 * @param opts.h half-width of the time stencil (shifted inside [0, tau] near the ends)
 *   @default 1e-4 * tau
 */
export function wassersteinSpeed1d(
  process: Exact1dProcess,
  t: number,
  opts: Expectation1dOptions & { h?: number } = {},
): WassersteinSpeed1d {
  const fromVelocity = Math.sqrt(expectation1d(process, t, (x) => process.velocity(t, x) ** 2, opts));
  const h = opts.h ?? 1e-4 * process.tau;
  const c = Math.min(Math.max(t, h), process.tau - h);
  const fromQuantiles = wasserstein2Quantile1d(process, c - h, c + h) / (2 * h);
  return { t, fromVelocity, fromQuantiles };
}
