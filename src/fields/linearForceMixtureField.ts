import { cholesky, congruence, lowerTimes } from '../core/cholesky.ts';
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';
import { symmetricEigenRange } from '../core/symmetricEigenRange.ts';
import { isIsotropicMoments, type LinearForceProcess, type ProcessMoments } from '../processes/linearForceProcess.ts';
import { evaluateGaussianSumIndexed, gaussianSumIndex, type GaussianSumIndex } from './gaussianSumIndex.ts';
import { type GaussianSumOutputs, evaluateGaussianSum, isotropicGaussianSum } from './isotropicGaussianSum.ts';
import { type ComponentMatrices, evaluateMixtureKernel, type MixtureKernel, precisionsOf, traceProducts } from './mixtureKernel.ts';

/**
 * Mixture data: sum_k w_k N(m_k, std_k^2 I), or sum_k w_k N(m_k, C_k) when `covariances` is present.
 * Structurally the same as `GaussianMixture` of src/data/gaussianMixture.ts; empirical data (point
 * masses) is the case std_k = 0, w_k = 1/n (see {@link mixtureFromPoints}).
 */
export interface MixtureData {
  readonly dim: number;
  readonly k: number;
  /** k x dim. */
  readonly means: Float64Array;
  /** k, >= 0 (with `covariances`: a scale only, sqrt of the largest eigenvalue). */
  readonly stds: Float64Array;
  /** k, >= 0, summing to 1. */
  readonly weights: Float64Array;
  /** Full covariances C_k, k x dim x dim (symmetric positive definite), or absent (isotropic). */
  readonly covariances?: Float64Array;
}

/** Empirical data as a mixture of point masses with equal weights 1/n. */
export function mixtureFromPoints(p: Points): MixtureData {
  if (p.n < 1) throw new InputError('expected at least one data point, got none', 'data');
  return { dim: p.dim, k: p.n, means: p.data, stds: new Float64Array(p.n), weights: new Float64Array(p.n).fill(1 / p.n) };
}

/** The forward marginal P_t = sum_k w_k N(means_k, V_k) at one time. */
export interface MarginalComponents {
  t: number;
  dim: number;
  k: number;
  /** Component means mu_k(t) = phi_t m_k + shift_t, k x dim. */
  means: Float64Array;
  /**
   * Isotropic components (V_k = variances[k] I): gamma_k(t) = std_k^2 a_t + s_t (phi phi^T = a_t I,
   * Sigma_t = s_t I). Full components: tr(V_k)/dim, the mean variance over directions.
   */
  variances: Float64Array;
  /** Smallest / largest eigenvalue of V_k (= variances for isotropic components). */
  minVariances: Float64Array;
  maxVariances: Float64Array;
  /** V_k = phi_t C_k phi_t^T + Sigma_t as k x dim x dim, or null when every V_k is isotropic. */
  covariances: Float64Array | null;
  weights: Float64Array;
}

/** Outputs of {@link LinearForceMixtureField.evaluate} (each optional). */
export interface FieldOutputs {
  /** ln P_t, n. */
  logDensity?: Float64Array;
  /** grad ln P_t, n x dim. */
  score?: Float64Array;
  /** nu_t, n x dim. */
  velocity?: Float64Array;
  /** div nu_t, n. */
  divergence?: Float64Array;
}

/** Exact forward marginal P_t and its velocity for mixture data under a linear-force process. */
export interface LinearForceMixtureField {
  readonly dim: number;
  readonly tau: number;
  readonly process: LinearForceProcess;
  readonly data: MixtureData;
  /** True when every component has std 0 (then t = 0 is singular: use t > 0). */
  readonly pointMasses: boolean;
  /**
   * How the velocity is formed: `posterior-mean` (scalar-force processes, e.g. (m, sigma)
   * schedules: finite on all of [0, tau]) or `force` (nu = A x + b - T grad ln P, Eq. 1).
   */
  readonly velocityForm: 'posterior-mean' | 'force';
  components(t: number): MarginalComponents;
  /** ln P_t(x_i), n values. */
  logDensity(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** grad ln P_t(x_i), n x dim. */
  score(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** nu_t(x_i) = A_t x + b_t - T_t grad ln P_t(x_i) (Eq. 1), n x dim. */
  velocity(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /**
   * div nu_t(x_i), n values: the rate d ln P_t(x_t)/dt = -div nu_t(x_t) along a trajectory of nu
   * (Liouville). Closed form: see {@link evaluateMixtureKernel}.
   */
  divergence(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** Any of ln P_t, score, nu_t and div nu_t in one kernel pass. */
  evaluate(t: number, x: Float64Array, n: number, out: FieldOutputs): void;
  /** ln P_t and nu_t in one kernel pass (half the cost of calling both). */
  densityAndVelocity(t: number, x: Float64Array, n: number): { logDensity: Float64Array; velocity: Float64Array };
  /** n exact draws from P_t (component by weight, then Gaussian). Draws: 1 uniform + dim normals each. */
  sample(t: number, n: number, rng: Rng): Points;
}

/** The components at one time plus the kernel (null when some V_k is singular). */
interface Prepared {
  comps: MarginalComponents;
  /** The covariance layout of the V_k. */
  layout: ComponentMatrices;
  kernel: MixtureKernel | null;
  /**
   * Isotropic fast path (scalar layout, no divergence): the a/b/c kernel, plus the per-component
   * values [h_k, g_k] of the posterior form (null for the force form).
   */
  iso: { sum: ReturnType<typeof isotropicGaussianSum>; values: Float64Array | null; index: GaussianSumIndex | null } | null;
}

/** From this many components on (dim <= 3) the isotropic fast path visits only nearby components ({@link gaussianSumIndex}). */
export const INDEXED_MIN_COMPONENTS = 64;

/**
 * Exact marginal field of mixture data q = sum_k w_k N(m_k, C_k) (C_k = std_k^2 I or a full
 * covariance) under a linear-force process (Eqs. 16-17, B3-B4):
 *   P_t = sum_k w_k N(mu_k(t), V_k(t)),  mu_k(t) = phi_t m_k + shift_t,  V_k(t) = phi_t C_k phi_t^T + Sigma_t.
 * Three layouts of the V_k, chosen per time: `scalar` (isotropic data and isotropic moments,
 * phi phi^T = a_t I, Sigma_t = s_t I: the fast path of the Swiss roll and the schedules), `shared`
 * (isotropic data with one std, e.g. point clouds, under a non-isotropic process: one Cholesky
 * factorisation per time, O(k d) per query) and `full` (full covariances: one Cholesky per component
 * and time, O(k d^2) per query).
 *
 * Velocity: for processes that declare `momentRates` (scalar force, e.g. `scheduleProcess`) the
 * posterior-mean form nu = sum_k r_k [d mu_k/dt + (1/2) dV_k/dt V_k^{-1} (x - mu_k)] (paper Eq. 97
 * generalised to full covariances: with x = m y + sigma eps it is E[dm y + dsigma eps | x]),
 * finite on all of [0, tau] even where A_t and T_t diverge; otherwise nu = A_t x + b_t - T_t grad ln P_t
 * (Eq. 1). For a scalar force the two agree exactly (A + T V^{-1} = (1/2) V' V^{-1} when A = a I).
 * Divergence: closed form (see {@link evaluateMixtureKernel}).
 * All sums are log-sum-exp stable. Point-mass data (empirical) is singular at t = 0.
 * The components of the last time asked for are cached (one entry).
 * @throws InputError if dims differ, t is outside [0, tau], or P_t is singular (point masses at
 *   t = 0) for a density/score/velocity.
 */
export function linearForceMixtureField(process: LinearForceProcess, data: MixtureData): LinearForceMixtureField {
  if (process.dim !== data.dim) {
    throw new InputError(`process is ${process.dim}-dimensional but data is ${data.dim}-dimensional`, 'data.dim');
  }
  const dim = data.dim;
  const dd = dim * dim;
  const { k } = data;
  if (data.covariances && data.covariances.length !== k * dd) {
    throw new InputError(`expected ${k} covariances of ${dim}x${dim}, got ${data.covariances.length} values`, 'data.covariances');
  }
  let pointMasses = !data.covariances;
  for (let j = 0; j < k; j++) if (data.stds[j] !== 0) pointMasses = false;
  let equalStds = !data.covariances;
  for (let j = 1; j < k; j++) if (data.stds[j] !== data.stds[0]) equalStds = false;
  const posteriorForm = typeof process.momentRates === 'function';
  let cacheT = Number.NaN;
  let cache: Prepared | null = null;

  const prepare = (t: number): Prepared => {
    if (cache && t === cacheT) return cache;
    if (!(t >= 0 && t <= process.tau)) throw new InputError(`expected t in [0, ${process.tau}], got ${t}`, 'field.t');
    const mom = process.moments(t);
    const means = new Float64Array(k * dim);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < dim; i++) {
        let v = mom.shift[i];
        for (let l = 0; l < dim; l++) v += mom.phi[i * dim + l] * data.means[j * dim + l];
        means[j * dim + i] = v;
      }
    }
    const isoMoments = isIsotropicMoments(mom, dim);
    const variances = new Float64Array(k);
    const minVariances = new Float64Array(k);
    const maxVariances = new Float64Array(k);
    let layout: ComponentMatrices;
    let covariances: Float64Array | null = null;
    if (!data.covariances && isoMoments) {
      let at = 0;
      for (let d = 0; d < dim; d++) at += mom.phi[d] * mom.phi[d];
      const st = mom.cov[0];
      for (let j = 0; j < k; j++) variances[j] = data.stds[j] * data.stds[j] * at + st;
      minVariances.set(variances);
      maxVariances.set(variances);
      layout = { kind: 'scalar', values: variances };
    } else {
      const vOf = (c: Float64Array) => {
        const v = congruence(mom.phi, c, dim);
        for (let i = 0; i < dd; i++) v[i] += mom.cov[i];
        return v;
      };
      covariances = new Float64Array(k * dd);
      if (equalStds) {
        const s2 = data.stds[0] * data.stds[0];
        const v = vOf(scaledIdentity(s2, dim));
        for (let j = 0; j < k; j++) covariances.set(v, j * dd);
        layout = { kind: 'shared', matrix: v };
      } else {
        for (let j = 0; j < k; j++) {
          const c = data.covariances ? data.covariances.subarray(j * dd, (j + 1) * dd) : scaledIdentity(data.stds[j] ** 2, dim);
          covariances.set(vOf(c), j * dd);
        }
        layout = { kind: 'full', matrices: covariances };
      }
      for (let j = 0; j < k; j++) {
        const block = covariances.subarray(j * dd, (j + 1) * dd);
        let tr = 0;
        for (let i = 0; i < dim; i++) tr += block[i * dim + i];
        variances[j] = tr / dim;
        const r = layout.kind === 'shared' && j > 0 ? { min: minVariances[0], max: maxVariances[0] } : symmetricEigenRange(block, dim);
        minVariances[j] = r.min;
        maxVariances[j] = r.max;
      }
    }
    const comps: MarginalComponents = { t, dim, k, means, variances, minVariances, maxVariances, covariances, weights: data.weights };
    const prec = precisionsOf(layout, data.weights, k, dim);
    let kernel: MixtureKernel | null = null;
    let iso: Prepared['iso'] = null;
    if (!('failed' in prec)) {
      const base = { dim, k, centers: means, ...prec };
      if (posteriorForm) {
        kernel = { ...base, posterior: posteriorParts(process.momentRates!(t), mom, data, layout, prec.precision) };
      } else {
        kernel = { ...base, force: { A: process.forceMatrix(t), b: process.forceOffset(t), T: process.temperature(t) } };
      }
      if (layout.kind === 'scalar') {
        const sum = isotropicGaussianSum(means, variances, data.weights, dim, 'field.components');
        // posterior form on the a/b/c kernel: nu = sum_k r_k (h_k + g_k x) with g_k = q_k / v_k and
        // h_k = c_k - g_k a_k, i.e. the posterior average of the k x (dim + 1) values [h_k, g_k]
        let values: Float64Array | null = null;
        if (kernel.posterior) {
          values = new Float64Array(k * (dim + 1));
          const q = (kernel.posterior.q as { values: Float64Array }).values;
          for (let j = 0; j < k; j++) {
            const g = q[j] / variances[j];
            for (let d = 0; d < dim; d++) values[j * (dim + 1) + d] = kernel.posterior.offsets[j * dim + d] - g * means[j * dim + d];
            values[j * (dim + 1) + dim] = g;
          }
        }
        iso = { sum, values, index: k >= INDEXED_MIN_COMPONENTS && dim <= 3 ? gaussianSumIndex(sum) : null };
      }
    }
    cache = { comps, layout, kernel, iso };
    cacheT = t;
    return cache;
  };

  /** Per-component velocity parts of the posterior-mean form: c_k = d mu_k/dt, Q_k = (1/2) dV_k/dt. */
  const posteriorParts = (
    rates: ProcessMoments,
    mom: ProcessMoments,
    d: MixtureData,
    layout: ComponentMatrices,
    precision: ComponentMatrices,
  ): NonNullable<MixtureKernel['posterior']> => {
    const offsets = new Float64Array(k * dim);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < dim; i++) {
        let v = rates.shift[i];
        for (let l = 0; l < dim; l++) v += rates.phi[i * dim + l] * d.means[j * dim + l];
        offsets[j * dim + i] = v;
      }
    }
    // (1/2) dV/dt = (1/2) (dphi C phi^T + phi C dphi^T + dSigma)
    const halfRate = (c: Float64Array): Float64Array => {
      const pc = new Float64Array(dd);
      for (let i = 0; i < dim; i++) for (let l = 0; l < dim; l++) {
        let s = 0;
        for (let m = 0; m < dim; m++) s += rates.phi[i * dim + m] * c[m * dim + l];
        pc[i * dim + l] = s;
      }
      const out = new Float64Array(dd);
      for (let i = 0; i < dim; i++) for (let l = 0; l < dim; l++) {
        let s = 0;
        for (let m = 0; m < dim; m++) s += pc[i * dim + m] * mom.phi[l * dim + m];
        out[i * dim + l] = s;
      }
      for (let i = 0; i < dim; i++) for (let l = 0; l <= i; l++) {
        const v = 0.5 * (out[i * dim + l] + out[l * dim + i] + rates.cov[i * dim + l]);
        out[i * dim + l] = out[l * dim + i] = v;
      }
      return out;
    };
    let q: ComponentMatrices;
    if (layout.kind === 'scalar') {
      const h = halfRate(scaledIdentity(1, dim));
      const h0 = halfRate(new Float64Array(dd));
      // (1/2) dV_k/dt = std_k^2 (h - h0) + h0, both multiples of I
      const values = new Float64Array(k);
      for (let j = 0; j < k; j++) values[j] = d.stds[j] ** 2 * (h[0] - h0[0]) + h0[0];
      q = { kind: 'scalar', values };
    } else if (layout.kind === 'shared') {
      q = { kind: 'shared', matrix: halfRate(scaledIdentity(d.stds[0] ** 2, dim)) };
    } else {
      const matrices = new Float64Array(k * dd);
      for (let j = 0; j < k; j++) {
        const c = d.covariances ? d.covariances.subarray(j * dd, (j + 1) * dd) : scaledIdentity(d.stds[j] ** 2, dim);
        matrices.set(halfRate(c), j * dd);
      }
      q = { kind: 'full', matrices };
    }
    return { offsets, q, traceQP: traceProducts(q, precision, k, dim) };
  };

  const kernelAt = (t: number): Prepared => {
    const p = prepare(t);
    if (!p.kernel) throw new InputError(`P_t is singular at t=${t} (a component has zero variance); use t > 0`, 'field.t');
    return p;
  };
  const checkX = (x: Float64Array, n: number) => {
    if (x.length !== n * dim) throw new InputError(`expected ${n}x${dim} = ${n * dim} coordinates, got ${x.length}`, 'x');
  };
  const evaluate = (t: number, x: Float64Array, n: number, out: FieldOutputs): void => {
    checkX(x, n);
    const p = kernelAt(t);
    if (p.iso && !out.divergence) {
      // isotropic fast path (a/b/c kernel)
      const { sum, values, index } = p.iso;
      const gaussianSum = (o: GaussianSumOutputs) => (index ? evaluateGaussianSumIndexed(index, x, n, o) : evaluateGaussianSum(sum, x, n, o));
      if (values && out.velocity) {
        const avg = new Float64Array(n * (dim + 1));
        gaussianSum({ score: out.score, logDensity: out.logDensity, average: avg, values, dv: dim + 1 });
        for (let i = 0; i < n; i++) {
          const g = avg[i * (dim + 1) + dim];
          for (let d = 0; d < dim; d++) out.velocity[i * dim + d] = avg[i * (dim + 1) + d] + g * x[i * dim + d];
        }
        return;
      }
      const score = out.score ?? (out.velocity ? new Float64Array(n * dim) : undefined);
      gaussianSum({ score, logDensity: out.logDensity });
      if (out.velocity) forceVelocity(p.kernel!.force!, x, n, score!, out.velocity, dim);
      return;
    }
    evaluateMixtureKernel(p.kernel!, x, n, out);
  };
  return {
    dim,
    tau: process.tau,
    process,
    data,
    pointMasses,
    velocityForm: posteriorForm ? 'posterior-mean' : 'force',
    components: (t) => prepare(t).comps,
    logDensity(t, x, n, out = new Float64Array(n)) {
      evaluate(t, x, n, { logDensity: out });
      return out;
    },
    score(t, x, n, out = new Float64Array(n * dim)) {
      evaluate(t, x, n, { score: out });
      return out;
    },
    velocity(t, x, n, out = new Float64Array(n * dim)) {
      evaluate(t, x, n, { velocity: out });
      return out;
    },
    divergence(t, x, n, out = new Float64Array(n)) {
      evaluate(t, x, n, { divergence: out });
      return out;
    },
    evaluate,
    densityAndVelocity(t, x, n) {
      const logDensity = new Float64Array(n);
      const velocity = new Float64Array(n * dim);
      evaluate(t, x, n, { logDensity, velocity });
      return { logDensity, velocity };
    },
    sample(t, n, rng) {
      const { comps: c } = prepare(t);
      const cum = new Float64Array(k);
      let s = 0;
      for (let j = 0; j < k; j++) cum[j] = s += c.weights[j];
      const factors = c.covariances ? new Map<number, Float64Array>() : null;
      const factor = (j: number): Float64Array => {
        const key = c.covariances && equalStds ? 0 : j;
        let f = factors!.get(key);
        if (!f) {
          f = cholesky(c.covariances!.subarray(key * dd, (key + 1) * dd), dim) ?? new Float64Array(dd); // singular: point mass
          factors!.set(key, f);
        }
        return f;
      };
      const out = new Float64Array(n * dim);
      const z = new Float64Array(dim);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform() * s;
        let lo = 0;
        let hi = k - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        if (factors) {
          for (let d = 0; d < dim; d++) z[d] = rng.normal();
          lowerTimes(factor(lo), dim, z, 0, out, i * dim);
          for (let d = 0; d < dim; d++) out[i * dim + d] += c.means[lo * dim + d];
        } else {
          const sd = Math.sqrt(c.variances[lo]);
          for (let d = 0; d < dim; d++) out[i * dim + d] = c.means[lo * dim + d] + sd * rng.normal();
        }
      }
      return { data: out, n, dim };
    },
  };
}

/** nu = A x + b - T score, written to out (n x dim). */
function forceVelocity(f: { A: Float64Array; b: Float64Array; T: number }, x: Float64Array, n: number, score: Float64Array, out: Float64Array, dim: number): void {
  const { A, b, T } = f;
  if (dim === 2) {
    const [a00, a01, a10, a11] = A;
    for (let i = 0; i < n; i++) {
      const x0 = x[2 * i];
      const x1 = x[2 * i + 1];
      out[2 * i] = a00 * x0 + a01 * x1 + b[0] - T * score[2 * i];
      out[2 * i + 1] = a10 * x0 + a11 * x1 + b[1] - T * score[2 * i + 1];
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < dim; r++) {
      let v = b[r] - T * score[i * dim + r];
      for (let l = 0; l < dim; l++) v += A[r * dim + l] * x[i * dim + l];
      out[i * dim + r] = v;
    }
  }
}

function scaledIdentity(s: number, dim: number): Float64Array {
  const a = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) a[i * dim + i] = s;
  return a;
}
