/**
 * The grouped synthetic experiment of A2A-FM (paper Sec. 5.1, Fig. 3a, Table 1a): no network,
 * the coupling alone. 3 classes x `perClass` points (datasets.ts `groupedMixture`); a uniformly
 * random permutation sigma of the rows gives each row i a target class c_sigma(i): B1 = the data,
 * B2 = the data permuted by sigma, so source row i = (x_i, c_i, c_sigma(i)) and target row
 * j = (x_sigma(j), c_j, c_sigma(j)). The A2A coupling pi* (beta in the paper's convention; the
 * paper's notebook scales conditions by 100, beta = 10^4) sends x_i to x_sigma(pi*(i)).
 *
 * Ground truth: T_{a->b} = the exact OT map between the full class sets a and b (an assignment,
 * identity for a = b). Generalized geodesic baseline: a reference set of `perClass` points from
 * N(0, 0.1^2 I) is mapped exactly to each class (S_c, an assignment), and
 * T_{a->b} = S_b o S_a^{-1} with the EXACT inverse of the assignment S_a.
 * Metric (as the reference code): mean over all rows (same-class pairs included) and both
 * coordinates of (T(x_i) - T_OT(x_i))^2.
 */
import { InputError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { minibatchAssignment } from '../nn/train/minibatchAssignment.ts';
import { type ConditionalSamples, a2aCoupling, betaFromCodeScale } from './coupling.ts';
import { groupedMixture } from './datasets.ts';

/** The paper's beta for the grouped experiment: the notebook scales conditions by 100. */
export const GROUPED_BETA = betaFromCodeScale(100);

/** One run of {@link groupedRun}. */
export interface GroupedRunResult {
  /** MSE per coordinate of the A2A coupling's transfer vs the pairwise OT maps. */
  a2a: number;
  /** Same for the generalized geodesic with the exact inverse map. */
  geodesic: number;
  /** Rows whose matched target has another class than requested (0 for large beta). */
  wrongClass: number;
  /** Seconds spent in the A2A coupling (3 perClass rows). */
  couplingSeconds: number;
  /** Which exact solver the coupling used. */
  solver: string;
}

/**
 * Exact assignment between two equal-size 2-D point sets: rowToCol. The dense Jonker-Volgenant
 * solver: 1.1 s vs 1.7 s CPU (class to class) and 0.37-0.40 s vs 0.65-0.78 s (reference to class)
 * for the sparse solveAssignment at n = 1000 (measured, docs/a2a.md).
 */
function assign2d(a: Float64Array, b: Float64Array, n: number): Int32Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) C[i * n + j] = (a[2 * i] - b[2 * j]) ** 2 + (a[2 * i + 1] - b[2 * j + 1]) ** 2;
  }
  return minibatchAssignment(C, n);
}

/**
 * One run of the grouped experiment (Table 1a).
 * @param opts.perClass points per class (paper 1000); opts.beta paper-convention beta (default 10^4).
 */
export function groupedRun(rng: Rng, opts: { perClass?: number; beta?: number } = {}): GroupedRunResult {
  const m = opts.perClass ?? 1000;
  const beta = opts.beta ?? GROUPED_BETA;
  if (!Number.isInteger(m) || m < 2) throw new InputError(`expected perClass >= 2, got ${m}`, 'groupedRun');
  const data = groupedMixture(m, rng);
  const n = data.n;
  const cls = (i: number) => data.c[i];
  const classX = (c: number) => data.x.slice(2 * c * m, 2 * (c + 1) * m);
  const X = [classX(0), classX(1), classX(2)];
  // ground truth: T[a][b][i] = index (in class b) of the image of class-a point i
  const T: Int32Array[][] = [[], [], []];
  const identity = Int32Array.from({ length: m }, (_, i) => i);
  for (let a = 0; a < 3; a++) T[a][a] = identity;
  for (let a = 0; a < 3; a++) {
    for (let b = a + 1; b < 3; b++) {
      const p = assign2d(X[a], X[b], m);
      const inv = new Int32Array(m);
      for (let i = 0; i < m; i++) inv[p[i]] = i;
      T[a][b] = p;
      T[b][a] = inv;
    }
  }
  // A2A coupling
  const sigma = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const b2: ConditionalSamples = { x: new Float64Array(2 * n), c: new Float64Array(n), n, dx: 2, dc: 1 };
  for (let j = 0; j < n; j++) {
    b2.x[2 * j] = data.x[2 * sigma[j]];
    b2.x[2 * j + 1] = data.x[2 * sigma[j] + 1];
    b2.c[j] = data.c[sigma[j]];
  }
  const t0 = performance.now();
  const coupling = a2aCoupling(data, b2, { beta });
  const couplingSeconds = (performance.now() - t0) / 1000;
  let sA = 0;
  let wrongClass = 0;
  for (let i = 0; i < n; i++) {
    const a = cls(i);
    const b = cls(sigma[i]); // requested target class
    const j = sigma[coupling.perm[i]]; // data index of the matched target
    if (cls(j) !== b) wrongClass++;
    const truth = T[a][b][i - a * m] + b * m;
    for (let k = 0; k < 2; k++) {
      const d = data.x[2 * j + k] - data.x[2 * truth + k];
      sA += d * d;
    }
  }
  // generalized geodesic through N(0, 0.1^2 I)
  const ref = new Float64Array(2 * m);
  for (let i = 0; i < 2 * m; i++) ref[i] = 0.1 * rng.normal();
  const S = X.map((x) => assign2d(ref, x, m)); // S[c][r] = class-c index of the image of reference point r
  const Sinv = S.map((s) => {
    const inv = new Int32Array(m);
    for (let r = 0; r < m; r++) inv[s[r]] = r;
    return inv;
  });
  let sG = 0;
  for (let i = 0; i < n; i++) {
    const a = cls(i);
    const b = cls(sigma[i]);
    const ia = i - a * m;
    const est = S[b][Sinv[a][ia]] + b * m;
    const truth = T[a][b][ia] + b * m;
    for (let k = 0; k < 2; k++) {
      const d = data.x[2 * est + k] - data.x[2 * truth + k];
      sG += d * d;
    }
  }
  return { a2a: sA / (2 * n), geodesic: sG / (2 * n), wrongClass, couplingSeconds, solver: coupling.solver };
}

/** Mean and sample standard deviation (n - 1). */
export function meanStd(v: readonly number[]): { mean: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, std };
}

/** Table 1a: `runs` independent runs; mean and std of both methods. */
export function groupedExperiment(
  rng: Rng,
  opts: { runs: number; perClass?: number; beta?: number; onRun?: (k: number, r: GroupedRunResult) => void },
): { a2a: { mean: number; std: number; runs: number[] }; geodesic: { mean: number; std: number; runs: number[] }; beta: number; perClass: number; details: GroupedRunResult[] } {
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new InputError(`expected runs >= 1, got ${opts.runs}`, 'groupedExperiment.runs');
  const details: GroupedRunResult[] = [];
  for (let k = 0; k < opts.runs; k++) {
    const r = groupedRun(rng, opts);
    details.push(r);
    opts.onRun?.(k, r);
  }
  const a = details.map((d) => d.a2a);
  const g = details.map((d) => d.geodesic);
  return {
    a2a: { ...meanStd(a), runs: a },
    geodesic: { ...meanStd(g), runs: g },
    beta: opts.beta ?? GROUPED_BETA,
    perClass: opts.perClass ?? 1000,
    details,
  };
}
