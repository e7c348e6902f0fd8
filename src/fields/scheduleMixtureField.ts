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
 * The forward process of Gaussian-mixture data q = sum_k w_k N(mu_k, s_k^2 I) under the schedule
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
 * @throws InputError if the schedule horizon is not positive.
 */
export function scheduleMixtureField(data: GaussianMixture, s: Schedule): ScheduleMixtureField {
  const { dim, k, means, stds, weights } = data;
  if (!(s.tau > 0)) throw new InputError(`expected tau > 0, got ${s.tau}`, 'scheduleMixtureField');
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
