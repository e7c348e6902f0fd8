import { quad } from '../core/quadrature.ts';
import type { Exact1dProcess } from '../fields/exact1d.ts';

/**
 * W2(P_s, P_t) between two marginals of an exact 1-D process by the quantile formula
 * W2^2 = int_0^1 (Q_s(u) - Q_t(u))^2 du (the monotone coupling is optimal in 1-D), integrated
 * adaptively over [tailMass, 1 - tailMass].
 *
 * @param opts.tailMass probability left out in each tail @default 1e-12
 * @param opts.tol quadrature tolerance @default 1e-12
 */
export function wasserstein2Quantile1d(
  process: Exact1dProcess,
  s: number,
  t: number,
  opts: { tailMass?: number; tol?: number } = {},
): number {
  const eps = opts.tailMass ?? 1e-12;
  const r = quad((u) => (process.quantile(s, u) - process.quantile(t, u)) ** 2, eps, 1 - eps, {
    tol: opts.tol ?? 1e-12,
    maxEval: 20000,
  });
  return Math.sqrt(Math.max(r.value, 0));
}
