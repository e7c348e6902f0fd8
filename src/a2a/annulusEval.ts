/**
 * The Table 1b evaluation protocol on the quarter annulus (paper Sec. 5.1; reference
 * `synthetic_evaluator`): draw `pairs` condition pairs (theta1, theta2) ~ U[0, pi/2]^2; for each,
 * `points` sources from P_theta1 and `points` targets from P_theta2; the ground truth is the exact
 * OT assignment between them; transfer the sources with the model and average the squared error
 * per coordinate; average over the pairs; repeat `repeats` times (mean +- std over repeats).
 *
 * Also, on the same draws:
 * - the floor: the error of the exact population OT map (a rotation by theta2 - theta1: both
 *   conditionals are r (cos theta, sin theta) with r ~ U[1, 2], and for an angle below pi/2 the
 *   comonotone coupling r1 = r2 is optimal), i.e. what a perfect pairwise-OT model scores against
 *   the 100-point empirical ground truth;
 * - the thermodynamic view: per pair the path energy int_0^1 E|v|^2 dt of the learned transfer next
 *   to W2^2(P_theta1, P_theta2) = 2 (1 - cos(theta2 - theta1)) E[r^2], E[r^2] = 7/3 (exact), and
 *   their ratio (>= 1 for any transport of P_theta1 onto P_theta2 in unit time, Benamou-Brenier).
 */
import type { Rng } from '../core/rng.ts';
import { minibatchAssignment } from '../nn/train/minibatchAssignment.ts';
import { quarterAnnulusAt } from './datasets.ts';
import { meanStd } from './grouped.ts';

/** Transfers n points (x n x 2, c1/c2 n values) and returns x(1) and the per-row path energy. */
export type TransferFn = (x: Float64Array, c1: Float64Array, c2: Float64Array, n: number) => Promise<{ x: Float64Array; pathEnergyPerRow?: Float64Array }>;

/** Exact W2^2 between the quarter-annulus conditionals at theta1, theta2 (|theta2 - theta1| <= pi/2). */
export function annulusW2Sq(theta1: number, theta2: number): number {
  return 2 * (1 - Math.cos(theta2 - theta1)) * (7 / 3);
}

/** Result of {@link evaluateAnnulus}. */
export interface AnnulusEvaluation {
  mse: { mean: number; std: number; runs: number[] };
  floor: { mean: number; std: number; runs: number[] };
  /** Mean over all pairs of the path energy, of W2^2, their ratio of sums, and the median per-pair ratio. */
  thermo: { pathEnergy: number; w2sq: number; ratio: number; medianPairRatio: number } | null;
  pairs: number;
  points: number;
}

/** Run the protocol; every transfer call gets all `pairs * points` rows of one repeat at once. */
export async function evaluateAnnulus(
  transfer: TransferFn,
  rng: Rng,
  opts: { pairs?: number; points?: number; repeats?: number; onRepeat?: (k: number, mse: number) => void } = {},
): Promise<AnnulusEvaluation> {
  const P = opts.pairs ?? 100;
  const m = opts.points ?? 100;
  const R = opts.repeats ?? 10;
  const mses: number[] = [];
  const floors: number[] = [];
  const energies: number[] = [];
  const w2s: number[] = [];
  let haveEnergy = true;
  for (let r = 0; r < R; r++) {
    const n = P * m;
    const xs = new Float64Array(2 * n);
    const c1 = new Float64Array(n);
    const c2 = new Float64Array(n);
    const truth = new Float64Array(2 * n);
    const rot = new Float64Array(2 * n);
    const thetas: [number, number][] = [];
    for (let p = 0; p < P; p++) {
      const th1 = (Math.PI / 2) * rng.uniform();
      const th2 = (Math.PI / 2) * rng.uniform();
      thetas.push([th1, th2]);
      const src = quarterAnnulusAt(th1, m, rng);
      const tgt = quarterAnnulusAt(th2, m, rng);
      const C = new Float64Array(m * m);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) C[i * m + j] = (src[2 * i] - tgt[2 * j]) ** 2 + (src[2 * i + 1] - tgt[2 * j + 1]) ** 2;
      }
      const perm = minibatchAssignment(C, m);
      const cs = Math.cos(th2 - th1);
      const sn = Math.sin(th2 - th1);
      for (let i = 0; i < m; i++) {
        const row = p * m + i;
        xs[2 * row] = src[2 * i];
        xs[2 * row + 1] = src[2 * i + 1];
        c1[row] = th1;
        c2[row] = th2;
        truth[2 * row] = tgt[2 * perm[i]];
        truth[2 * row + 1] = tgt[2 * perm[i] + 1];
        rot[2 * row] = cs * src[2 * i] - sn * src[2 * i + 1];
        rot[2 * row + 1] = sn * src[2 * i] + cs * src[2 * i + 1];
      }
    }
    const out = await transfer(xs, c1, c2, n);
    let se = 0;
    let sf = 0;
    for (let i = 0; i < 2 * n; i++) {
      se += (out.x[i] - truth[i]) ** 2;
      sf += (rot[i] - truth[i]) ** 2;
    }
    // per pair then averaged over pairs = overall mean (equal pair sizes)
    mses.push(se / (2 * n));
    floors.push(sf / (2 * n));
    opts.onRepeat?.(r, se / (2 * n));
    if (out.pathEnergyPerRow) {
      for (let p = 0; p < P; p++) {
        let e = 0;
        for (let i = 0; i < m; i++) e += out.pathEnergyPerRow[p * m + i];
        energies.push(e / m);
        w2s.push(annulusW2Sq(thetas[p][0], thetas[p][1]));
      }
    } else {
      haveEnergy = false;
    }
  }
  let thermo: AnnulusEvaluation['thermo'] = null;
  if (haveEnergy && energies.length > 0) {
    const sumE = energies.reduce((a, b) => a + b, 0);
    const sumW = w2s.reduce((a, b) => a + b, 0);
    const ratios = energies.map((e, i) => e / w2s[i]).sort((a, b) => a - b);
    thermo = { pathEnergy: sumE / energies.length, w2sq: sumW / w2s.length, ratio: sumE / sumW, medianPairRatio: ratios[Math.floor(ratios.length / 2)] };
  }
  return { mse: { ...meanStd(mses), runs: mses }, floor: { ...meanStd(floors), runs: floors }, thermo, pairs: P, points: m };
}
