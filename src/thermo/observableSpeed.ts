import { InputError } from '../core/errors.ts';
import type { Exact1dProcess } from '../fields/exact1d.ts';
import { type Expectation1dOptions, expectation1d } from './expectation1d.ts';

/** A scalar observable r(x) with its derivative r'(x). */
export interface Observable1d {
  name?: string;
  value(x: number): number;
  derivative(x: number): number;
}

/** Observable speed and the Wasserstein speed it is bounded by (Eqs. 71-74). */
export interface ObservableSpeed {
  t: number;
  /** d/dt E_{P_t}[r] by a central finite difference of the expectation (uses the marginals only). */
  dMean: number;
  /** d/dt E_{P_t}[r] = int r' nu P dx from the continuity equation (uses the velocity). */
  dMeanFlux: number;
  /** E_{P_t}[r'^2] */
  meanGradSq: number;
  /** v_r = |dMean| / sqrt(meanGradSq) (Eq. 74) */
  vr: number;
  /** v2 = sqrt(int nu^2 P dx) */
  v2: number;
}

/**
 * Observable speed v_r(t) = |d/dt E_{P_t} r| / sqrt(E_{P_t} |r'|^2) of a user observable r for an
 * exact 1-D process, with the Wasserstein speed v2(t) it never exceeds (v_r <= v2, Eqs. 71-74).
 * The rate d/dt E r is computed two independent ways: a central difference of E_{P_t} r in t
 * (step `h`, error O(h^2)), and int r' nu_t P_t dx (integration by parts of the continuity
 * equation). Equality v_r = v2 holds for the optimal observable r* with r*' = nu_t (Eqs. 75-76).
 *
 * @param opts.h finite-difference half-step in time @default 1e-4 * tau
 * @throws InputError if E |r'|^2 = 0 (a constant observable has no speed).
 */
export function observableSpeed(
  process: Exact1dProcess,
  r: Observable1d,
  t: number,
  opts: Expectation1dOptions & { h?: number } = {},
): ObservableSpeed {
  const h = opts.h ?? 1e-4 * process.tau;
  const c = Math.min(Math.max(t, h), process.tau - h);
  const meanAt = (s: number) => expectation1d(process, s, (x) => r.value(x), opts);
  const dMean = (meanAt(c + h) - meanAt(c - h)) / (2 * h);
  const dMeanFlux = expectation1d(process, t, (x) => r.derivative(x) * process.velocity(t, x), opts);
  const meanGradSq = expectation1d(process, t, (x) => r.derivative(x) ** 2, opts);
  if (!(meanGradSq > 0)) {
    throw new InputError(`expected an observable with E|r'|^2 > 0, got ${meanGradSq}`, `observable ${r.name ?? ''}`.trim());
  }
  const v2 = Math.sqrt(expectation1d(process, t, (x) => process.velocity(t, x) ** 2, opts));
  return { t, dMean, dMeanFlux, meanGradSq, vr: Math.abs(dMean) / Math.sqrt(meanGradSq), v2 };
}
