import { assertInteger } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import { Rng } from '../core/rng.ts';
import { emd } from '../ot/emd.ts';
import { d0MonteCarloNd } from './d0MonteCarloNd.ts';
import type { ExcessHousekeeping, NdFlow } from './ndFlow.ts';
import { densityGrid, histogram2d } from './ndSnapshots.ts';
import type { PerturbationNd } from './perturbationNd.ts';
import { evenGridIndices, ndSnapshotTimes, ndTimeGrid } from './quadratureNd.ts';
import { CHAIN_SLACK_ND, FLAG_RELATIVE_ERROR, type SpeedAccuracyNdCheck, type SpeedAccuracyNdOptions, type SpeedAccuracyNdResult } from './speedAccuracyNdTypes.ts';
import { speedAccuracyQuadratureNd } from './speedAccuracyQuadratureNd.ts';
import { weightedMeanSquare } from './weightedMeanSquare.ts';

export { histogram2d } from './ndSnapshots.ts';
export { CHAIN_SLACK_ND, FLAG_RELATIVE_ERROR, type SpeedAccuracyNdCheck, type SpeedAccuracyNdOptions, type SpeedAccuracyNdResult } from './speedAccuracyNdTypes.ts';

/**
 * The speed-accuracy experiment in n dimensions (paper Sec. 4.2, Eqs. 77-83).
 *
 * Variance reduction (one support, two weightings): n particles are drawn from the balanced mixture
 * M = (P_tau + tilde P)/2 (half exact samples of P_tau, half of the perturbation) and carry two
 * self-normalised weights, w_true = P_tau/M and w_est = tilde P/M (both <= 2). A deterministic flow
 * carries weights along, so at every t the weighted clouds are samples of the true and estimated
 * reverse marginals on the SAME positions, and W1 between them has no position-sampling bias
 * (two independent n-point clouds in 2-D would carry a bias ~ n^{-1/2}, as large as the effect).
 * The particles are pushed backwards in time by the shared velocity nu_t (classical RK4 on a grid that is the union
 * of a log-spaced and a uniform grid on [tMin, tau], so the stiff start of point-mass data is
 * resolved). W1 between the two clouds is computed by exact OT (`emd`, Euclidean cost) at `nW1`
 * times; vLoss^2 = (dW1/dt)^2 / D0 by finite differences, c1 = sum (Delta W1)^2/Delta t / D0 (so
 * eta <= c1 holds exactly by discrete Cauchy-Schwarz), wD = int E|nu|^2 dt (trapezoid, Monte Carlo
 * over the weighted true cloud, an exact sample of P_t; [0, tMin] and [tMax, tau] by constant
 * extrapolation of the end values), housekeeping from {@link NdFlow.split},
 * c2 = wD - housekeeping. D0 (Eq. 78) by grid quadrature of int tildeP^2/P_tau - 1 in 2-D (Monte
 * Carlo in other dimensions), with a Monte Carlo cross-check.
 *
 * @throws InputError on mismatched dimensions or bad options; NumericalError if D0 is not finite.
 */
export function speedAccuracyNd(flow: NdFlow, perturbation: PerturbationNd, opts: SpeedAccuracyNdOptions = {}): SpeedAccuracyNdResult {
  const estimator = opts.estimator ?? (flow.dim <= 3 ? 'quadrature' : 'particles');
  if (perturbation.dim !== flow.dim) {
    throw new InputError(`perturbation is ${perturbation.dim}-D but the flow is ${flow.dim}-D`, 'perturbation');
  }
  if (estimator === 'particles') assertInteger(opts.nParticles ?? 1000, 'nParticles', 2);
  const maxVar = maxPerturbationVariance(perturbation);
  if (flow.startMinVariance !== undefined && maxVar >= 2 * flow.startMinVariance) {
    throw new InputError(
      `D0 is infinite: the perturbation variance ${maxVar} is >= 2 x the smallest component variance ${flow.startMinVariance} of P_tau (the chi-square integrand grows in the tails); use a larger tau or a narrower perturbation`,
      'perturbation',
    );
  }
  if (estimator === 'quadrature') {
    const mcVarianceFinite = flow.startMinVariance === undefined || maxVar < 1.5 * flow.startMinVariance;
    return speedAccuracyQuadratureNd(flow, perturbation, { ...opts, mcVarianceFinite });
  }
  if (estimator !== 'particles') throw new InputError(`unknown estimator ${JSON.stringify(estimator)}, expected "quadrature" or "particles"`, 'estimator');
  const n = opts.nParticles ?? 1000;
  const full = speedAccuracyParticlesNd(flow, perturbation, opts);
  // error bars from a second, independent run with half the particles: the particle W1 is biased
  // by ~ n^(-1/d) (d >= 2) and the Monte Carlo moments are noisy by ~ n^(-1/2), so the error of
  // the full run is |full - half| / (2^(1/max(d, 2)) - 1) (the difference of two resolutions,
  // Richardson-scaled to the slower of the two rates)
  const half = speedAccuracyParticlesNd(flow, perturbation, { ...opts, nParticles: Math.max(2, Math.floor(n / 2)), seed: (opts.seed ?? 1) + 104729 });
  const factor = 1 / (2 ** (1 / Math.max(flow.dim, 2)) - 1);
  const keys = ['d0', 'w1Start', 'w1End', 'deltaW1', 'eta', 'c1', 'c2', 'wD', 'housekeeping'] as const;
  const errors: Record<string, number> = {};
  const values: Record<string, number[]> = {};
  for (const k of keys) {
    const a = full[k];
    const b = half[k];
    const scale = k === 'housekeeping' ? Math.abs(a) || full.wD : Math.abs(a);
    errors[k] = a === b ? 0 : (factor * Math.abs(a - b)) / scale;
    values[k] = [b, a];
  }
  const flagged = Object.keys(errors).filter((k) => !(errors[k] <= FLAG_RELATIVE_ERROR));
  return {
    ...full,
    errors,
    flagged,
    convergence: { levels: [`${half.settings.nParticles} particles`, `${n} particles`], values },
    seconds: { ...full.seconds, halfRun: Object.values(half.seconds).reduce((p, q) => p + q, 0) },
  };
}

/** One particle run (see {@link speedAccuracyNd}); errors are filled in by the caller. */
function speedAccuracyParticlesNd(flow: NdFlow, perturbation: PerturbationNd, opts: SpeedAccuracyNdOptions): SpeedAccuracyNdResult {
  if (perturbation.dim !== flow.dim) {
    throw new InputError(`perturbation is ${perturbation.dim}-D but the flow is ${flow.dim}-D`, 'perturbation');
  }
  const dim = flow.dim;
  const n = opts.nParticles ?? 1000;
  const steps = opts.steps ?? 120;
  const nW1 = opts.nW1 ?? 30;
  const nSplit = opts.nSplit ?? 12;
  assertInteger(n, 'nParticles', 2);
  assertInteger(steps, 'steps', 4);
  assertInteger(nW1, 'nW1', 2);
  assertInteger(nSplit, 'nSplit', 2);
  const rng = new Rng(opts.seed ?? 1);
  const progress = opts.onProgress ?? (() => {});
  const { tau, tMin, tMax } = flow;
  const maxVar = maxPerturbationVariance(perturbation);
  const seconds: Record<string, number> = {};
  let clock = performance.now();
  const lap = (label: string) => {
    const now = performance.now();
    seconds[label] = (seconds[label] ?? 0) + (now - clock) / 1000;
    clock = now;
  };

  // ---- time grid
  const tSnap = ndSnapshotTimes(flow);
  const grid = ndTimeGrid(flow, steps, tSnap);
  const G = grid.length;
  const w1Idx = evenGridIndices(G, nW1);
  const snapIdx = new Set(tSnap.map((t) => grid.findIndex((g) => Math.abs(g - t) <= 1e-9 * tau)));
  for (const i of snapIdx) if (i >= 0) w1Idx.add(i);
  const splitIdx = evenGridIndices(G, nSplit);

  // ---- D0
  const d0Samples = opts.d0Samples ?? 20000;
  const d0Mc = d0MonteCarloNd(flow, perturbation, d0Samples, rng.fork());
  let d0 = d0Mc.value;
  if (dim === 2) {
    const cells = opts.d0Cells ?? 240;
    const { lo: blo, hi: bhi } = perturbation.box;
    const hx = (bhi[0] - blo[0]) / cells;
    const hy = (bhi[1] - blo[1]) / cells;
    const pts = new Float64Array(2 * cells * cells);
    for (let j = 0; j < cells; j++) {
      for (let i = 0; i < cells; i++) {
        pts[2 * (j * cells + i)] = blo[0] + (i + 0.5) * hx;
        pts[2 * (j * cells + i) + 1] = blo[1] + (j + 0.5) * hy;
      }
    }
    const a = perturbation.logDensity(pts, cells * cells);
    const b = flow.startLogDensity(pts, cells * cells);
    let s = 0;
    let mass = 0;
    for (let q = 0; q < cells * cells; q++) {
      if (a[q] === -Infinity) continue;
      s += Math.exp(2 * a[q] - b[q]);
      mass += Math.exp(a[q]);
    }
    // normalise by the quadrature mass of tildeP (exactly 1 in the limit) to cancel the box/grid error
    d0 = (s * hx * hy) / (mass * hx * hy) ** 2 - 1;
  }
  if (!Number.isFinite(d0) || d0 <= 0) throw new NumericalError(`D0 is not a finite positive number (got ${d0})`);
  lap('d0');

  // ---- reverse clouds: one support, two weightings (see the TSDoc)
  const nTrue = Math.ceil(n / 2);
  const trueStart = flow.sampleStart(nTrue, rng.fork());
  const estStart = perturbation.sample(n - nTrue, rng.fork());
  const x = new Float64Array(n * dim);
  x.set(trueStart.data, 0);
  x.set(estStart.data, nTrue * dim);
  const lTrue = flow.startLogDensity(x, n);
  const lEst = perturbation.logDensity(x, n);
  const wTrue = new Float64Array(n);
  const wEst = new Float64Array(n);
  let sTrue = 0;
  let sEst = 0;
  for (let i = 0; i < n; i++) {
    const m = Math.max(lTrue[i], lEst[i]);
    const lm = m + Math.log(0.5 * Math.exp(lTrue[i] - m) + 0.5 * Math.exp(lEst[i] - m));
    wTrue[i] = Math.exp(lTrue[i] - lm);
    wEst[i] = Math.exp(lEst[i] - lm);
    sTrue += wTrue[i];
    sEst += wEst[i];
  }
  for (let i = 0; i < n; i++) {
    wTrue[i] /= sTrue;
    wEst[i] /= sEst;
  }
  const k1 = new Float64Array(n * dim);
  const k2 = new Float64Array(n * dim);
  const k3 = new Float64Array(n * dim);
  const k4 = new Float64Array(n * dim);
  const tmp = new Float64Array(n * dim);
  const tsDot = new Float64Array(G);
  const clouds = new Map<number, Float64Array>();
  const meanSq = (v: Float64Array) => weightedMeanSquare(v, wTrue, n, dim);
  const record = (j: number) => {
    if (w1Idx.has(j) || snapIdx.has(j)) clouds.set(j, x.slice());
  };
  record(G - 1);
  for (let j = G - 1; j > 0; j--) {
    const t = grid[j];
    const h = grid[j - 1] - t; // negative
    flow.velocity(t, x, n, k1);
    tsDot[j] = meanSq(k1);
    for (let i = 0; i < x.length; i++) tmp[i] = x[i] + 0.5 * h * k1[i];
    flow.velocity(t + 0.5 * h, tmp, n, k2);
    for (let i = 0; i < x.length; i++) tmp[i] = x[i] + 0.5 * h * k2[i];
    flow.velocity(t + 0.5 * h, tmp, n, k3);
    for (let i = 0; i < x.length; i++) tmp[i] = x[i] + h * k3[i];
    flow.velocity(t + h, tmp, n, k4);
    for (let i = 0; i < x.length; i++) {
      x[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
      if (!Number.isFinite(x[i])) throw new NumericalError(`particle left the finite range at t=${grid[j - 1]}`);
    }
    record(j - 1);
    progress(G - j, G + w1Idx.size + splitIdx.size, 'reverse ODE');
  }
  flow.velocity(grid[0], x, n, k1);
  tsDot[0] = meanSq(k1);
  lap('reverseOde');

  // ---- W1 along time
  const w1Times = [...w1Idx].sort((a, b) => a - b);
  const w1: number[] = [];
  let done = G;
  for (const j of w1Times) {
    const c: Points = { data: clouds.get(j)!, n, dim };
    const r = emd(wTrue, wEst, { kind: 'euclidean', x: c, y: c });
    w1.push(r.cost);
    progress(++done, G + w1Idx.size + splitIdx.size, 'W1 by exact OT');
  }
  lap('w1');
  const tW1 = w1Times.map((j) => grid[j]);
  const tMid: number[] = [];
  const vLossSq: number[] = [];
  let c1 = 0;
  for (let i = 0; i + 1 < tW1.length; i++) {
    const dt = tW1[i + 1] - tW1[i];
    const dw = w1[i + 1] - w1[i];
    tMid.push(0.5 * (tW1[i] + tW1[i + 1]));
    vLossSq.push((dw / dt) ** 2 / d0);
    c1 += (dw * dw) / dt / d0;
  }
  const w1End = w1[0];
  const w1Start = w1[w1.length - 1];
  const deltaW1 = w1End - w1Start;
  const eta = (deltaW1 * deltaW1) / (tau * d0);

  // ---- dissipation
  // [0, tMin] and [tMax, tau] (not integrated by the ODE) by constant extrapolation of the end values
  let wD = tMin * tsDot[0] + (tau - tMax) * tsDot[G - 1];
  for (let j = 0; j + 1 < G; j++) wD += 0.5 * (tsDot[j] + tsDot[j + 1]) * (grid[j + 1] - grid[j]);
  const splits: ExcessHousekeeping[] = [];
  for (const j of [...splitIdx].sort((a, b) => a - b)) {
    splits.push(flow.split(grid[j], tsDot[j]));
    progress(++done, G + w1Idx.size + splitIdx.size, 'excess/housekeeping');
  }
  let housekeeping = tMin * splits[0].housekeeping + (tau - tMax) * splits[splits.length - 1].housekeeping;
  for (let i = 0; i + 1 < splits.length; i++) {
    housekeeping += 0.5 * (splits[i].housekeeping + splits[i + 1].housekeeping) * (splits[i + 1].t - splits[i].t);
  }
  const c2 = wD - housekeeping;
  lap('split');
  const methods = [...new Set(splits.map((s) => s.method))];

  // ---- snapshots (2-D histograms)
  const box = opts.snapshotBox ?? [-5, 5, -5, 5];
  const cells = opts.snapshotCells ?? 50;
  const forward: number[][] = [];
  const estimated: number[][] = [];
  if (dim === 2) {
    for (const t of tSnap) {
      const j = grid.findIndex((g) => Math.abs(g - t) <= 1e-9 * tau);
      const c = clouds.get(j)!;
      forward.push(densityGrid(flow, grid[j], box, cells) ?? histogram2d(c, wTrue, box, cells));
      estimated.push(histogram2d(c, wEst, box, cells));
    }
  }
  lap('snapshots');

  const slack = (v: number) => CHAIN_SLACK_ND * Math.abs(v) + 1e-15;
  const chainHolds = eta <= c1 + slack(c1) && c1 <= wD + slack(wD) && (!flow.conservative || c1 <= c2 + slack(c2));
  const checks: SpeedAccuracyNdCheck[] = [];
  const d0Diff = Math.abs(d0 - d0Mc.value);
  // the Monte Carlo estimator has finite variance only if int tildeP^3 / P_tau^2 < inf, i.e. every
  // perturbation variance < 1.5 x the smallest component variance of P_tau; otherwise its standard
  // error is unreliable and the comparison is informational
  const mcVarianceFinite = flow.startMinVariance === undefined || maxVar < 1.5 * flow.startMinVariance;
  // (without finite variance there is no argued tolerance, so no check is printed)
  if (mcVarianceFinite) {
    // 4 standard errors: a false alarm rate of 6e-5 for a Gaussian Monte Carlo error
    checks.push({ name: 'd0 quadrature vs Monte Carlo (in MC standard errors)', value: d0Diff / Math.max(d0Mc.stderr, 1e-300), tolerance: 4, ok: d0Diff <= 4 * d0Mc.stderr });
  }
  const hkMax = Math.max(0, ...splits.map((s) => s.housekeeping / Math.max(s.total, 1e-300)));
  checks.push({ name: 'max housekeeping/total (0 for conservative)', value: hkMax, tolerance: flow.conservative ? 0 : 1, ok: flow.conservative ? hkMax === 0 : hkMax <= 1 });
  return {
    protocol: flow.name,
    tau,
    dim,
    d0,
    d0MonteCarlo: d0Mc,
    w1Start,
    w1End,
    deltaW1,
    eta,
    c1,
    c2,
    wD,
    housekeeping,
    v2Method: methods.join(','),
    chainHolds,
    conservative: flow.conservative,
    curves: {
      t: tW1,
      w1,
      tMid,
      vLossSq,
      tGrid: grid,
      tsDot: Array.from(tsDot),
      tSplit: splits.map((s) => s.t),
      v2sq: splits.map((s) => s.v2sq),
      housekeepingRate: splits.map((s) => s.housekeeping),
    },
    snapshots: { tOverTau: [0, 1 / 3, 2 / 3, 1], box: dim === 2 ? box : [], cells: dim === 2 ? cells : 0, forward, estimated },
    checks,
    estimator: 'particles',
    errors: {},
    flagged: [],
    convergence: { levels: [], values: {} },
    settings: { estimator: 'particles', nParticles: n, steps: G - 1, nW1: w1Times.length, nSplit: splits.length, tMin, tMax, d0Samples },
    seconds,
  };
}


/** The largest component variance of a normal or mixture perturbation (0 for uniform). */
function maxPerturbationVariance(perturbation: PerturbationNd): number {
  const spec = perturbation.spec;
  return spec.kind === 'normal' ? spec.std ** 2 : spec.kind === 'gaussian-mixture' ? Math.max(...Array.from(spec.mixture.stds, (s) => s * s)) : 0;
}
