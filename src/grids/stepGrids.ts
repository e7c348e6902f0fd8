/**
 * Standard step grids tau = t_0 > t_1 > ... > t_K = 0 for the probability-flow ODE at K steps:
 * - `uniform`: t_k = tau (1 - k/K);
 * - `edm`: Karras et al. (2022, Eq. 5) in the noise-to-signal ratio lambda = sigma/m:
 *   lambda_i = (lambdaMax^(1/rho) + i/(K-1) (lambdaMin^(1/rho) - lambdaMax^(1/rho)))^rho, i < K, then 0;
 * - `logsnr`: uniform in log-SNR = -2 ln lambda between lambdaMax and lambdaMin (DPM-Solver's
 *   `logSNR` skip type), then 0;
 * - `equal-length`: equal thermodynamic length per step, t_k = t(s_k) with s_k uniform on the
 *   constant-speed clock (a {@link TimeChange}).
 * lambdaMax is clipped to lambda(tau) (infinite where m_tau = 0); the first time is always tau (the
 * start of the reverse process) and the last 0. EDM's defaults lambdaMin = 0.002, lambdaMax = 80,
 * rho = 7 are the image-model settings; they are kept as they are so that the comparison is with EDM's
 * grid as practitioners use it.
 */
import { InputError } from '../core/errors.ts';
import type { Schedule } from '../schedules/schedule.ts';
import type { TimeChange } from '../schedules/timeChange.ts';

/** The standard grids, in report order. */
export const STANDARD_GRIDS = ['uniform', 'edm', 'logsnr', 'equal-length'] as const;
export type StandardGridName = (typeof STANDARD_GRIDS)[number];

/** Options of {@link standardGrid}. */
export interface StandardGridOptions {
  tau: number;
  /** Number of steps K >= 1. */
  steps: number;
  /** Needed by `edm` and `logsnr`. */
  schedule?: Schedule;
  /** Needed by `equal-length`. */
  timeChange?: TimeChange;
  /** @default 7 */
  rho?: number;
  /** @default 0.002 */
  lambdaMin?: number;
  /** @default 80 */
  lambdaMax?: number;
}

/** Smallest t with sigma_t / m_t >= target (lambda is non-decreasing: T_t >= 0, Eq. 24), by bisection. */
function timeOfLambda(s: Schedule, target: number): number {
  const lam = (t: number) => {
    const m = s.m(t);
    return m > 0 ? s.sigma(t) / m : Infinity;
  };
  let lo = 0;
  let hi = s.tau;
  if (lam(hi) <= target) return hi;
  for (let it = 0; it < 200 && hi - lo > 1e-15 * s.tau; it++) {
    const mid = 0.5 * (lo + hi);
    if (lam(mid) < target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * One standard grid (see the module comment), descending from tau to 0 with K + 1 entries.
 * @throws InputError for K < 1, a missing schedule or time change, rho <= 0, or
 *   0 < lambdaMin < lambdaMax violated after clipping to the schedule's range.
 */
export function standardGrid(name: StandardGridName, opts: StandardGridOptions): Float64Array {
  const { tau, steps: K } = opts;
  if (!(Number.isInteger(K) && K >= 1)) throw new InputError(`expected an integer number of steps >= 1, got ${K}`, `grid ${name}`);
  const g = new Float64Array(K + 1);
  if (name === 'uniform') {
    for (let k = 0; k <= K; k++) g[k] = tau * (1 - k / K);
  } else if (name === 'equal-length') {
    const tc = opts.timeChange;
    if (!tc) throw new InputError('the equal-length grid needs the thermodynamic length of the path', `grid ${name}`);
    for (let k = 0; k <= K; k++) g[k] = tc.timeAt(tau * (1 - k / K));
  } else if (name === 'edm' || name === 'logsnr') {
    const s = opts.schedule;
    if (!s) throw new InputError('needs an (m, sigma) schedule (not available for the OT protocol)', `grid ${name}`);
    const rho = opts.rho ?? 7;
    if (!(rho > 0 && Number.isFinite(rho))) throw new InputError(`expected rho > 0, got ${rho}`, `grid ${name}.rho`);
    const mTau = s.m(tau);
    const lamTau = mTau > 0 ? s.sigma(tau) / mTau : Infinity;
    const lMax = Math.min(opts.lambdaMax ?? 80, lamTau);
    const lMin = opts.lambdaMin ?? 0.002;
    if (!(lMin > 0 && lMin < lMax)) {
      throw new InputError(`expected 0 < lambdaMin < lambdaMax (lambdaMax clipped to sigma/m at tau = ${lamTau}), got ${lMin}, ${lMax}`, `grid ${name}`);
    }
    for (let i = 0; i < K; i++) {
      const f = K === 1 ? 0 : i / (K - 1);
      const lam = name === 'edm' ? (lMax ** (1 / rho) + f * (lMin ** (1 / rho) - lMax ** (1 / rho))) ** rho : Math.exp(Math.log(lMax) + f * (Math.log(lMin) - Math.log(lMax)));
      g[i] = timeOfLambda(s, lam);
    }
    g[K] = 0;
  } else {
    throw new InputError(`unknown grid ${JSON.stringify(name)}, expected one of ${STANDARD_GRIDS.join(', ')}`, 'grid');
  }
  g[0] = tau;
  g[K] = 0;
  return g;
}
