import { NumericalError } from '../core/errors.ts';
import { quad } from '../core/quadrature.ts';
import type { Exact1dProcess } from '../fields/exact1d.ts';
import { differentialEntropy1d } from './differentialEntropy1d.ts';
import { type Expectation1dOptions, expectation1d } from './expectation1d.ts';

/**
 * Force and temperature of a 1-D Fokker-Planck process dx = f_t(x) dt + sqrt(2 T_t) dB (Eq. 2).
 * For an (m, sigma) schedule use {@link scheduleForce1d}.
 */
export interface ForceTemperature1d {
  /** f_t(x) */
  force(t: number, x: number): number;
  /** T_t >= 0 */
  temperature(t: number): number;
}

/** Entropy production rates at one time (all in units k_B = 1, per unit time). */
export interface EntropyProductionRate {
  t: number;
  /** T_t */
  temperature: number;
  /** S_dot_tot = (1/T) int nu^2 P dx (Eq. 36). */
  total: number;
  /** S_dot_sys = d/dt (-int P ln P) (Eq. 38), by a central finite difference of the entropy. */
  system: number;
  /** S_dot_bath = (1/T) int f nu P dx (Eq. 39). */
  bath: number;
  /** T_t S_dot_tot = int nu^2 P dx; equals v2(t)^2 for a conservative force (always in 1-D). */
  tTimesTotal: number;
  /** total - (system + bath): zero up to quadrature and finite-difference error (Eq. 37). */
  identityResidual: number;
}

/** Options for {@link entropyProductionRate}. */
export interface EntropyProductionOptions extends Expectation1dOptions {
  /**
   * Step h of the central difference (H(t+h) - H(t-h)) / (2h) for the system part; the error is
   * O(h^2) plus quadrature noise / h. Near the ends of [0, tau] the stencil is shifted inside.
   * @default 1e-4 * tau
   */
  fdStep?: number;
}

/**
 * Entropy production rate of the exact 1-D process at time t, with its system and bath parts
 * (paper Eqs. 36-39). The three parts are computed from different ingredients: the total from the
 * velocity nu alone, the bath part from f and nu, the system part from the density alone (finite
 * difference of the differential entropy), so `identityResidual` is an independent check of
 * S_dot_tot = S_dot_sys + S_dot_bath (Eq. 37).
 *
 * @param process exact marginals and velocity nu_t = f_t - T_t d/dx ln P_t
 * @param coeffs  force f_t and temperature T_t that generate `process`
 * @throws NumericalError if T_t <= 0 (the total rate is then undefined; start at t > 0) or a
 *   quadrature fails.
 */
export function entropyProductionRate(
  process: Exact1dProcess,
  coeffs: ForceTemperature1d,
  t: number,
  opts: EntropyProductionOptions = {},
): EntropyProductionRate {
  const temp = coeffs.temperature(t);
  if (!(temp > 0) || !Number.isFinite(temp)) {
    throw new NumericalError(
      `entropyProductionRate: temperature must be finite and > 0, got T=${temp} at t=${t} (the rate (1/T) int nu^2 P is undefined there; use a time inside (0, tau))`,
    );
  }
  const nuSq = expectation1d(process, t, (x) => process.velocity(t, x) ** 2, opts);
  const fNu = expectation1d(process, t, (x) => coeffs.force(t, x) * process.velocity(t, x), opts);
  const h = opts.fdStep ?? 1e-4 * process.tau;
  // keep the stencil inside [0, tau]
  const c = Math.min(Math.max(t, h), process.tau - h);
  const system =
    (differentialEntropy1d(process, c + h, opts) - differentialEntropy1d(process, c - h, opts)) / (2 * h);
  const total = nuSq / temp;
  const bath = fNu / temp;
  return { t, temperature: temp, total, system, bath, tTimesTotal: nuSq, identityResidual: total - (system + bath) };
}

/** Integrated entropy production over [t0, t1] (Eq. 40) and its parts. */
export interface EntropyProductionIntegral {
  t0: number;
  t1: number;
  /** int_{t0}^{t1} S_dot_tot dt */
  total: number;
  /** H(t1) - H(t0): the exact integral of Eq. 38, no finite difference. */
  system: number;
  /** int_{t0}^{t1} S_dot_bath dt */
  bath: number;
  /** int_{t0}^{t1} T S_dot_tot dt (the paper's w_D over this window) */
  tTimesTotal: number;
  /** total - (system + bath) */
  identityResidual: number;
}

/**
 * Integrate the entropy production of the exact 1-D process over [t0, t1] (Eq. 40) by nested
 * adaptive quadrature (time outside, space inside), with the system part as the entropy
 * difference H(t1) - H(t0), so that S_tot = S_sys + S_bath (Eq. 37) is checked in integrated form
 * with no finite differences.
 *
 * @throws NumericalError if T_t <= 0 inside (t0, t1) or a quadrature fails.
 */
export function entropyProductionIntegral(
  process: Exact1dProcess,
  coeffs: ForceTemperature1d,
  t0: number,
  t1: number,
  opts: Expectation1dOptions & { timeTol?: number } = {},
): EntropyProductionIntegral {
  const rate = (t: number, withForce: boolean): number => {
    const temp = coeffs.temperature(t);
    if (!(temp > 0) || !Number.isFinite(temp)) {
      throw new NumericalError(`entropyProductionIntegral: temperature must be finite and > 0, got T=${temp} at t=${t}`);
    }
    const v = withForce
      ? expectation1d(process, t, (x) => coeffs.force(t, x) * process.velocity(t, x), opts)
      : expectation1d(process, t, (x) => process.velocity(t, x) ** 2, opts);
    return v / temp;
  };
  const timeOpts = { tol: opts.timeTol ?? 1e-9, maxEval: 4000 };
  const total = quad((t) => rate(t, false), t0, t1, timeOpts).value;
  const bath = quad((t) => rate(t, true), t0, t1, timeOpts).value;
  const tTimesTotal = quad((t) => expectation1d(process, t, (x) => process.velocity(t, x) ** 2, opts), t0, t1, timeOpts).value;
  const system = differentialEntropy1d(process, t1, opts) - differentialEntropy1d(process, t0, opts);
  return { t0, t1, total, system, bath, tTimesTotal, identityResidual: total - (system + bath) };
}
