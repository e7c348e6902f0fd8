import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';
import { isIsotropicMoments, type LinearForceProcess } from '../processes/linearForceProcess.ts';
import { evaluateGaussianSum, type IsotropicGaussianSum, isotropicGaussianSum } from './isotropicGaussianSum.ts';

/**
 * Mixture data: sum_k w_k N(m_k, std_k^2 I). Structurally the same as `GaussianMixture` of
 * src/data/gaussianMixture.ts; empirical data (point masses) is the case std_k = 0, w_k = 1/n
 * (see {@link mixtureFromPoints}).
 */
export interface MixtureData {
  readonly dim: number;
  readonly k: number;
  /** k x dim. */
  readonly means: Float64Array;
  /** k, >= 0. */
  readonly stds: Float64Array;
  /** k, >= 0, summing to 1. */
  readonly weights: Float64Array;
}

/** Empirical data as a mixture of point masses with equal weights 1/n. */
export function mixtureFromPoints(p: Points): MixtureData {
  if (p.n < 1) throw new InputError('expected at least one data point, got none', 'data');
  return { dim: p.dim, k: p.n, means: p.data, stds: new Float64Array(p.n), weights: new Float64Array(p.n).fill(1 / p.n) };
}

/** The forward marginal at one time as an isotropic Gaussian sum, plus its raw parameters. */
export interface MarginalComponents extends IsotropicGaussianSum {
  t: number;
  /** Component means mu_k(t) = phi_t m_k + shift_t, k x dim. */
  means: Float64Array;
  /** Component variances gamma_k(t) = std_k^2 a_t + s_t (phi phi^T = a_t I, Sigma_t = s_t I). */
  variances: Float64Array;
  weights: Float64Array;
}

/** Exact forward marginal P_t and its velocity for mixture data under a linear-force process. */
export interface LinearForceMixtureField {
  readonly dim: number;
  readonly tau: number;
  readonly process: LinearForceProcess;
  readonly data: MixtureData;
  /** True when every component has std 0 (then t = 0 is singular: use t > 0). */
  readonly pointMasses: boolean;
  components(t: number): MarginalComponents;
  /** ln P_t(x_i), n values. */
  logDensity(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** grad ln P_t(x_i), n x dim. */
  score(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** nu_t(x_i) = A_t x + b_t - T_t grad ln P_t(x_i) (Eq. 1), n x dim. */
  velocity(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** ln P_t and nu_t in one kernel pass (half the cost of calling both). */
  densityAndVelocity(t: number, x: Float64Array, n: number): { logDensity: Float64Array; velocity: Float64Array };
  /** n exact draws from P_t (component by weight, then Gaussian). Draws: 1 uniform + dim normals each. */
  sample(t: number, n: number, rng: Rng): Points;
}

/**
 * Exact marginal field of mixture data q = sum_k w_k N(m_k, std_k^2 I) under a linear-force
 * process with isotropic moments (Eqs. 16-17, B3-B4): P_t = sum_k w_k N(mu_k(t), gamma_k(t) I)
 * with mu_k(t) = phi_t m_k + shift_t and gamma_k(t) = std_k^2 a_t + s_t, where
 * phi_t phi_t^T = a_t I and Sigma_t = s_t I. The velocity is nu_t = f_t - T_t grad ln P_t (Eq. 1),
 * evaluated with a log-sum-exp stable kernel sum ({@link evaluateGaussianSum}); cost per call
 * about n k (dim + 2) flops plus n k exp. Point-mass data (empirical) is singular at t = 0.
 *
 * The components of the last time asked for are cached (one entry).
 * @throws InputError if dims differ, the process is not isotropic at the time asked for, t is
 *   outside [0, tau], or gamma_k(t) = 0 (point masses at t = 0) for a density/score/velocity.
 */
export function linearForceMixtureField(process: LinearForceProcess, data: MixtureData): LinearForceMixtureField {
  if (process.dim !== data.dim) {
    throw new InputError(`process is ${process.dim}-dimensional but data is ${data.dim}-dimensional`, 'data.dim');
  }
  const dim = data.dim;
  const { k } = data;
  let pointMasses = true;
  for (let j = 0; j < k; j++) if (data.stds[j] !== 0) pointMasses = false;
  let cacheT = Number.NaN;
  let cache: MarginalComponents | null = null;

  const components = (t: number): MarginalComponents => {
    if (cache && t === cacheT) return cache;
    if (!(t >= 0 && t <= process.tau)) throw new InputError(`expected t in [0, ${process.tau}], got ${t}`, 'field.t');
    const mom = process.moments(t);
    if (!isIsotropicMoments(mom, dim)) {
      throw new InputError(`the process moments at t=${t} are not isotropic; only isotropic processes are supported`, 'process');
    }
    let at = 0;
    for (let d = 0; d < dim; d++) at += mom.phi[d] * mom.phi[d];
    const st = mom.cov[0];
    const means = new Float64Array(k * dim);
    const variances = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < dim; i++) {
        let v = mom.shift[i];
        for (let l = 0; l < dim; l++) v += mom.phi[i * dim + l] * data.means[j * dim + l];
        means[j * dim + i] = v;
      }
      variances[j] = data.stds[j] * data.stds[j] * at + st;
    }
    let sum: IsotropicGaussianSum;
    if (variances.some((v) => !(v > 0))) {
      // degenerate (point masses at t = 0): keep the parameters, no kernel form
      sum = { dim, k, a: new Float64Array(0), b: new Float64Array(0), c: new Float64Array(0) };
    } else {
      sum = isotropicGaussianSum(means, variances, data.weights, dim, 'field.components');
    }
    cache = { ...sum, t, means, variances, weights: data.weights };
    cacheT = t;
    return cache;
  };
  const kernel = (t: number): MarginalComponents => {
    const c = components(t);
    if (c.b.length !== k) {
      throw new InputError(`P_t is singular at t=${t} (a component has zero variance); use t > 0`, 'field.t');
    }
    return c;
  };
  const checkX = (x: Float64Array, n: number) => {
    if (x.length !== n * dim) throw new InputError(`expected ${n}x${dim} = ${n * dim} coordinates, got ${x.length}`, 'x');
  };
  const score = (t: number, x: Float64Array, n: number, out: Float64Array = new Float64Array(n * dim), logDensity?: Float64Array): Float64Array => {
    checkX(x, n);
    evaluateGaussianSum(kernel(t), x, n, { score: out, logDensity });
    return out;
  };
  const velocity = (t: number, x: Float64Array, n: number, out: Float64Array = new Float64Array(n * dim), logDensity?: Float64Array): Float64Array => {
    score(t, x, n, out, logDensity);
    const A = process.forceMatrix(t);
    const b = process.forceOffset(t);
    const T = process.temperature(t);
    if (dim === 2) {
      const a00 = A[0];
      const a01 = A[1];
      const a10 = A[2];
      const a11 = A[3];
      for (let i = 0; i < n; i++) {
        const x0 = x[2 * i];
        const x1 = x[2 * i + 1];
        out[2 * i] = a00 * x0 + a01 * x1 + b[0] - T * out[2 * i];
        out[2 * i + 1] = a10 * x0 + a11 * x1 + b[1] - T * out[2 * i + 1];
      }
    } else {
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < dim; r++) {
          let v = b[r] - T * out[i * dim + r];
          for (let l = 0; l < dim; l++) v += A[r * dim + l] * x[i * dim + l];
          out[i * dim + r] = v;
        }
      }
    }
    return out;
  };
  return {
    dim,
    tau: process.tau,
    process,
    data,
    pointMasses,
    components,
    logDensity(t, x, n, out = new Float64Array(n)) {
      checkX(x, n);
      evaluateGaussianSum(kernel(t), x, n, { logDensity: out });
      return out;
    },
    score,
    velocity: (t, x, n, out) => velocity(t, x, n, out),
    densityAndVelocity(t, x, n) {
      const logDensity = new Float64Array(n);
      const v = velocity(t, x, n, new Float64Array(n * dim), logDensity);
      return { logDensity, velocity: v };
    },
    sample(t, n, rng) {
      const c = components(t);
      const cum = new Float64Array(k);
      let s = 0;
      for (let j = 0; j < k; j++) cum[j] = s += c.weights[j];
      const out = new Float64Array(n * dim);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform() * s;
        let lo = 0;
        let hi = k - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        const sd = Math.sqrt(c.variances[lo]);
        for (let d = 0; d < dim; d++) out[i * dim + d] = c.means[lo * dim + d] + sd * rng.normal();
      }
      return { data: out, n, dim };
    },
  };
}
