import { determinant, inverse, Matrix } from 'ml-matrix';
import { InputError } from '../core/errors.ts';
import type { GaussianMixture } from '../data/gaussianMixture.ts';
import { varianceRate } from '../schedules/coefficients.ts';
import type { Schedule } from '../schedules/schedule.ts';

/** Exact forward marginal, score and velocity of Gaussian-mixture data under an (m, sigma) schedule. */
export interface ScheduleMixtureField {
  readonly dim: number;
  readonly tau: number;
  /** log P_t at n points (x is n*dim row-major); returns `out` (length n). */
  logDensity(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** grad ln P_t at n points; returns `out` (length n*dim). */
  score(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** nu_t = f_t - T_t grad ln P_t at n points (Eq. 97), finite on all of [0, tau]; returns `out` (n*dim). */
  velocity(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
}

/**
 * The forward process of Gaussian-mixture data q = sum_k w_k N(mu_k, s_k^2 I) (or N(mu_k, C_k) with
 * full covariances, see below) under the schedule
 * P^c_t(x|y) = N(m_t y, sigma_t^2 I) (Eqs. 17, 25). Each component stays Gaussian:
 *   P_t = sum_k w_k N(x | a_k, v_k I),  a_k = m_t mu_k,  v_k = m_t^2 s_k^2 + sigma_t^2.
 * With responsibilities r_k(x) = w_k N(x|a_k, v_k I) / P_t(x) (computed by log-sum-exp):
 *   score     grad ln P_t(x) = -sum_k r_k (x - a_k) / v_k
 *   velocity  nu_t(x) = sum_k r_k [ dm_t mu_k + (dv_k/dt / (2 v_k)) (x - a_k) ],
 *             dv_k/dt = 2 m_t dm_t s_k^2 + d(sigma_t^2)/dt.
 * The velocity is Eq. 97, nu = (dsigma/sigma) x - (m dsigma/sigma - dm) ybar(x), rewritten with the
 * per-component posterior means E[y | x, k] = mu_k + m_t s_k^2 (x - a_k)/v_k and
 * E[eps | x, k] = sigma_t (x - a_k)/v_k, so that nu = dm ybar + dsigma epsbar: every term stays finite
 * at t = 0 (sigma = 0, dsigma/sigma = inf) and at t = tau where m_tau = 0 (cosine, cond-OT), because
 * v_k >= min(s_k^2 m_t^2 + sigma_t^2) > 0. It equals f_t - T_t grad ln P_t (Eqs. 1, 22, 23) wherever
 * those are finite.
 *
 * Full covariances C_k (data.covariances): V_k = m_t^2 C_k + sigma_t^2 I and
 *   nu_t(x) = sum_k r_k [ dm_t mu_k + (1/2) dV_k/dt V_k^{-1} (x - a_k) ],  dV_k/dt = 2 m_t dm_t C_k + d(sigma_t^2)/dt I,
 * with V_k^{-1} and det V_k from `ml-matrix` (LU) once per time: this module is the reference
 * implementation that `linearForceMixtureField` (Cholesky kernel) is tested against.
 * @throws InputError if the schedule horizon is not positive.
 */
export function scheduleMixtureField(data: GaussianMixture, s: Schedule): ScheduleMixtureField {
  const { dim, k, means, stds, weights } = data;
  if (!(s.tau > 0)) throw new InputError(`expected tau > 0, got ${s.tau}`, 'scheduleMixtureField');
  if (data.covariances) return fullCovarianceField(data, s);
  const logW = new Float64Array(k);
  for (let c = 0; c < k; c++) logW[c] = Math.log(weights[c]);
  const v = new Float64Array(k);
  const dvHalfOverV = new Float64Array(k);
  const logNorm = new Float64Array(k);
  const logR = new Float64Array(k);
  let cachedT = Number.NaN;
  let m = 1;
  let dm = 0;
  const prepare = (t: number) => {
    if (t === cachedT) return;
    m = s.m(t);
    dm = s.dm(t);
    const sig = s.sigma(t);
    const dsig2 = varianceRate(s, t);
    for (let c = 0; c < k; c++) {
      const s2 = stds[c] * stds[c];
      v[c] = m * m * s2 + sig * sig;
      dvHalfOverV[c] = (m * dm * s2 + 0.5 * dsig2) / v[c];
      logNorm[c] = logW[c] - 0.5 * dim * Math.log(2 * Math.PI * v[c]);
    }
    cachedT = t;
  };
  /** Fill logR with log w_k N(x_i | a_k, v_k) and return their log-sum-exp (= log P_t(x_i)). */
  const componentLogs = (x: Float64Array, i: number): number => {
    let mx = -Infinity;
    for (let c = 0; c < k; c++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const d = x[i * dim + j] - m * means[c * dim + j];
        d2 += d * d;
      }
      const l = logNorm[c] - (0.5 * d2) / v[c];
      logR[c] = l;
      if (l > mx) mx = l;
    }
    if (mx === -Infinity) return -Infinity;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logR[c] - mx);
    return mx + Math.log(sum);
  };
  const check = (x: Float64Array, n: number, width: number, out: Float64Array | undefined): Float64Array => {
    if (x.length < n * dim) throw new InputError(`expected ${n}x${dim} coordinates, got ${x.length}`, 'scheduleMixtureField.x');
    const o = out ?? new Float64Array(n * width);
    if (o.length < n * width) throw new InputError(`expected an output of length >= ${n * width}, got ${o.length}`, 'scheduleMixtureField.out');
    return o;
  };
  return {
    dim,
    tau: s.tau,
    logDensity(t, x, n, out) {
      const o = check(x, n, 1, out);
      prepare(t);
      for (let i = 0; i < n; i++) o[i] = componentLogs(x, i);
      return o;
    },
    score(t, x, n, out) {
      const o = check(x, n, dim, out);
      prepare(t);
      for (let i = 0; i < n; i++) {
        const lp = componentLogs(x, i);
        for (let j = 0; j < dim; j++) o[i * dim + j] = 0;
        for (let c = 0; c < k; c++) {
          const r = Math.exp(logR[c] - lp);
          if (r === 0) continue;
          for (let j = 0; j < dim; j++) o[i * dim + j] -= (r * (x[i * dim + j] - m * means[c * dim + j])) / v[c];
        }
      }
      return o;
    },
    velocity(t, x, n, out) {
      const o = check(x, n, dim, out);
      prepare(t);
      for (let i = 0; i < n; i++) {
        const lp = componentLogs(x, i);
        for (let j = 0; j < dim; j++) o[i * dim + j] = 0;
        for (let c = 0; c < k; c++) {
          const r = Math.exp(logR[c] - lp);
          if (r === 0) continue;
          for (let j = 0; j < dim; j++) {
            const mu = means[c * dim + j];
            o[i * dim + j] += r * (dm * mu + dvHalfOverV[c] * (x[i * dim + j] - m * mu));
          }
        }
      }
      return o;
    },
  };
}

/** The full-covariance case of {@link scheduleMixtureField} (ml-matrix inverses, once per time). */
function fullCovarianceField(data: GaussianMixture, s: Schedule): ScheduleMixtureField {
  const { dim, k, means, weights } = data;
  const cov = data.covariances!;
  const dd = dim * dim;
  let cachedT = Number.NaN;
  let m = 1;
  let dm = 0;
  const prec: Matrix[] = [];
  const halfRateTimesPrec: Matrix[] = [];
  const logNorm = new Float64Array(k);
  const logR = new Float64Array(k);
  const diff = new Float64Array(dim);
  const prepare = (t: number) => {
    if (t === cachedT) return;
    m = s.m(t);
    dm = s.dm(t);
    const sig2 = s.sigma(t) ** 2;
    const dsig2 = varianceRate(s, t);
    prec.length = 0;
    halfRateTimesPrec.length = 0;
    for (let c = 0; c < k; c++) {
      const C = new Matrix(dim, dim);
      for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) C.set(i, j, cov[c * dd + i * dim + j]);
      // ml-matrix mul/add work in place: clone first
      const V = C.clone().mul(m * m).add(Matrix.eye(dim).mul(sig2));
      const dV = C.clone().mul(2 * m * dm).add(Matrix.eye(dim).mul(dsig2));
      const P = inverse(V);
      prec.push(P);
      halfRateTimesPrec.push(dV.mmul(P).mul(0.5));
      logNorm[c] = Math.log(weights[c]) - 0.5 * dim * Math.log(2 * Math.PI) - 0.5 * Math.log(determinant(V));
    }
    cachedT = t;
  };
  const componentLogs = (x: Float64Array, i: number): number => {
    let mx = -Infinity;
    for (let c = 0; c < k; c++) {
      const P = prec[c];
      for (let j = 0; j < dim; j++) diff[j] = x[i * dim + j] - m * means[c * dim + j];
      let q = 0;
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) q += diff[a] * P.get(a, b) * diff[b];
      const l = logNorm[c] - 0.5 * q;
      logR[c] = l;
      if (l > mx) mx = l;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logR[c] - mx);
    return mx + Math.log(sum);
  };
  const run = (t: number, x: Float64Array, n: number, width: number, out: Float64Array | undefined, each: (lp: number, i: number, o: Float64Array) => void) => {
    if (x.length < n * dim) throw new InputError(`expected ${n}x${dim} coordinates, got ${x.length}`, 'scheduleMixtureField.x');
    const o = out ?? new Float64Array(n * width);
    prepare(t);
    for (let i = 0; i < n; i++) each(componentLogs(x, i), i, o);
    return o;
  };
  /** o[i] += sum_c r_c M_c (x_i - m mu_c) (+ dm mu_c when withOffset). */
  const accumulate = (lp: number, x: Float64Array, i: number, o: Float64Array, mats: Matrix[], sign: number, withOffset: boolean) => {
    for (let j = 0; j < dim; j++) o[i * dim + j] = 0;
    for (let c = 0; c < k; c++) {
      const r = Math.exp(logR[c] - lp);
      if (r === 0) continue;
      for (let j = 0; j < dim; j++) diff[j] = x[i * dim + j] - m * means[c * dim + j];
      for (let a = 0; a < dim; a++) {
        let v = withOffset ? dm * means[c * dim + a] : 0;
        for (let b = 0; b < dim; b++) v += sign * mats[c].get(a, b) * diff[b];
        o[i * dim + a] += r * v;
      }
    }
  };
  return {
    dim,
    tau: s.tau,
    logDensity: (t, x, n, out) => run(t, x, n, 1, out, (lp, i, o) => (o[i] = lp)),
    score: (t, x, n, out) => run(t, x, n, dim, out, (lp, i, o) => accumulate(lp, x, i, o, prec, -1, false)),
    velocity: (t, x, n, out) => run(t, x, n, dim, out, (lp, i, o) => accumulate(lp, x, i, o, halfRateTimesPrec, 1, true)),
  };
}
