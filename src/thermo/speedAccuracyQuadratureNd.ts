import { assertInteger } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { ExcessHousekeeping, NdFlow } from './ndFlow.ts';
import { d0LatticeNd } from './d0LatticeNd.ts';
import { d0MonteCarloNd } from './d0MonteCarloNd.ts';
import { densityGrid, histogram2d } from './ndSnapshots.ts';
import type { PerturbationNd } from './perturbationNd.ts';
import { extrapolateLatticeW1 } from './latticeW1.ts';
import { blobNodeW1, blobQMasses, blobW1, pushBlobNodes } from './pointMassBlobs.ts';
import { evenGridIndices, everyOther, ndSnapshotTimes, ndTimeGrid, type QuadratureLevel, quadratureLevel, trapezoid } from './quadratureNd.ts';
import {
  CHAIN_SLACK_ND,
  FLAG_RELATIVE_ERROR,
  type SpeedAccuracyNdCheck,
  type SpeedAccuracyNdOptions,
  type SpeedAccuracyNdResult,
} from './speedAccuracyNdTypes.ts';

/** Default fine-level nodes per axis of the quadrature estimator by dimension (index = dim). */
// 3-D 24 (coarse 18): the 3-D order band [2.4, 3.2] (latticeW1.ts) states the 3-D cosine case's eta / c1
// at 0.7 / 0.9 % there (1.0 / 1.2 % at 22/16; the old band [2.25, 3] at 20/14 stated 1.4 / 1.6 %)
/** Node-level blob W1 ({@link blobNodeW1}) at the W1 times where the blob-centre aggregation bound exceeds this fraction of W1. */
export const NODE_W1_FROM = 2e-3;

export const QUADRATURE_DEFAULT_CELLS = [0, 400, 48, 24] as const;

/** The speed-accuracy numbers of one quadrature level (time integrals Richardson-corrected). */
interface LevelNumbers {
  d0: number;
  w1Start: number;
  w1End: number;
  deltaW1: number;
  eta: number;
  /** sum (Delta W1)^2 / Delta t / D0 on all W1 times, and on every other one (time error). */
  c1: number;
  c1Half: number;
  wD: number;
  wDHalf: number;
}

function levelNumbers(L: QuadratureLevel, flow: NdFlow, tau: number): LevelNumbers {
  const c1Of = (t: number[], w: number[]) => {
    let s = 0;
    for (let i = 0; i + 1 < t.length; i++) s += (w[i + 1] - w[i]) ** 2 / (t[i + 1] - t[i]);
    return s / L.d0;
  };
  // [0, tMin] and [tMax, tau] (outside the ODE) by constant extrapolation of the end values
  const ends = flow.tMin * L.tsDot[0] + (tau - flow.tMax) * L.tsDot[L.tsDot.length - 1];
  const w1End = L.w1[0];
  const w1Start = L.w1[L.w1.length - 1];
  const deltaW1 = w1End - w1Start;
  return {
    d0: L.d0,
    w1Start,
    w1End,
    deltaW1,
    eta: (deltaW1 * deltaW1) / (tau * L.d0),
    c1: c1Of(L.tW1, L.w1),
    c1Half: c1Of(everyOther(L.tW1), everyOther(L.w1)),
    wD: ends + trapezoid(L.grid, L.tsDot),
    wDHalf: ends + trapezoid(everyOther(L.grid), everyOther(L.tsDot)),
  };
}

/**
 * The speed-accuracy experiment in 1-3 dimensions by deterministic quadrature (the default
 * estimator there; see docs/multid.md). Two node grids (`cells` and `coarseCells` nodes per axis,
 * {@link quadratureLevel}) give every number twice; the reported number is the fine one, with
 *  - W1 at every time (and so eta, c1): the staggered-lattice value extrapolated in the node spacing
 *    ({@link extrapolateLatticeW1}: order 2.625 in 2-D, the midpoint of the orders 2.4-3.2 in 3-D, order 2 in 1-D),
 *  - c1 and wD corrected in time by Richardson (trapezoid / discrete Cauchy-Schwarz sums are O(dt^2):
 *    X = X_h + (X_h - X_2h)/3, from all W1 / ODE times and every other one),
 *  - an estimated relative error = spatial |X_fine - X_coarse| / (r^2 - 1) (r = cells/coarseCells; the
 *    trapezoid moments converge faster than O(h^2), so this overstates their error; for W1-derived
 *    numbers half the spread between the extreme extrapolations: orders 2.25 and 3 in 2-D; in 3-D orders 2.4
 *    and 3.2, widened by the smooth-potential allowance from the mean-gap lower bound) + temporal |X_h - X_2h| / 3,
 * and every number whose estimated error exceeds {@link FLAG_RELATIVE_ERROR} is listed in `flagged`.
 * Housekeeping comes from {@link NdFlow.split} at `nSplit` times (0 exactly for gradient fields).
 * 2-D point-mass data: W1End, the early W1 times and T S_dot (so wD) come from per-blob Gauss-Hermite
 * nodes pushed forward by the flow where their stated error is the smaller (`blobW1Values`, `blobWork`).
 * @throws InputError on mismatched dimensions, d > 3 or bad options; NumericalError if D0 is not finite.
 */
export function speedAccuracyQuadratureNd(flow: NdFlow, perturbation: PerturbationNd, opts: SpeedAccuracyNdOptions = {}): SpeedAccuracyNdResult {
  if (perturbation.dim !== flow.dim) throw new InputError(`perturbation is ${perturbation.dim}-D but the flow is ${flow.dim}-D`, 'perturbation');
  const dim = flow.dim;
  if (dim > 3) throw new InputError(`the quadrature estimator is for 1-3 dimensions, got ${dim}; use "estimator": "particles"`, 'estimator');
  const cells = opts.cells ?? QUADRATURE_DEFAULT_CELLS[dim];
  assertInteger(cells, 'cells', 8);
  let coarse = opts.coarseCells ?? Math.round(0.75 * cells);
  if (opts.coarseCells === undefined && coarse % 2 !== cells % 2) coarse -= 1;
  assertInteger(coarse, 'coarseCells', 4);
  if (coarse >= cells) throw new InputError(`expected coarseCells < cells (${cells}), got ${coarse}`, 'coarseCells');
  const steps = opts.steps ?? 120;
  // 3-D: 24 W1 times (12 left c1 with a -0.46 % time-discretisation bias on the 3-D cosine case; 24: -0.06 %, +2 s CPU)
  const nW1 = opts.nW1 ?? (dim === 3 ? 24 : 30);
  const nSplit = opts.nSplit ?? (flow.conservative ? 12 : 61);
  assertInteger(steps, 'steps', 4);
  assertInteger(nW1, 'nW1', 2);
  assertInteger(nSplit, 'nSplit', 2);
  const progress = opts.onProgress ?? (() => {});
  const { tau, tMin, tMax } = flow;
  const seconds: Record<string, number> = {};
  let clock = performance.now();
  const lap = (label: string) => {
    const now = performance.now();
    seconds[label] = (seconds[label] ?? 0) + (now - clock) / 1000;
    clock = now;
  };

  const tSnap = ndSnapshotTimes(flow);
  const grid = ndTimeGrid(flow, steps, tSnap);
  const G = grid.length;
  const snapIdx = tSnap.map((t) => grid.findIndex((g) => Math.abs(g - t) <= 1e-9 * tau));
  const w1Idx = [...evenGridIndices(G, nW1)].sort((p, q) => p - q);
  const halfWidth = opts.halfWidth ?? 6;
  progress(0, 3, 'quadrature (coarse)');
  const lc = quadratureLevel(flow, perturbation, { cells: coarse, grid, w1Idx, halfWidth });
  lap('coarse');
  progress(1, 3, 'quadrature (fine)');
  const lf = quadratureLevel(flow, perturbation, { cells, grid, w1Idx, halfWidth, keep: dim === 2 ? snapIdx : [] });
  lap('fine');
  // 3-D: D0 on its own lattice sized for tildeP^2 / P_tMax (d0LatticeNd.ts). The W1 lattice's D0 (box of
  // P_tMax and tildeP at halfWidth sds, spacing set for W1) was off both ways: reverse start std 0.5
  // true -1.1e-4 stated 1.85 % (flagged), std 1.3 true -3.9e-3 stated 1.5e-4 (the box cut the
  // integrand's tail). Both levels carry the same D0, so eta and c1 change with W1 only; D0's relative
  // error is added to theirs. 1-D and 2-D keep the W1 lattice's D0 (their outputs are fixed bit for bit).
  const d0Own = dim === 3 && flow.startComponents ? d0LatticeNd(flow.startComponents(), perturbation, { startLogDensity: (x, n) => flow.startLogDensity(x, n) }) : null;
  const lfD = d0Own ? { ...lf, d0: d0Own.value } : lf;
  const lcD = d0Own ? { ...lc, d0: d0Own.value } : lc;
  if (d0Own) lap('d0');
  const r2 = (cells / coarse) ** 2 - 1;
  // the staggered lattice W1 has an excess ~ h^p, p ~ 2.4-3 (latticeW1.ts): report the extrapolation
  // with p = 2.625 at every W1 time (eta and c1 follow from it); half the spread between p = 2.25
  // and p = 3 is the error estimate of W1, eta and c1 (3-D: band [2.4, 3.2] + smooth-potential allowance, latticeW1.ts)
  const w1Ext = extrapolateLatticeW1(lf.w1, lc.w1, cells, coarse, dim, lf.w1Lower);
  const w1Rich = w1Ext.value.slice();
  const w1Lo = w1Ext.lo.slice();
  const w1Hi = w1Ext.hi.slice();
  const w1Fine = lf.w1.slice();
  const w1Err = w1Rich.map((_, i) => Math.abs(w1Hi[i] - w1Lo[i]) / 2);
  // 2-D point-mass data: the start lattice maps into the basins of the narrow blobs at early times and
  // its W1 there does not converge; per-blob Gauss-Hermite nodes pushed forward give W1End (and the
  // early W1 times, while their error is below the lattice's), a finer static lattice W1Start
  const blob = opts.blobOrders !== false && dim === 2 && flow.pointMassComponents ? blobW1Values(flow, perturbation, grid, w1Idx, opts.blobOrders ?? [4, 5], opts.nodeW1 !== false) : null;
  const blobInfo: Record<string, number> = {};
  // the coarse level's W1 with the same replacements (for c1's refinement error with per-blob W1)
  const w1Coarse = lc.w1.slice();
  const replace = (i: number, value: number, err: number) => {
    w1Rich[i] = w1Fine[i] = w1Lo[i] = w1Hi[i] = w1Coarse[i] = value;
    w1Err[i] = err;
  };
  if (blob) {
    // W1End always from the blobs: at tMin the lattice has not converged on narrow blobs, and its
    // order band (the spread of the extrapolation orders) can be smaller than its true error (draw 1
    // of the Swiss roll: lattice 0.2658 stated 0.3 %, blobs 0.2626). At later W1 times the lattice's
    // error is taken as at least its own extrapolation step |rich - fine|, which bounds how far it is
    // from converged, and the blobs are used at every time where their error is below that.
    blobInfo.blobTimes = 0;
    const nodeW1 = opts.nodeW1 !== false;
    for (let i = 0; i < blob.w1.length; i++) {
      // with nodeW1: at every time, and the lattice's error at least its distance from the blob value
      // less the blob's error (the lattice's order band and step understate where it is unconverged:
      // 40-point Swiss roll, g = 0, t = 0.014: lattice 0.19675, blobs 0.19433 +- 1e-4, and the lattice
      // won by its stated error); without it, the blob prefix while the blobs' error is the smaller
      const latticeErr = Math.max(w1Err[i], Math.abs(w1Rich[i] - w1Fine[i]), nodeW1 ? Math.abs(w1Rich[i] - blob.w1[i]) - blob.err[i] : 0);
      if (i > 0 && !(blob.err[i] < latticeErr)) {
        if (nodeW1) continue;
        break;
      }
      replace(i, blob.w1[i], blob.err[i]);
      blobInfo.blobTimes++;
    }
    Object.assign(blobInfo, { nodeW1Times: blob.nodeTimes, nodeW1Used: blob.nodeUsed });
    const last = lf.w1.length - 1;
    const s = staticStartW1(flow, perturbation, halfWidth);
    replace(last, s.value, s.err);
    Object.assign(blobInfo, { blobW1EndLow: blob.w1Low[0], blobW1EndHigh: blob.w1[0], blobMassSum: blob.massSum, w1StartLattice64: s.values[0], w1StartLattice80: s.values[1] });
    lap('blobs');
  }
  // T S_dot on the ODE grid: the fine lattice's values, or at the first grid times (and then also
  // after the join) the per-blob rule, whichever split has the smaller stated error of wD
  // ({@link blobWork}; the lattice's error counted conservatively, see there)
  const tsDot = lf.tsDot.slice();
  let blobWD: { value: number; err: number; nBlob: number; late: boolean } | null = null;
  if (blob) {
    blobWD = blobWork(grid, lf.tsDot, lc.tsDot, blob, tMin, tau - tMax, r2);
    for (let j = 0; j < blobWD.nBlob; j++) tsDot[j] = blob.tsDot[j];
    Object.assign(blobInfo, { tsDotBlobTimes: blobWD.nBlob, wDLateFromBlobs: blobWD.late ? 1 : 0, wDBlobLateLow: blob.lateIntegralLow, wDBlobLateHigh: blob.lateIntegral });
  }
  const fRaw = levelNumbers({ ...lfD, w1: w1Fine }, flow, tau);
  const f = levelNumbers({ ...lfD, w1: w1Rich }, flow, tau);
  const fLo = levelNumbers({ ...lfD, w1: w1Lo }, flow, tau);
  const fHi = levelNumbers({ ...lfD, w1: w1Hi }, flow, tau);
  const c = levelNumbers(lcD, flow, tau);

  progress(2, 3, 'excess/housekeeping');
  const splits: ExcessHousekeeping[] = [...evenGridIndices(G, nSplit)].sort((p, q) => p - q).map((j) => flow.split(grid[j], tsDot[j]));
  const hkT = splits.map((s) => s.t);
  const hkR = splits.map((s) => s.housekeeping);
  const v2R = splits.map((s) => s.v2sq);
  // time integrals of the split (trapezoid on the split times, Richardson against every other one)
  const splitIntegral = (r: number[]) => {
    const ends = tMin * r[0] + (tau - tMax) * r[r.length - 1];
    const h = ends + trapezoid(hkT, r);
    const h2 = ends + trapezoid(everyOther(hkT), everyOther(r));
    return { value: h + (h - h2) / 3, err: Math.abs(h - h2) / 3 };
  };
  const hkInt = splitIntegral(hkR);
  const v2Int = splitIntegral(v2R);
  const housekeeping = hkInt.value;
  lap('split');

  const rich = (h: number, h2: number) => h + (h - h2) / 3;
  const c1 = rich(f.c1, f.c1Half);
  const wD = blobWD ? blobWD.value : rich(f.wD, f.wDHalf);
  // conservative: c2 = wD exactly (v2 = nu); otherwise the integral of the excess itself (not the
  // difference wD - housekeeping, which is a small difference of large numbers)
  const c2 = flow.conservative ? wD : v2Int.value;
  const spatial = (x: number, y: number) => Math.abs(x - y) / r2;
  // option w1RefinementError: the whole coarse-to-fine change of a W1-derived number joins its error
  // (0 otherwise, so the default errors are unchanged bit for bit). Lattice W1 only: with per-blob W1
  // (point-mass data) the fine values are partly the blobs', not comparable with the coarse lattice
  const step = (fine: number, coarse: number) => (opts.w1RefinementError === true && !blob ? Math.abs(fine - coarse) : 0);
  const rel = (abs: number, v: number, scale = Math.abs(v)) => (scale > 0 ? abs / scale : abs === 0 ? 0 : Infinity);
  const errAbs = {
    d0: d0Own ? d0Own.err : spatial(f.d0, c.d0),
    w1Start: w1Err[w1Err.length - 1] + step(fRaw.w1Start, c.w1Start),
    w1End: w1Err[0] + step(fRaw.w1End, c.w1End),
    // lattice only: half the spread of the order band (the two ends move together); with the per-blob
    // ends (independent estimates) the two errors add, and eta = deltaW1^2 / (tau D0) doubles it
    deltaW1: (blob ? w1Err[0] + w1Err[w1Err.length - 1] : Math.abs(fHi.deltaW1 - fLo.deltaW1) / 2) + step(fRaw.deltaW1, c.deltaW1),
    // (3-D: plus eta x D0's relative error; eta = deltaW1^2 / (tau D0))
    eta:
      (blob
        ? f.eta * (2 * ((w1Err[0] + w1Err[w1Err.length - 1]) / Math.abs(f.deltaW1)) + Math.abs(f.d0 - c.d0) / r2 / f.d0)
        : Math.abs(fHi.eta - fLo.eta) / 2 + (d0Own ? f.eta * d0Own.relErr : 0)) + step(fRaw.eta, c.eta),
    // With per-blob W1 (point-mass data) the lattice W1 between ~0.03 and 0.4 tau is not in its
    // asymptotic regime (the blobs span 1-2 nodes): the order band is small while the g = 0 and g = 3
    // runs of one Swiss-roll draw (exactly equal c1) differed by 5.3 %. There the whole coarse-to-fine
    // change of c1 (same blob / static replacements on both levels) is added: the usual error scale
    // of a refinement that cannot be extrapolated.
    // (3-D: plus c1 x D0's relative error; c1 is proportional to 1 / D0)
    c1:
      Math.abs(fHi.c1 - fLo.c1) / 2 +
      Math.abs(f.c1 - f.c1Half) / 3 +
      (blob ? Math.abs(fRaw.c1 - levelNumbers({ ...lc, w1: w1Coarse }, flow, tau).c1) : (d0Own ? c1 * d0Own.relErr : 0) + step(fRaw.c1, c.c1)),
    wD: blobWD ? blobWD.err : spatial(f.wD, c.wD) + Math.abs(f.wD - f.wDHalf) / 3,
    housekeeping: hkInt.err,
    c2: flow.conservative ? 0 : v2Int.err,
  };
  const errors: Record<string, number> = {
    d0: rel(errAbs.d0, f.d0),
    w1Start: rel(errAbs.w1Start, f.w1Start),
    w1End: rel(errAbs.w1End, f.w1End),
    deltaW1: rel(errAbs.deltaW1, f.deltaW1),
    eta: rel(errAbs.eta, f.eta),
    c1: rel(errAbs.c1, c1),
    wD: rel(errAbs.wD, wD),
    // housekeeping 0 (gradient field) has error 0; otherwise relative to itself
    housekeeping: rel(errAbs.housekeeping, housekeeping, Math.abs(housekeeping) || wD),
    c2: flow.conservative ? rel(errAbs.wD, wD) : rel(errAbs.c2, c2),
  };
  const flagged = Object.keys(errors).filter((k) => !(errors[k] <= FLAG_RELATIVE_ERROR));
  // coarse level, fine level, Richardson (W1-derived numbers only)
  // (3-D: d0 = the W1 lattices' coarse and fine D0, then D0 on its own lattice, the reported one)
  const values = {
    d0: d0Own ? [lc.d0, lf.d0, d0Own.value] : [c.d0, f.d0],
    w1Start: [c.w1Start, fRaw.w1Start, f.w1Start],
    w1End: [c.w1End, fRaw.w1End, f.w1End],
    eta: [c.eta, fRaw.eta, f.eta],
    c1: [c.c1, fRaw.c1, f.c1],
    wD: [c.wD, f.wD],
  };
  for (const [k, v] of Object.entries({ d0: f.d0, w1Start: f.w1Start, w1End: f.w1End, eta: f.eta, c1, c2, wD, housekeeping })) {
    if (!Number.isFinite(v)) throw new NumericalError(`${k} is not finite (got ${v})`);
  }

  const box = opts.snapshotBox ?? [-5, 5, -5, 5];
  const snapCells = opts.snapshotCells ?? 50;
  const forward: number[][] = [];
  const estimated: number[][] = [];
  if (dim === 2) {
    for (const j of snapIdx) {
      const x = lf.clouds.get(j)!;
      forward.push(densityGrid(flow, grid[j], box, snapCells) ?? histogram2d(x, lf.weightsTrue, box, snapCells));
      estimated.push(histogram2d(x, lf.weightsEst, box, snapCells));
    }
  }
  lap('snapshots');

  const slack = (v: number) => CHAIN_SLACK_ND * Math.abs(v) + 1e-15;
  const chainHolds = f.eta <= c1 + slack(c1) && c1 <= wD + slack(wD) && (!flow.conservative || c1 <= c2 + slack(c2));
  const checks: SpeedAccuracyNdCheck[] = [];
  // the node box holds all but ~exp(-halfWidth^2/2) of each Gaussian component (halfWidth 6:
  // < 1e-7 with the d-dimensional tail factor), and the trapezoid rule on a Gaussian with h <= std
  // errs by ~exp(-2 pi^2) ~ 3e-9: a captured mass further than 1e-6 from 1 means the box or the
  // grid misses part of P_tMax or of the perturbation
  const massErr = Math.max(Math.abs(lf.massStart - 1), Math.abs(lf.massPerturbation - 1));
  checks.push({ name: 'node-grid mass of P_tMax and of the perturbation, |mass - 1|', value: massErr, tolerance: 1e-6, ok: massErr <= 1e-6 });
  const hkMax = Math.max(0, ...splits.map((s) => s.housekeeping / Math.max(s.total, 1e-300)));
  checks.push({ name: 'max housekeeping/total (0 for conservative)', value: hkMax, tolerance: flow.conservative ? 0 : 1, ok: flow.conservative ? hkMax === 0 : hkMax <= 1 });
  // Monte Carlo cross-check of D0: E_{tilde P}[tilde P / P_tMax] - 1 over `d0Samples` seeded draws
  const d0Samples = opts.d0Samples ?? 20000;
  assertInteger(d0Samples, 'd0Samples', 2);
  const d0MonteCarlo = d0MonteCarloNd(flow, perturbation, d0Samples, new Rng(opts.seed ?? 1).fork());
  if (opts.mcVarianceFinite) {
    // 4 standard errors (false alarm rate 6e-5 for a Gaussian Monte Carlo error) plus the quadrature's own error estimate
    const dev = Math.abs(f.d0 - d0MonteCarlo.value);
    const tol = 4 * d0MonteCarlo.stderr + errAbs.d0;
    checks.push({ name: 'd0 quadrature vs Monte Carlo, |difference| (tolerance 4 MC standard errors + quadrature error)', value: dev, tolerance: tol, ok: dev <= tol });
  }
  lap('checks');
  return {
    protocol: flow.name,
    tau,
    dim,
    d0: f.d0,
    d0MonteCarlo,
    w1Start: f.w1Start,
    w1End: f.w1End,
    deltaW1: f.deltaW1,
    eta: f.eta,
    c1,
    c2,
    wD,
    housekeeping,
    v2Method: [...new Set(splits.map((s) => s.method))].join(','),
    chainHolds,
    conservative: flow.conservative,
    curves: {
      t: lf.tW1,
      w1: w1Rich,
      tMid: lf.tW1.slice(1).map((t, i) => 0.5 * (t + lf.tW1[i])),
      vLossSq: w1Rich.slice(1).map((w, i) => ((w - w1Rich[i]) / (lf.tW1[i + 1] - lf.tW1[i])) ** 2 / f.d0),
      tGrid: grid,
      tsDot,
      tSplit: hkT,
      v2sq: splits.map((s) => s.v2sq),
      housekeepingRate: hkR,
    },
    snapshots: { tOverTau: [0, 1 / 3, 2 / 3, 1], box: dim === 2 ? box : [], cells: dim === 2 ? snapCells : 0, forward, estimated },
    checks,
    estimator: 'quadrature',
    errors,
    flagged,
    convergence: {
      levels: [`${coarse} nodes/axis (${lc.nodes} nodes)`, `${cells} nodes/axis (${lf.nodes} nodes)`, d0Own ? 'Richardson (W1, eta, c1); D0 on its own lattice' : 'Richardson (W1, eta, c1)'],
      values,
      ...(blob ? { blob: blobInfo } : {}),
      ...(d0Own ? { d0: d0Info(d0Own) } : {}),
    },
    settings: {
      estimator: 'quadrature',
      cells,
      coarseCells: coarse,
      halfWidth,
      steps: G - 1,
      nW1: lf.tW1.length,
      nSplit: splits.length,
      tMin,
      tMax,
      // recorded only when on (the default runs' settings keep their keys)
      ...(opts.w1RefinementError === true ? { w1RefinementError: 'on' } : {}),
    },
    seconds,
  };
}

/** The `convergence.d0` record of a 3-D run: D0 on its own lattice ({@link d0LatticeNd}) and its error parts. */
function d0Info(r: ReturnType<typeof d0LatticeNd>): Record<string, number> {
  const [nx, ny, nz] = r.cells;
  return { value: r.value, err: r.err, level0: r.levels[0], level1: r.levels[1], spread: r.spread, tail: r.tail, rounding: r.rounding, cellsX: nx, cellsY: ny, cellsZ: nz, uniformBox: r.method === 'uniform-box' ? 1 : 0 };
}

/**
 * Per-blob W1 and T S_dot of point-mass data (2-D): Gauss-Hermite nodes of the two `orders` on every
 * blob at tMin, pushed forward to tMax (in the co-rotating frame of a rotational force, {@link pushBlobNodes};
 * the engine's ODE grid up to ~0.3 tau, each interval halved at
 * the high resolution, then 12 / 18 uniform steps for the low / high resolution); the blob masses of q follow from rho = tildeP / P_tMax at the
 * end points. W1 at each W1 time up to the join is the exact OT between the blob masses at the blob
 * centres (error per time: |high - low| (GH order and late time step together) + the aggregation bound), or
 * where that is the smaller, between the node masses ({@link blobNodeW1}; error |high - low|).
 * T S_dot at every push time is the blob rule sum_i a_i |nu|^2 ({@link pushBlobNodes}); its late part
 * (uniform steps) is integrated by Simpson's rule.
 */
function blobW1Values(flow: NdFlow, perturbation: PerturbationNd, grid: number[], w1Idx: number[], orders: [number, number], nodeW1: boolean) {
  const comps = flow.pointMassComponents!(flow.tMin);
  // W1 times and the ODE grid up to 0.3 tau (the join), where the lattice's T S_dot is still 1-2 % from
  // converged (Swiss roll, 48 nodes); W1 there from the blob centres or, past NODE_W1_FROM, the node OT
  const lastUpTo = (frac: number) => {
    let last = 0;
    for (let j = 0; j < grid.length; j++) if (grid[j] <= flow.tMin + frac * (flow.tMax - flow.tMin)) last = j;
    return last;
  };
  const join = lastUpTo(0.3);
  // W1 times kept: to the join with node-level OT; otherwise to 0.2 tau (later the centres' aggregation
  // bound exceeds the lattice's error)
  const w1Join = nodeW1 ? join : lastUpTo(0.2);
  const run = (order: number, late: number, refine: number) => {
    const nodes = pushBlobNodes(flow, comps, order, grid, w1Idx.filter((j) => j <= w1Join), join, late, refine);
    const q = blobQMasses(flow, perturbation, nodes);
    return { ...blobW1(nodes, q.b, flow.dim), b: q.b, sum: q.sum, nodes, lateIntegral: simpson(nodes.times.slice(nodes.joinPos), nodes.tsDot.slice(nodes.joinPos)) };
  };
  // late steps: 12 / 18 over [0.3 tau, tau] keep the step of 16 / 24 over [0.2 tau, tau]. (Chosen when the push ran on x,
  // where Eq. 99's rotation at g = 5, ~3.7 rad over the late window, needed steps of <= ~0.3 rad: 8 steps over [0.2 tau, tau]
  // gave W1End 15 % low. The push now runs in the co-rotating frame ({@link pushBlobNodes}), where the steps do not depend on g.)
  // the high resolution also halves the RK4 steps on the ODE grid, so |high - low| holds the low level's
  // time-stepping error (the two orders alone agree to 1e-14 at early times, where RK4 errs by ~1e-5)
  const lo = run(orders[0], 12, 1);
  const hi = run(orders[1], 18, 2);
  const centreErr = hi.w1.map((w, i) => Math.abs(w - lo.w1[i]) + hi.bound[i]);
  // node-level OT (no aggregation bound) at the kept times where the centres' aggregation bound exceeds
  // NODE_W1_FROM of W1 (earlier, the centres are as good and the node OT costs 2-5 s per time and order)
  const nodeTimes = nodeW1 ? hi.w1.map((_, i) => i).filter((i) => hi.bound[i] > NODE_W1_FROM * hi.w1[i]) : [];
  const nodeLo = blobNodeW1(lo.nodes, lo.b, flow.dim, nodeTimes);
  const nodeHi = blobNodeW1(hi.nodes, hi.b, flow.dim, nodeTimes);
  const w1 = hi.w1.slice();
  const w1Low = lo.w1.slice();
  const err = centreErr.slice();
  let nodeUsed = 0;
  for (const i of nodeTimes) {
    const e = Math.abs(nodeHi.w1[i] - nodeLo.w1[i]);
    if (!(e < centreErr[i])) continue;
    w1[i] = nodeHi.w1[i];
    w1Low[i] = nodeLo.w1[i];
    err[i] = e;
    nodeUsed++;
  }
  return {
    w1,
    w1Low,
    err,
    nodeTimes: nodeTimes.length,
    nodeUsed,
    massSum: hi.sum,
    join,
    tsDot: hi.nodes.gridTsDot,
    tsDotLow: lo.nodes.gridTsDot,
    // the high level's T S_dot at the midpoint of every ODE grid interval up to the join (its halved steps)
    tsDotMid: hi.nodes.tsDot.filter((_, m) => m < hi.nodes.joinPos && m % 2 === 1),
    lateIntegral: hi.lateIntegral,
    lateIntegralLow: lo.lateIntegral,
  };
}

/**
 * wD = int T S_dot dt for point-mass data, with T S_dot from the blobs at the first nBlob grid times and
 * from the fine lattice after them, or from the blobs everywhere (their ODE-grid values up to the join,
 * then Simpson over their late steps). Every split (nBlob = 0 .. join + 1, and all-blobs) is scored by
 * its stated error, the lattice part counted conservatively as sum_j w_j max(|fine_j - coarse_j|,
 * |fine_j - blob_j|) (the whole step and the distance from the blobs, per time: where the lattice is
 * unconverged its |fine - coarse| / r2 understates its error, and per-time absolute values do not
 * cancel; after the join, the same for the late integral); the split with the smallest score is used.
 * [0, tMin] and [tMax, tau] by constant extrapolation (weights `endLo`, `endHi`).
 * Time rule: on the blob grid times, trapezoid Richardson-corrected per interval against the high
 * level's interval midpoints (Simpson, exact halving); on the lattice times, against every other point.
 * Reported error: blob times' |high - low| (trapezoid weights) + the lattice part's |sum_j w_j
 * (fine_j - coarse_j)| / r2 + the time Richardson term (+ the late part's |high - low|).
 */
function blobWork(
  grid: number[],
  fine: number[],
  coarse: number[],
  blob: { join: number; tsDot: number[]; tsDotLow: number[]; tsDotMid: number[]; lateIntegral: number; lateIntegralLow: number },
  endLo: number,
  endHi: number,
  r2: number,
): { value: number; err: number; nBlob: number; late: boolean } {
  const G = grid.length;
  const { join } = blob;
  const weights = (t: number[]) => t.map((_, i) => 0.5 * ((i + 1 < t.length ? t[i + 1] - t[i] : 0) + (i > 0 ? t[i] - t[i - 1] : 0)));
  const lateErr = Math.abs(blob.lateIntegral - blob.lateIntegralLow);
  const canLate = join < G - 1;
  // scores: blob prefix errors + conservative lattice suffix errors on the whole grid (split nBlob) ...
  const wAll = weights(grid);
  wAll[0] += endLo;
  wAll[G - 1] += endHi;
  const be = blob.tsDot.map((v, j) => Math.abs(v - blob.tsDotLow[j]));
  // the lattice's error at a time: at least its whole fine - coarse step, and at least its distance from
  // the blobs' value (where the blobs are right within their smaller error, that distance is the
  // lattice's error: on 40 Swiss-roll points, g = 3, the lattice is 1.4 % high at 0.3 tau with a
  // fine - coarse step of ~0.1 %); after the join, the same for the integral over the late part
  const se = fine.map((v, j) => Math.max(Math.abs(v - coarse[j]), j <= join ? Math.abs(v - blob.tsDot[j]) : 0));
  let lateScore = 0;
  for (let j = join + 1; j < G; j++) lateScore += wAll[j] * Math.abs(fine[j] - coarse[j]);
  if (canLate) lateScore = Math.max(lateScore, Math.abs(trapezoid(grid.slice(join), fine.slice(join)) - blob.lateIntegral));
  let suffix = lateScore;
  for (let j = 0; j <= join; j++) suffix += wAll[j] * se[j];
  let best = { score: suffix, nBlob: 0, late: false };
  let prefix = 0;
  for (let n = 1; n <= join + 1; n++) {
    prefix += wAll[n - 1] * be[n - 1];
    suffix -= wAll[n - 1] * se[n - 1];
    if (prefix + suffix < best.score) best = { score: prefix + suffix, nBlob: n, late: false };
  }
  // ... and all blobs (the ODE grid to the join, then the late steps)
  if (canLate) {
    const wJ = weights(grid.slice(0, join + 1));
    wJ[0] += endLo;
    let e = lateErr;
    for (let j = 0; j <= join; j++) e += wJ[j] * be[j];
    if (e < best.score) best = { score: e, nBlob: join + 1, late: true };
  }
  const { nBlob, late } = best;
  const last = late ? join : G - 1;
  const t = grid.slice(0, last + 1);
  const f = fine.slice(0, last + 1).map((v, j) => (j < nBlob ? blob.tsDot[j] : v));
  // time rule: on the blob part [tMin, grid[b]] Richardson per interval against the high level's value at
  // the interval midpoint (= Simpson, exact halving); on the lattice part [grid[b], grid[last]] the
  // trapezoid Richardson-corrected against every other point. (Every-other-point Richardson is unreliable
  // on the log + uniform union grid, whose neighbouring steps differ up to 700x: on Swiss-roll draw 1,
  // g = 3, it left the [tMin, 0.3 tau] integral 0.08 % high against a cubic spline through the same values.)
  const b = Math.max(0, nBlob - 1);
  let tFine = 0;
  let tGrid = 0;
  for (let j = 0; j < b; j++) {
    tFine += 0.25 * (t[j + 1] - t[j]) * (f[j] + 2 * blob.tsDotMid[j] + f[j + 1]);
    tGrid += 0.5 * (t[j + 1] - t[j]) * (f[j] + f[j + 1]);
  }
  const tl = t.slice(b);
  const fl = f.slice(b);
  const h = trapezoid(tl, fl);
  const h2 = trapezoid(everyOther(tl), everyOther(fl));
  const timeValue = tFine + (tFine - tGrid) / 3 + h + (h - h2) / 3;
  const timeErr = Math.abs(tFine - tGrid) / 3 + Math.abs(h - h2) / 3;
  const w = weights(t);
  w[0] += endLo;
  if (!late) w[last] += endHi;
  let blobErr = 0;
  let latticeStep = 0;
  for (let j = 0; j <= last; j++) {
    if (j < nBlob) blobErr += w[j] * be[j];
    else latticeStep += w[j] * (fine[j] - coarse[j]);
  }
  const ends = endLo * f[0] + (late ? endHi * fine[G - 1] : endHi * f[last]);
  const value = ends + timeValue + (late ? blob.lateIntegral : 0);
  return { value, err: blobErr + Math.abs(latticeStep) / r2 + timeErr + (late ? lateErr : 0), nBlob, late };
}

/** int f dt by Simpson's rule on uniformly spaced points (t_i, f_i) (an even number of intervals; odd: trapezoid on the last one). */
function simpson(t: number[], f: number[]): number {
  const m = t.length - 1;
  if (m < 1) return 0;
  const h = (t[m] - t[0]) / m;
  const even = m - (m % 2);
  let s = 0;
  for (let i = 0; i + 2 <= even; i += 2) s += (h / 3) * (f[i] + 4 * f[i + 1] + f[i + 2]);
  if (even < m) s += 0.5 * h * (f[m - 1] + f[m]);
  return s;
}

/** W1(P_tMax, tildeP) on static start lattices of 64 and 80 nodes per axis (no flow): the 80 value, error |80 - 64|. */
function staticStartW1(flow: NdFlow, perturbation: PerturbationNd, halfWidth: number) {
  const values = [64, 80].map((cells) => quadratureLevel(flow, perturbation, { cells, grid: [flow.tMax], w1Idx: [0], halfWidth }).w1[0]);
  return { value: values[1], err: Math.abs(values[1] - values[0]), values };
}
