import { assertPositive } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';
import { normalCdf, normalLogPdf, normalQuantile, normalSf } from '../core/special.ts';
import type { GaussianMixture } from '../data/gaussianMixture.ts';
import { varianceRate } from '../schedules/coefficients.ts';
import type { Schedule } from '../schedules/schedule.ts';
import { Mixture1d } from './mixture1d.ts';

/**
 * A point of a 1-D process in its Lagrangian labelling (see {@link Exact1dProcess.labelPoint}):
 * position, Jacobian dx/dlabel, log-density, normal score z = Phi^{-1}(F_t(x)) and velocity.
 */
export interface LabelPoint {
  x: number;
  dxdl: number;
  logDensity: number;
  z: number;
  velocity: number;
}

/**
 * An exactly known one-dimensional forward process t in [0, tau] (data at t = 0): marginal density,
 * cdf, quantile and the velocity nu_t of its continuity equation dP/dt = -d(nu P)/dx (Eq. 1).
 */
export interface Exact1dProcess {
  /** `cosine`, `cond-ot`, `vp-linear`, `ve`, a custom schedule name, or `ot`. */
  readonly name: string;
  readonly tau: number;
  density(t: number, x: number): number;
  cdf(t: number, x: number): number;
  quantile(t: number, u: number): number;
  velocity(t: number, x: number): number;
  /** log P_t(x) (finite far into the tails). */
  logDensity(t: number, x: number): number;
  /** 1 - F_t(x), accurate in the upper tail. */
  sf(t: number, x: number): number;
  /** Normal score Phi^{-1}(F_t(x)), accurate in both tails. */
  normalScore(t: number, x: number): number;
  /** x with F_t(x) = Phi(z) (quantile at normal score z; reaches levels 1 - 1e-30 and beyond). */
  quantileZ(t: number, z: number): number;
  /**
   * Lagrangian labelling used for integrals over x at time t: x = X_t(l) increasing in the label l.
   * The schedule processes use l = x (cdf closed form); the OT process uses the data position
   * l = y (the displacement interpolation is explicit in y). Fills `out`.
   */
  labelPoint(t: number, l: number, out: LabelPoint): void;
  /** Label of the point with normal score z at time t. */
  labelAtZ(t: number, z: number): number;
}

/**
 * The forward process of 1-D Gaussian-mixture data under an (m, sigma) schedule (Eqs. 25, 97, 98):
 * P_t = sum_k w_k N(m_t mu_k, m_t^2 s_k^2 + sigma_t^2), velocity in the posterior-mean form of
 * {@link scheduleMixtureField} (finite on [0, tau]). Quantiles by safeguarded Newton on the mixture cdf
 * (Mixture1d.quantileZ).
 * @throws InputError if the data are not one-dimensional.
 */
export function scheduleProcess1d(data: GaussianMixture, schedule: Schedule): Exact1dProcess {
  if (data.dim !== 1) throw new InputError(`expected one-dimensional data, got dim = ${data.dim}`, 'scheduleProcess1d');
  const { k, means, stds, weights } = data;
  let cachedT = Number.NaN;
  let mix = new Mixture1d(weights, means, stds);
  let dm = 0;
  const dvHalfOverV = new Float64Array(k);
  const at = (t: number): Mixture1d => {
    if (t === cachedT) return mix;
    const m = schedule.m(t);
    const sig = schedule.sigma(t);
    dm = schedule.dm(t);
    const dsig2 = varianceRate(schedule, t);
    const a = new Float64Array(k);
    const sd = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const s2 = stds[c] * stds[c];
      const v = m * m * s2 + sig * sig;
      a[c] = m * means[c];
      sd[c] = Math.sqrt(v);
      dvHalfOverV[c] = (m * dm * s2 + 0.5 * dsig2) / v;
    }
    mix = new Mixture1d(weights, a, sd);
    cachedT = t;
    return mix;
  };
  const velocity = (t: number, x: number): number => {
    const mx = at(t);
    const lp = mx.logPdf(x);
    if (lp === -Infinity) return (dm / Math.max(schedule.m(t), 1e-300)) * x; // unreachable for finite x
    let nu = 0;
    // Mixture1d drops zero-weight components; map back through the stored arrays.
    let j = 0;
    for (let c = 0; c < k; c++) {
      if (!(weights[c] > 0)) continue;
      const r = Math.exp(mx.logW[j] + normalLogPdf(x, mx.mean[j], mx.sd[j]) - lp);
      nu += r * (dm * means[c] + dvHalfOverV[c] * (x - mx.mean[j]));
      j++;
    }
    return nu;
  };
  return {
    name: schedule.name,
    tau: schedule.tau,
    density: (t, x) => at(t).pdf(x),
    logDensity: (t, x) => at(t).logPdf(x),
    cdf: (t, x) => at(t).cdf(x),
    sf: (t, x) => at(t).sf(x),
    normalScore: (t, x) => at(t).zScore(x),
    quantile: (t, u) => at(t).quantile(u),
    quantileZ: (t, z) => at(t).quantileZ(z),
    velocity,
    labelPoint(t, l, out) {
      const mx = at(t);
      out.x = l;
      out.dxdl = 1;
      out.logDensity = mx.logPdf(l);
      out.z = mx.zScore(l);
      out.velocity = velocity(t, l);
    },
    labelAtZ: (t, z) => at(t).quantileZ(z),
  };
}

/**
 * The optimal-transport protocol in 1-D: the constant-speed W2 geodesic (displacement interpolation,
 * Eq. 92 and Sec. "True OT" of the spec) from the data q (t = 0) to N(0, 1) (t = tau). With s = t/tau,
 * the particle starting at y moves on a straight line to its monotone image zeta(y) = Phi^{-1}(F_q(y)):
 *   X_t(y) = (1 - s) y + s zeta(y),   velocity (zeta(y) - y)/tau (constant along the particle),
 *   F_t(X_t(y)) = F_q(y),   P_t(X_t(y)) = 1 / ((1 - s)/q(y) + s/phi(zeta(y))),
 *   quantile Q_t(u) = (1 - s) F_q^{-1}(u) + s Phi^{-1}(u).
 * Eulerian queries (density, cdf, velocity at a given x) solve X_t(y) = x by safeguarded Newton in y.
 * The velocity is a gradient, so T S_dot = v2^2 = W2(q, N(0,1))^2 / tau^2 at every t.
 * @throws InputError if the data are not one-dimensional or tau is not positive.
 */
export function otProcess1d(data: GaussianMixture, tau = 1): Exact1dProcess {
  if (data.dim !== 1) throw new InputError(`expected one-dimensional data, got dim = ${data.dim}`, 'otProcess1d');
  assertPositive(tau, 'otProcess1d.tau');
  const q = new Mixture1d(data.weights, data.means, data.stds);
  const pt: LabelPoint = { x: 0, dxdl: 1, logDensity: 0, z: 0, velocity: 0 };
  const labelPoint = (t: number, y: number, out: LabelPoint) => {
    const s = t / tau;
    const zeta = q.zScore(y);
    const lq = q.logPdf(y);
    const lphi = normalLogPdf(zeta);
    out.x = (1 - s) * y + s * zeta;
    // dx/dy = (1 - s) + s q(y)/phi(zeta); log P_t = -log((1 - s)/q + s/phi) (log-sum-exp).
    const a = s < 1 ? Math.log(1 - s) - lq : -Infinity;
    const b = s > 0 ? Math.log(s) - lphi : -Infinity;
    const mx = Math.max(a, b);
    out.logDensity = mx === Infinity ? -Infinity : -(mx + Math.log(Math.exp(a - mx) + Math.exp(b - mx)));
    out.dxdl = (1 - s) + (s > 0 ? s * Math.exp(lq - lphi) : 0);
    out.z = zeta;
    out.velocity = (zeta - y) / tau;
  };
  /** The data position y whose particle is at x at time t. */
  const labelOf = (t: number, x: number): number => {
    if (!Number.isFinite(x)) return x;
    const s = t / tau;
    if (s === 0) return x;
    // Bracket: X_t is increasing; expand geometrically around x.
    labelPoint(t, x, pt);
    let lo: number;
    let hi: number;
    let step = 1 + Math.abs(x);
    if (pt.x > x) {
      hi = x;
      lo = x - step;
      for (labelPoint(t, lo, pt); pt.x > x; labelPoint(t, lo, pt)) {
        hi = lo;
        step *= 2;
        lo = x - step;
      }
    } else {
      lo = x;
      hi = x + step;
      for (labelPoint(t, hi, pt); pt.x < x; labelPoint(t, hi, pt)) {
        lo = hi;
        step *= 2;
        hi = x + step;
      }
    }
    let y = 0.5 * (lo + hi);
    for (let it = 0; it < 200; it++) {
      labelPoint(t, y, pt);
      const g = pt.x - x;
      if (Math.abs(g) <= 2e-15 * (1 + Math.abs(x))) return y; // residual at rounding level
      if (g > 0) hi = y;
      else lo = y;
      let yn = y - g / pt.dxdl;
      if (!(yn > lo && yn < hi)) yn = 0.5 * (lo + hi);
      const dy = Math.abs(yn - y);
      y = yn;
      if (dy <= 1e-15 * (1 + Math.abs(y)) || hi - lo <= 4e-16 * (1 + Math.abs(y))) return y;
    }
    throw new NumericalError(`otProcess1d: could not invert the displacement map at x = ${x}, t = ${t}`);
  };
  const eulerian = (t: number, x: number): LabelPoint => {
    labelPoint(t, labelOf(t, x), pt);
    return pt;
  };
  return {
    name: 'ot',
    tau,
    density: (t, x) => Math.exp(eulerian(t, x).logDensity),
    logDensity: (t, x) => eulerian(t, x).logDensity,
    cdf: (t, x) => normalCdf(eulerian(t, x).z),
    sf: (t, x) => normalSf(eulerian(t, x).z),
    normalScore: (t, x) => eulerian(t, x).z,
    velocity: (t, x) => eulerian(t, x).velocity,
    quantile: (t, u) => {
      if (u <= 0) return -Infinity;
      if (u >= 1) return Infinity;
      const s = t / tau;
      return (1 - s) * q.quantile(u) + s * normalQuantile(u);
    },
    quantileZ: (t, z) => {
      const s = t / tau;
      return (1 - s) * q.quantileZ(z) + s * z;
    },
    labelPoint,
    labelAtZ: (_t, z) => q.quantileZ(z),
  };
}
