/**
 * One-dimensional W_p between two distributions given by their quantile functions:
 *   W_p^p = int_0^1 |Q_mu(t) - Q_nu(t)|^p dt
 * by adaptive Gauss-Kronrod quadrature (the end points t = 0, 1, where quantiles may be infinite,
 * are never evaluated).
 */
import { InputError, NumericalError } from '../core/errors.ts';
import { quad } from '../core/quadrature.ts';

/**
 * W_p from quantile functions (W_p, not W_p^p).
 * @param qMu, qNu quantile functions on (0, 1) (non-decreasing).
 * @param p exponent >= 1 (default 2).
 * @param opts.tol relative tolerance of the quadrature on W_p^p (default 1e-10).
 * @returns the distance and the quadrature's error estimate on W_p^p.
 * @throws InputError for p < 1; NumericalError when the integrand is not finite or the quadrature
 *   does not reach the tolerance.
 */
export function wassersteinQuantile(
  qMu: (t: number) => number,
  qNu: (t: number) => number,
  p = 2,
  opts: { tol?: number; maxEval?: number } = {},
): { distance: number; powerErrorEstimate: number } {
  if (!(p >= 1) || !Number.isFinite(p)) throw new InputError(`expected p >= 1, got ${p}`, 'wassersteinQuantile');
  const f = (t: number) => {
    const d = Math.abs(qMu(t) - qNu(t));
    if (!Number.isFinite(d)) throw new NumericalError(`quantile difference not finite at t = ${t}`);
    return p === 2 ? d * d : d ** p;
  };
  const r = quad(f, 0, 1, { tol: opts.tol ?? 1e-10, maxEval: opts.maxEval ?? 200000, breakpoints: [1e-8, 0.5, 1 - 1e-8] });
  if (!r.converged) {
    throw new NumericalError(`quantile W_p integral did not converge (value ${r.value}, error estimate ${r.errorEstimate})`);
  }
  return { distance: r.value ** (1 / p), powerErrorEstimate: r.errorEstimate };
}
