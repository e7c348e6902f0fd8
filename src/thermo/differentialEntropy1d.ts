import type { Exact1dProcess } from '../fields/exact1d.ts';
import { type Expectation1dOptions, expectation1d } from './expectation1d.ts';

/**
 * Differential (Shannon) entropy of the exact 1-D marginal, H(t) = -int P_t(x) ln P_t(x) dx,
 * by adaptive quadrature (see {@link expectation1d} for the integration range). Its time
 * derivative is the system entropy production rate of the paper's Eq. 38.
 *
 * @throws NumericalError if the quadrature fails.
 */
export function differentialEntropy1d(process: Exact1dProcess, t: number, opts: Expectation1dOptions = {}): number {
  return expectation1d(process, t, (_x, p) => -Math.log(p), opts);
}
