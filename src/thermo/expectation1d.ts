import { quad } from '../core/quadrature.ts';
import { NumericalError } from '../core/errors.ts';
import type { Exact1dProcess } from '../fields/exact1d.ts';

/** Options shared by the 1-D quadrature diagnostics. */
export interface Expectation1dOptions {
  /**
   * Probability mass left out in each tail: the x-integral runs over
   * [quantile(t, tailMass), quantile(t, 1 - tailMass)].
   * @default 1e-14
   */
  tailMass?: number;
  /** Tolerance passed to the adaptive Gauss-Kronrod rule. @default 1e-11 */
  tol?: number;
  /** Absolute tolerance (for integrals near 0). @default 1e-13 */
  absTol?: number;
  /** Maximum number of integrand evaluations per integral. @default 20000 */
  maxEval?: number;
}

/**
 * Expectation E_{P_t}[g] = int g(x) P_t(x) dx of a function under the exact 1-D marginal P_t,
 * by adaptive Gauss-Kronrod quadrature over the interval between the `tailMass` and
 * `1 - tailMass` quantiles of P_t (the neglected tails hold 2 * tailMass of probability, so for
 * an integrand growing at most polynomially the truncation error is of that order).
 *
 * `g` receives x and the density P_t(x) (already evaluated, so integrands such as -ln P cost
 * nothing extra).
 *
 * @throws NumericalError if the integral is not finite.
 */
export function expectation1d(
  process: Exact1dProcess,
  t: number,
  g: (x: number, density: number) => number,
  opts: Expectation1dOptions = {},
): number {
  const tailMass = opts.tailMass ?? 1e-14;
  const lo = process.quantile(t, tailMass);
  const hi = process.quantile(t, 1 - tailMass);
  const r = quad(
    (x) => {
      const p = process.density(t, x);
      return p > 0 ? g(x, p) * p : 0;
    },
    lo,
    hi,
    { tol: opts.tol ?? 1e-11, absTol: opts.absTol ?? 1e-13, maxEval: opts.maxEval ?? 20000 },
  );
  if (!Number.isFinite(r.value)) {
    throw new NumericalError(`expectation1d: non-finite integral at t=${t} over [${lo}, ${hi}]`);
  }
  return r.value;
}
