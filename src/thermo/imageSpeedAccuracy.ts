import { type Stat, sampleStat } from '../core/sampleStat.ts';
import { assertInteger } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';
import { w1Points } from '../ot/w1Points.ts';

/**
 * A learned velocity field u(t, x) on [0, tau] in `dim` dimensions, data at t = 0 and N(0, I) at
 * t = tau (a `FlowModel` from src/nn satisfies this structurally).
 */
export interface VelocityModel {
  readonly dim: number;
  readonly tau: number;
  velocity(t: number, x: Float32Array, n: number): Promise<Float32Array>;
}

/** Options of {@link imageSpeedAccuracyRun}. */
export interface ImageSpeedAccuracyOptions {
  /** Samples per run: n data points, n noise points (plus n more of each for the noise floors). */
  n: number;
  /** RK4 steps for the forward and the reverse integration; a multiple of 4 (strips at t/tau = k/4). */
  steps: number;
  rng: Rng;
  /** Trajectories kept for the strips. @default 8 */
  stripCount?: number;
  /**
   * W1 between two equal-size point sets. @default `w1Points` of src/ot (exact OT, Euclidean
   * cost; NumericalError if its optimality certificate fails).
   */
  w1?: (x: Points, y: Points) => number;
}

/** One run of the Fig. 8 analysis (all extensive quantities are raw; divide by `nd` for units of n_d). */
export interface ImageSpeedAccuracyRun {
  /** Dimension n_d. */
  nd: number;
  n: number;
  tau: number;
  steps: number;
  /** c2 = int_0^tau E_{P_t}|u(t, x)|^2 dt along forward trajectories (Eq. G20, Simpson on the RK4 grid). */
  c2: number;
  /** Standard error of c2 from the spread of per-trajectory path energies. */
  c2StdErr: number;
  /** Isotropic Gaussian fit of P_tau: |mu_hat|^2 and s_hat^2 (per-coordinate variance about mu_hat). */
  fit: { meanNormSq: number; variance: number };
  /** D0 ~ 2 KL(N(mu_hat, s_hat^2 I) || N(0, I)) = nd (s^2 - 1 - ln s^2) + |mu|^2 (Eq. G21). */
  d0: number;
  /** The same estimator on an independent exact N(0, I) sample of size n: its sampling-noise floor. */
  d0Floor: number;
  /** W1(P_tau samples, N(0, I) samples): the start mismatch of the reverse process. */
  w1Start: number;
  /** W1(data samples, generated samples): the end mismatch q vs p. */
  w1End: number;
  /** Delta W1 = w1End - w1Start (may be negative). */
  deltaW1: number;
  /** eta = deltaW1^2 / (tau d0). */
  eta: number;
  /** W1 between two independent N(0, I) samples of size n (sampling-noise floor of w1Start). */
  w1StartFloor: number;
  /** W1 between two disjoint data samples of size n (sampling-noise floor of w1End). */
  w1EndFloor: number;
  /** eta <= c2 (the integrated speed-accuracy relation, Eq. 79, with these estimators). */
  holds: boolean;
  /** E|u(t_j, x(t_j))|^2 on the forward grid (the integrand of c2). */
  kinetic: { t: number[]; meanSq: number[] };
  /** States of the first `stripCount` trajectories at t/tau = 0, 1/4, 1/2, 3/4, 1 (each stripCount*nd). */
  strips: { tOverTau: number[]; forward: Float64Array[]; estimated: Float64Array[] };
  /** Network evaluations (each on n points) of the forward and reverse integrations. */
  nfe: number;
}

/**
 * 2 KL(N(mu, s^2 I) || N(0, I)) = nd (s^2 - 1 - ln s^2) + |mu|^2 for the isotropic Gaussian fit of
 * `x` (mu = sample mean, s^2 = mean squared deviation over all coordinates, divisor n nd): the
 * paper's D0 estimator (Eq. G21, second-order expansion of the chi^2 divergence Eq. 78).
 */
export function isotropicFitD0(x: Points): { d0: number; meanNormSq: number; variance: number } {
  const { n, dim } = x;
  const mu = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mu[k] += x.data[i * dim + k];
  let meanNormSq = 0;
  for (let k = 0; k < dim; k++) {
    mu[k] /= n;
    meanNormSq += mu[k] * mu[k];
  }
  let ss = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) {
      const d = x.data[i * dim + k] - mu[k];
      ss += d * d;
    }
  }
  const variance = ss / (n * dim);
  const d0 = dim * (variance - 1 - Math.log(variance)) + meanNormSq;
  return { d0, meanNormSq, variance };
}

async function evalVelocity(model: VelocityModel, t: number, x: Float64Array, n: number, buf: Float32Array): Promise<Float32Array> {
  for (let i = 0; i < x.length; i++) buf[i] = x[i];
  const u = await model.velocity(t, buf, n);
  if (u.length !== x.length) {
    throw new NumericalError(`velocity returned ${u.length} values, expected ${x.length}`);
  }
  for (let i = 0; i < u.length; i++) {
    if (!Number.isFinite(u[i])) throw new NumericalError(`velocity is not finite at t=${t} (index ${i})`);
  }
  return u;
}

/**
 * Integrate dx/dt = u(t, x) with classic RK4 over `steps` equal steps from `t0` to `t1` (either
 * direction), recording |u(t_j, x_i(t_j))|^2 per particle at every grid time and the states of the
 * first `keep` particles at every quarter of the interval.
 */
async function rk4WithEnergy(
  model: VelocityModel,
  x0: Float64Array,
  n: number,
  t0: number,
  t1: number,
  steps: number,
  keep: number,
): Promise<{ x: Float64Array; speedSq: Float64Array[]; quarters: Float64Array[]; nfe: number }> {
  const dim = model.dim;
  const len = n * dim;
  const x = Float64Array.from(x0);
  const tmp = new Float64Array(len);
  const buf = new Float32Array(len);
  const h = (t1 - t0) / steps;
  const speedSq: Float64Array[] = [];
  const quarters: Float64Array[] = [Float64Array.from(x.subarray(0, keep * dim))];
  const acc = new Float64Array(len);
  let nfe = 0;
  const recordSpeed = (u: Float32Array) => {
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let q = 0;
      for (let k = 0; k < dim; k++) q += u[i * dim + k] * u[i * dim + k];
      s[i] = q;
    }
    speedSq.push(s);
  };
  for (let j = 0; j < steps; j++) {
    const t = t0 + j * h;
    const k1 = await evalVelocity(model, t, x, n, buf);
    nfe++;
    recordSpeed(k1);
    for (let i = 0; i < len; i++) {
      acc[i] = k1[i];
      tmp[i] = x[i] + 0.5 * h * k1[i];
    }
    const k2 = await evalVelocity(model, t + 0.5 * h, tmp, n, buf);
    for (let i = 0; i < len; i++) {
      acc[i] += 2 * k2[i];
      tmp[i] = x[i] + 0.5 * h * k2[i];
    }
    const k3 = await evalVelocity(model, t + 0.5 * h, tmp, n, buf);
    for (let i = 0; i < len; i++) {
      acc[i] += 2 * k3[i];
      tmp[i] = x[i] + h * k3[i];
    }
    const k4 = await evalVelocity(model, t + h, tmp, n, buf);
    nfe += 3;
    for (let i = 0; i < len; i++) x[i] += (h / 6) * (acc[i] + k4[i]);
    if (((j + 1) * 4) % steps === 0) quarters.push(Float64Array.from(x.subarray(0, keep * dim)));
  }
  const uEnd = await evalVelocity(model, t1, x, n, buf);
  nfe++;
  recordSpeed(uEnd);
  return { x, speedSq, quarters, nfe };
}

function sampleRows(data: Points, idx: Int32Array | number[], from: number, count: number): Points {
  const dim = data.dim;
  const out = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) {
    const j = idx[from + i];
    out.set(data.data.subarray(j * dim, (j + 1) * dim), i * dim);
  }
  return { data: out, n: count, dim };
}

/**
 * One run of the paper's real-image analysis (Fig. 8, Sec. 4.3 of paper-spec) for a learned
 * velocity u:
 * - forward: integrate n data points x ~ q from t = 0 to tau with u (RK4), giving samples of
 *   P_tau, and c2 = int_0^tau E|u(t, x_t)|^2 dt along these trajectories (Eq. G20; Simpson's rule
 *   on the RK4 grid, so c2 = tau E_{t~U, x~P_t}|u|^2);
 * - D0 ~ 2 KL(N(mu_hat, s_hat^2 I) || N(0, I)) from the isotropic Gaussian fit of the P_tau
 *   samples (Eq. G21; direction: true start P_tau || estimated start N(0, I));
 * - estimated reverse: integrate n fresh N(0, I) samples from t = tau to 0 with the same u;
 * - Delta W1 = W1(data, generated) - W1(P_tau samples, N(0, I) samples), exact OT between the
 *   finite samples; eta = Delta W1^2 / (tau D0).
 *
 * Finite-sample bias: W1 between two n-point samples is biased upward by sampling noise (in
 * n_d dimensions it decays like n^(-1/n_d)); the run reports W1 between two independent samples
 * of the same distribution (`w1StartFloor`, `w1EndFloor`) and the D0 estimator on an exact
 * N(0, I) sample (`d0Floor`) so the size of that bias is visible next to the estimates.
 *
 * @param data at least 2n points of dimension model.dim (n for the analysis, n for the floor).
 * @throws InputError if the dimensions differ, data has fewer than 2n points, steps is not a
 *   positive multiple of 4, or n < 2; NumericalError if the velocity is non-finite or D0 is not
 *   positive.
 */
export async function imageSpeedAccuracyRun(
  model: VelocityModel,
  data: Points,
  opts: ImageSpeedAccuracyOptions,
): Promise<ImageSpeedAccuracyRun> {
  const where = 'imageSpeedAccuracy';
  const { n, steps, rng } = opts;
  assertInteger(n, `${where}.n`, 2);
  assertInteger(steps, `${where}.steps`, 4);
  if (steps % 4 !== 0) throw new InputError(`expected steps a multiple of 4, got ${steps}`, `${where}.steps`);
  const nd = model.dim;
  if (data.dim !== nd) throw new InputError(`data has dimension ${data.dim}, the model ${nd}`, `${where}.data`);
  if (data.n < 2 * n) {
    throw new InputError(`expected at least 2n = ${2 * n} data points, got ${data.n}`, `${where}.data`);
  }
  const keep = Math.min(n, opts.stripCount ?? 8);
  assertInteger(keep, `${where}.stripCount`, 0);
  const w1 = opts.w1 ?? w1Points;
  const tau = model.tau;

  const idx = rng.shuffle(Int32Array.from({ length: data.n }, (_, i) => i));
  const x = sampleRows(data, idx, 0, n);
  const xFloor = sampleRows(data, idx, n, n);
  const z: Points = { data: rng.fillNormal(new Float64Array(n * nd)), n, dim: nd };
  const zFloor: Points = { data: rng.fillNormal(new Float64Array(n * nd)), n, dim: nd };

  const fwd = await rk4WithEnergy(model, x.data, n, 0, tau, steps, keep);
  const pTau: Points = { data: fwd.x, n, dim: nd };
  const rev = await rk4WithEnergy(model, z.data, n, tau, 0, steps, keep);
  const generated: Points = { data: rev.x, n, dim: nd };

  // c2 by Simpson's rule in t on the grid (steps is even), per trajectory.
  const hAbs = tau / steps;
  const perPath = new Float64Array(n);
  const meanSq: number[] = [];
  for (let j = 0; j <= steps; j++) {
    const w = (j === 0 || j === steps ? 1 : j % 2 === 1 ? 4 : 2) * (hAbs / 3);
    const s = fwd.speedSq[j];
    let m = 0;
    for (let i = 0; i < n; i++) {
      perPath[i] += w * s[i];
      m += s[i];
    }
    meanSq.push(m / n);
  }
  let c2 = 0;
  for (let i = 0; i < n; i++) c2 += perPath[i];
  c2 /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (perPath[i] - c2) ** 2;
  const c2StdErr = Math.sqrt(v / (n - 1) / n);

  const fit = isotropicFitD0(pTau);
  const d0Floor = isotropicFitD0(zFloor).d0;
  if (!(fit.d0 > 0)) throw new NumericalError(`D0 estimate is not positive (${fit.d0})`);

  const w1Start = w1(pTau, z);
  const w1End = w1(x, generated);
  const w1StartFloor = w1(z, zFloor);
  const w1EndFloor = w1(x, xFloor);
  const deltaW1 = w1End - w1Start;
  const eta = (deltaW1 * deltaW1) / (tau * fit.d0);

  const tGrid = Array.from({ length: steps + 1 }, (_, j) => (j * tau) / steps);
  return {
    nd,
    n,
    tau,
    steps,
    c2,
    c2StdErr,
    fit: { meanNormSq: fit.meanNormSq, variance: fit.variance },
    d0: fit.d0,
    d0Floor,
    w1Start,
    w1End,
    deltaW1,
    eta,
    w1StartFloor,
    w1EndFloor,
    holds: eta <= c2,
    kinetic: { t: tGrid, meanSq },
    strips: {
      tOverTau: [0, 0.25, 0.5, 0.75, 1],
      forward: fwd.quarters,
      // The reverse ran from t = tau down to 0: reorder to forward-time labelling.
      estimated: rev.quarters.slice().reverse(),
    },
    nfe: fwd.nfe + rev.nfe,
  };
}

export type { Stat } from '../core/sampleStat.ts';

/** Summary over repeated runs, in units of n_d where marked. */
export interface ImageSpeedAccuracySummary {
  runs: number;
  nd: number;
  etaOverNd: Stat;
  c2OverNd: Stat;
  /** c2 / eta per run. */
  ratio: Stat;
  d0: Stat;
  deltaW1: Stat;
  w1Start: Stat;
  w1End: Stat;
  w1StartFloor: Stat;
  w1EndFloor: Stat;
  d0Floor: Stat;
  /** Every run satisfied eta <= c2. */
  allHold: boolean;
}

/**
 * Aggregate runs (different seeds) into means with error bars (sample std over runs).
 * @throws InputError if `runs` is empty or mixes dimensions.
 */
export function summarizeImageSpeedAccuracy(runs: readonly ImageSpeedAccuracyRun[]): ImageSpeedAccuracySummary {
  if (runs.length === 0) throw new InputError('expected at least one run', 'summarizeImageSpeedAccuracy');
  const nd = runs[0].nd;
  if (runs.some((r) => r.nd !== nd)) throw new InputError('runs have different dimensions', 'summarizeImageSpeedAccuracy');
  const pick = (f: (r: ImageSpeedAccuracyRun) => number) => sampleStat(runs.map(f));
  return {
    runs: runs.length,
    nd,
    etaOverNd: pick((r) => r.eta / nd),
    c2OverNd: pick((r) => r.c2 / nd),
    ratio: pick((r) => r.c2 / r.eta),
    d0: pick((r) => r.d0),
    deltaW1: pick((r) => r.deltaW1),
    w1Start: pick((r) => r.w1Start),
    w1End: pick((r) => r.w1End),
    w1StartFloor: pick((r) => r.w1StartFloor),
    w1EndFloor: pick((r) => r.w1EndFloor),
    d0Floor: pick((r) => r.d0Floor),
    allHold: runs.every((r) => r.holds),
  };
}
