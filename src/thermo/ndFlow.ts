import { InputError } from '../core/errors.ts';
import { gaussLegendre } from '../core/quadrature.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';
import { gradientProjection2d } from '../fields/gradientProjection.ts';
import type { LinearForceMixtureField, MarginalComponents } from '../fields/linearForceMixtureField.ts';
import type { OtProtocolField } from '../fields/otProtocolField.ts';
import { evaluateGaussianSum, isotropicGaussianSum } from '../fields/isotropicGaussianSum.ts';

/** Split of T S_dot at one time into excess (v2^2) and housekeeping parts. */
export interface ExcessHousekeeping {
  t: number;
  /** int |nu|^2 P (T S_dot_tot). */
  total: number;
  /** v2^2. */
  v2sq: number;
  /** Housekeeping rate int |nu_hk|^2 P. */
  housekeeping: number;
  /** How it was computed: `gradient-field` (nu is a gradient: housekeeping = 0 exactly),
   * `poisson-grid` (weighted Poisson projection) or `separated-blobs` (narrow-component limit). */
  method: 'gradient-field' | 'poisson-grid' | 'separated-blobs';
}

/**
 * A forward protocol in n dimensions as the speed-accuracy engine needs it: the (exact or
 * estimated) velocity nu_t shared by the true and the estimated reverse processes, exact samples
 * and density of the true reverse start P_tau, and the excess/housekeeping split.
 */
export interface NdFlow {
  readonly name: string;
  readonly dim: number;
  readonly tau: number;
  /** Reverse integration stops at forward time tMin (> 0 when P_0 is singular, e.g. point masses). */
  readonly tMin: number;
  /** Reverse integration starts at forward time tMax (< tau when nu is singular at tau, e.g. cosine). */
  readonly tMax: number;
  /**
   * Smallest component variance of the start law P_tMax when it is a Gaussian mixture: D0 is
   * finite only if every perturbation component has variance < 2 startMinVariance (tail condition).
   */
  readonly startMinVariance?: number;
  /** True when nu_t is a gradient field at every t (no housekeeping). */
  readonly conservative: boolean;
  velocity(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  sampleStart(n: number, rng: Rng): Points;
  /** ln P_t of the forward process where known (exact mixture, or the OT kernel density estimate). */
  logDensity?(t: number, x: Float64Array, n: number): Float64Array;
  startLogDensity(x: Float64Array, n: number): Float64Array;
  /** A box [lo, hi] per axis around P_tMax: component means +- halfWidth x the largest component std. */
  startBox(halfWidth: number): { lo: number[]; hi: number[] };
  /** Excess/housekeeping split at time t; `total` is given (Monte Carlo) for `gradient-field`. */
  split(t: number, totalMc: number): ExcessHousekeeping;
  /** Point-mass data only: the components of P_t (narrow blobs at tMin), for the per-blob W1 nodes. */
  pointMassComponents?(t: number): MarginalComponents;
  /**
   * The Gaussian mixture components of the reverse start P_tMax (means, covariances, weights), for
   * D0 on its own lattice in 3-D ({@link d0LatticeNd}); flows without it keep the W1 lattice's D0.
   */
  startComponents?(): MarginalComponents;
  /**
   * 2-D flows with a rotational force only: the rate omega_t of the rigid rotation omega_t J x in nu_t
   * (J = [[0, -1], [1, 0]]; for a linear force A_t, omega_t = (A_21 - A_12) / 2, G_t in Eq. 99) and its angle
   * Phi_t = int_0^t omega (d Phi / dt = omega_t). The per-blob push integrates in the frame turning with Phi
   * (`pushBlobNodes`, pointMassBlobs.ts). Absent when the force is symmetric (omega = 0).
   */
  rotation?: { rate(t: number): number; angle(t: number): number };
}

/** Options of {@link processFlow}. */
export interface ProcessFlowOptions {
  /** Smallest forward time. @default 1e-3 tau for point-mass data, 0 otherwise */
  tMin?: number;
  /** Largest forward time (the reverse start). @default tau */
  tMax?: number;
  /** Largest Poisson grid (cells per axis); finer needs fall back to the separated-blob formula. @default 128 */
  maxCells?: number;
}

/**
 * Flow of a linear-force process over mixture data (exact velocity, exact marginals).
 * Housekeeping: 0 when every A_t is symmetric (then nu = grad(x.A x/2 + b.x) - T grad ln P is a
 * gradient); otherwise, in 2-D, the weighted Poisson projection ({@link gradientProjection2d}) on a
 * box around the components with cell size <= min component std / 2, and when that would need
 * more than `maxCells` cells per axis, the separated-blob limit
 * housekeeping = ||(A - A^T)/2||_F^2 sum_k w_k gamma_k (exact for one isotropic Gaussian; for
 * narrow, well-separated components each blob's rotation about its own centre is divergence-free
 * w.r.t. that blob while the rotation of its centre is a gradient).
 */
export function processFlow(field: LinearForceMixtureField, opts: ProcessFlowOptions = {}): NdFlow {
  const { process } = field;
  const tau = process.tau;
  const dim = field.dim;
  const tMin = opts.tMin ?? (field.pointMasses ? 1e-3 * tau : 0);
  const tMax = opts.tMax ?? tau;
  if (!(tMin >= 0 && tMin < tMax && tMax <= tau)) {
    throw new InputError(`expected 0 <= tMin < tMax <= ${tau}, got tMin=${tMin}, tMax=${tMax}`, 'tMin');
  }
  let startMinVariance = Infinity;
  for (const v of field.components(tMax).minVariances) startMinVariance = Math.min(startMinVariance, v);
  const maxCells = opts.maxCells ?? 128;
  const antisymSq = (t: number): number => {
    const A = process.forceMatrix(t);
    let s = 0;
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) s += (0.5 * (A[i * dim + j] - A[j * dim + i])) ** 2;
    return s;
  };
  let conservative = true;
  for (let i = 0; i <= 20; i++) if (antisymSq((tau * i) / 20) > 0) conservative = false;
  // 2-D rotation rate (A_21 - A_12) / 2 and its angle by 8-point Gauss-Legendre on 16 panels of [0, t]
  // (exact for polynomial rates of degree <= 15, e.g. Eq. 99's G_t = g (1 - t/tau), up to rounding)
  const rate = (t: number) => {
    const A = process.forceMatrix(t);
    return 0.5 * (A[2] - A[1]);
  };
  const gl = gaussLegendre(8);
  const angle = (t: number) => {
    const w = t / 16;
    let s = 0;
    for (let p = 0; p < 16; p++) for (let q = 0; q < gl.nodes.length; q++) s += gl.weights[q] * rate((p + 0.5 + 0.5 * gl.nodes[q]) * w);
    return 0.5 * w * s;
  };
  return {
    name: process.name,
    dim,
    tau,
    tMin,
    tMax,
    startMinVariance,
    conservative,
    velocity: (t, x, n, out) => field.velocity(t, x, n, out),
    sampleStart: (n, rng) => field.sample(tMax, n, rng),
    logDensity: (t, x, n) => field.logDensity(t, x, n),
    startLogDensity: (x, n) => field.logDensity(tMax, x, n),
    ...(field.pointMasses ? { pointMassComponents: (t: number) => field.components(t) } : {}),
    startComponents: () => field.components(tMax),
    ...(dim === 2 && !conservative ? { rotation: { rate, angle } } : {}),
    startBox(halfWidth) {
      const c = field.components(tMax);
      const lo = new Array<number>(dim).fill(Infinity);
      const hi = new Array<number>(dim).fill(-Infinity);
      for (let j = 0; j < c.k; j++) {
        const r = halfWidth * Math.sqrt(c.maxVariances[j]);
        for (let d = 0; d < dim; d++) {
          lo[d] = Math.min(lo[d], c.means[j * dim + d] - r);
          hi[d] = Math.max(hi[d], c.means[j * dim + d] + r);
        }
      }
      return { lo, hi };
    },
    split(t, totalMc) {
      const a2 = antisymSq(t);
      if (a2 === 0) return { t, total: totalMc, v2sq: totalMc, housekeeping: 0, method: 'gradient-field' };
      const c = field.components(t);
      let minSd = Infinity;
      let maxSd = 0;
      let meanVar = 0;
      for (let j = 0; j < c.k; j++) {
        minSd = Math.min(minSd, Math.sqrt(c.minVariances[j]));
        maxSd = Math.max(maxSd, Math.sqrt(c.maxVariances[j]));
        meanVar += c.weights[j] * c.variances[j];
      }
      if (dim === 2) {
        let x0 = Infinity;
        let x1 = -Infinity;
        let y0 = Infinity;
        let y1 = -Infinity;
        for (let j = 0; j < c.k; j++) {
          x0 = Math.min(x0, c.means[2 * j]);
          x1 = Math.max(x1, c.means[2 * j]);
          y0 = Math.min(y0, c.means[2 * j + 1]);
          y1 = Math.max(y1, c.means[2 * j + 1]);
        }
        const pad = 7 * maxSd;
        const width = Math.max(x1 - x0, y1 - y0) + 2 * pad;
        const cells = Math.max(32, Math.ceil(width / (minSd / 2)));
        if (cells <= maxCells) {
          const cx = 0.5 * (x0 + x1);
          const cy = 0.5 * (y0 + y1);
          const r = gradientProjection2d(
            {
              logDensity: (x, n) => field.logDensity(t, x, n),
              velocity: (x, n) => field.velocity(t, x, n),
              densityAndVelocity: (x, n) => field.densityAndVelocity(t, x, n),
            },
            { box: [cx - width / 2, cx + width / 2, cy - width / 2, cy + width / 2], cells },
          );
          return { t, total: r.total, v2sq: r.excess, housekeeping: r.housekeeping, method: 'poisson-grid' };
        }
      }
      const hk = a2 * meanVar;
      return { t, total: totalMc, v2sq: Math.max(totalMc - hk, 0), housekeeping: hk, method: 'separated-blobs' };
    },
  };
}

/**
 * Flow of the OT protocol: displacement interpolation from the data to the Gaussian target, with the
 * exact semi-discrete velocity (2-D point clouds) or the kernel (Eq. G19) estimate. The true reverse start is the exact end law N(mean, std^2 I) the
 * target cloud was drawn from (fresh samples, exact density). An OT velocity is a gradient (T4),
 * so housekeeping is 0 by construction and v2^2 = int |nu|^2 P.
 */
export function otFlow(field: OtProtocolField, end: { mean: number[]; std: number }): NdFlow {
  const dim = field.dim;
  if (end.mean.length !== dim) throw new InputError(`expected ${dim} coordinates, got ${end.mean.length}`, 'ot.end.mean');
  const g = isotropicGaussianSum(Float64Array.from(end.mean), [end.std * end.std], [1], dim, 'ot.end');
  return {
    name: 'ot',
    dim,
    tau: field.tau,
    tMin: field.tMin,
    tMax: field.tau,
    startMinVariance: end.std * end.std,
    conservative: true,
    velocity: (t, x, n, out) => field.velocity(t, x, n, out),
    logDensity: (t, x, n) => field.logDensity(t, x, n),
    sampleStart(n, rng) {
      const out = new Float64Array(n * dim);
      for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) out[i * dim + d] = end.mean[d] + end.std * rng.normal();
      return { data: out, n, dim };
    },
    startLogDensity(x, n) {
      const out = new Float64Array(n);
      evaluateGaussianSum(g, x, n, { logDensity: out });
      return out;
    },
    startBox: (halfWidth) => ({ lo: end.mean.map((m) => m - halfWidth * end.std), hi: end.mean.map((m) => m + halfWidth * end.std) }),
    startComponents: () => {
      const v = Float64Array.of(end.std * end.std);
      return { t: field.tau, dim, k: 1, means: Float64Array.from(end.mean), variances: v, minVariances: v, maxVariances: v, covariances: null, weights: Float64Array.of(1) };
    },
    split: (t, totalMc) => ({ t, total: totalMc, v2sq: totalMc, housekeeping: 0, method: 'gradient-field' }),
  };
}
