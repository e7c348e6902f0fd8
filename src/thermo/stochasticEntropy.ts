import type { Rng } from '../core/rng.ts';
import { assertInteger } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';
import type { Exact1dProcess } from '../fields/exact1d.ts';
import type { ForceTemperature1d } from './entropyProduction.ts';
import type { AffineTransition } from './scheduleTransition1d.ts';

/** Options for {@link stochasticEntropy}. */
export interface StochasticEntropyOptions {
  /** number of trajectories */
  n: number;
  /** time steps on [t0, t1] (uniform grid) */
  steps: number;
  /** start of the window; must have T_t0 > 0 */
  t0: number;
  /** end of the window; choose it where T and f are bounded (e.g. 0.9 tau for cosine / cond-OT) */
  t1: number;
  rng: Rng;
  /**
   * Exact Gaussian transition of a linear SDE, x_t = scale x_s + noiseStd z with z ~ N(0,1) and
   * (scale, noiseStd) = transition(s, t), e.g. `scheduleTransition1d(schedule)`. When absent the SDE is stepped with Euler-Maruyama
   * (drift at the left point, noise variance 2 T(t_mid) dt; weak order 1), so the results carry
   * an O(dt) bias.
   */
  transition?: (s: number, t: number) => AffineTransition;
}

/** Per-trajectory stochastic entropy production and its summary statistics. */
export interface StochasticEntropyResult {
  t0: number;
  t1: number;
  n: number;
  steps: number;
  /** s_tot = s_sys + s_bath per trajectory */
  sTot: Float64Array;
  /** s_sys = -ln P_t1(x_t1) + ln P_t0(x_t0) */
  sSys: Float64Array;
  /** s_bath = int (1/T_t) f_t(x_t) o dx_t (Stratonovich, midpoint rule) */
  sBath: Float64Array;
  /** sample mean and standard error of s_tot, s_sys, s_bath */
  mean: { tot: number; sys: number; bath: number };
  se: { tot: number; sys: number; bath: number };
  /** integral fluctuation theorem E[exp(-s_tot)] (= 1 in theory, Eq. 50) */
  ift: {
    value: number;
    /** sample standard deviation of exp(-s_tot) over sqrt(n) */
    se: number;
    /** effective sample size (sum w)^2 / sum w^2 of the weights w = exp(-s_tot); small ESS means the SE is unreliable */
    ess: number;
    /**
     * Hill estimate of the tail index alpha of the weights (upper k = floor(sqrt(n)) order
     * statistics). alpha <= 2 suggests an infinite variance of exp(-s_tot): the SE is then not
     * meaningful and the sample mean typically falls below 1 (rare large weights are missed).
     */
    tailIndex: number;
    /**
     * true when ess >= 0.1 n and tailIndex > 3, i.e. when `se` can be trusted. The margin above 2
     * (finite variance) is deliberate: the Hill estimate scatters by ~0.3 at n = 2e4, and for a tail
     * index just above 2 the sample variance itself converges too slowly to give a trustworthy SE.
     */
    seReliable: boolean;
  };
}

function meanSe(a: Float64Array): [number, number] {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i];
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - m) ** 2;
  v /= Math.max(a.length - 1, 1);
  return [m, Math.sqrt(v / a.length)];
}

/** Hill estimator of the tail index from the k = floor(sqrt(n)) largest values of positive `w`. */
function hillTailIndex(w: Float64Array): number {
  const sorted = Float64Array.from(w).sort().reverse();
  const k = Math.max(2, Math.floor(Math.sqrt(w.length)));
  const ref = Math.log(sorted[k]);
  let sum = 0;
  for (let i = 0; i < k; i++) sum += Math.log(sorted[i]) - ref;
  return sum > 0 ? k / sum : Number.POSITIVE_INFINITY;
}

/**
 * Stochastic entropy production along simulated forward trajectories of
 * dx = f_t(x) dt + sqrt(2 T_t) dB (Eq. 2), started from the exact marginal P_t0 (sampled through
 * its quantile function). For each trajectory
 *   s_sys  = -ln P_t1(x_t1) + ln P_t0(x_t0)            (exact density of the process)
 *   s_bath = sum_k (1/T(t_k+1/2)) f(t_k+1/2, (x_k + x_k+1)/2) (x_k+1 - x_k)
 * The bath (medium) part is the Stratonovich heat (1/T) f o dx divided by the temperature; the
 * midpoint rule in both t and x is what makes it Stratonovich (a left-point rule would be Ito and
 * biased by int f'(x) dt). Then E[s_tot] = int_{t0}^{t1} S_dot_tot dt (Eq. 40) and
 * E[exp(-s_tot)] = 1 (Eq. 50), up to sampling error and the O(dt) discretisation of the sum.
 *
 * Heavy tails: w = exp(-s_tot) is large on the rare trajectories that start in a thin tail of P_t0
 * and end where P_t1 is not small. When P_t0 is much narrower than P_t1 (small t0) the variance
 * of w is infinite, the sample mean of w converges slowly from below and its SE is meaningless;
 * `ift.ess`, `ift.tailIndex` and `ift.seReliable` say when this happens. The mean of s_tot is not
 * affected.
 *
 * Why a window: T_0 = 0 for (m, sigma) schedules (1/T diverges at t = 0) and f, T diverge at t = tau
 * for cosine and cond-OT, so use t0 > 0 small and t1 < tau (e.g. [1e-2 tau, 0.9 tau]).
 *
 * @throws InputError for n < 2, steps < 1, t0 >= t1; NumericalError if T <= 0 on the grid.
 */
export function stochasticEntropy(
  process: Exact1dProcess,
  coeffs: ForceTemperature1d,
  opts: StochasticEntropyOptions,
): StochasticEntropyResult {
  const { n, steps, t0, t1, rng, transition } = opts;
  assertInteger(n, 'stochasticEntropy.n', 2);
  assertInteger(steps, 'stochasticEntropy.steps', 1);
  if (!(t0 < t1) || !Number.isFinite(t0) || !Number.isFinite(t1)) {
    throw new InputError(`expected finite t0 < t1, got t0=${t0}, t1=${t1}`, 'stochasticEntropy');
  }
  const dt = (t1 - t0) / steps;
  const tGrid = new Float64Array(steps + 1);
  for (let k = 0; k <= steps; k++) tGrid[k] = t0 + k * dt;
  tGrid[steps] = t1;
  const invTMid = new Float64Array(steps);
  const noiseStd = new Float64Array(steps);
  const scale = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    const tm = 0.5 * (tGrid[k] + tGrid[k + 1]);
    const tempMid = coeffs.temperature(tm);
    if (!(tempMid > 0) || !Number.isFinite(tempMid)) {
      throw new NumericalError(`stochasticEntropy: temperature must be finite and > 0 on the grid, got T=${tempMid} at t=${tm}`);
    }
    invTMid[k] = 1 / tempMid;
    // additive noise: the increment variance is 2 int T dt over the step; the midpoint value is
    // accurate to O(dt^3), whereas the left point would be off by O(dt^2 T') per step, which
    // matters near t0 where T grows like t for (m, sigma) schedules
    noiseStd[k] = Math.sqrt(2 * tempMid * (tGrid[k + 1] - tGrid[k]));
    scale[k] = 1;
    if (transition) {
      const tr = transition(tGrid[k], tGrid[k + 1]);
      scale[k] = tr.scale;
      noiseStd[k] = tr.noiseStd;
    }
  }
  const sTot = new Float64Array(n);
  const sSys = new Float64Array(n);
  const sBath = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x0 = process.quantile(t0, rng.uniformOpen());
    let x = x0;
    let bath = 0;
    for (let k = 0; k < steps; k++) {
      const ta = tGrid[k];
      const tb = tGrid[k + 1];
      const z = rng.normal();
      const xNext = transition ? scale[k] * x + noiseStd[k] * z : x + coeffs.force(ta, x) * (tb - ta) + noiseStd[k] * z;
      const tm = 0.5 * (ta + tb);
      bath += invTMid[k] * coeffs.force(tm, 0.5 * (x + xNext)) * (xNext - x);
      x = xNext;
    }
    // log-densities (not log of densities) stay finite far into the tails
    const sys = -process.logDensity(t1, x) + process.logDensity(t0, x0);
    sSys[i] = sys;
    sBath[i] = bath;
    sTot[i] = sys + bath;
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(sTot[i])) {
      throw new NumericalError(`stochasticEntropy: non-finite entropy production on trajectory ${i}`);
    }
  }
  const [mTot, seTot] = meanSe(sTot);
  const [mSys, seSys] = meanSe(sSys);
  const [mBath, seBath] = meanSe(sBath);
  const w = new Float64Array(n);
  let sw = 0;
  let sw2 = 0;
  for (let i = 0; i < n; i++) {
    w[i] = Math.exp(-sTot[i]);
    sw += w[i];
    sw2 += w[i] * w[i];
  }
  const [iftValue, iftSe] = meanSe(w);
  const tailIndex = hillTailIndex(w);
  const ess = (sw * sw) / sw2;
  return {
    t0,
    t1,
    n,
    steps,
    sTot,
    sSys,
    sBath,
    mean: { tot: mTot, sys: mSys, bath: mBath },
    se: { tot: seTot, sys: seSys, bath: seBath },
    ift: { value: iftValue, se: iftSe, ess, tailIndex, seReliable: ess >= 0.1 * n && tailIndex > 3 },
  };
}
