import { NumericalError } from '../core/errors.ts';
import { normalLogCdf, normalLogPdf, normalLogSf, normalQuantileFromLog } from '../core/special.ts';

/**
 * A one-dimensional Gaussian mixture sum_k w_k N(a_k, sd_k^2) with tail-accurate log-density,
 * cdf, survival function, normal score and quantile. Used for the forward marginals P_t of
 * Gaussian-mixture data under an (m, sigma) schedule and for the perturbed reverse starts.
 */
export class Mixture1d {
  readonly k: number;
  readonly logW: Float64Array;
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  /** True when all components coincide (then everything is closed form). */
  readonly single: boolean;
  private readonly terms: Float64Array;

  /** @param weights k weights > 0 summing to 1 (zero weights are dropped). */
  constructor(weights: ArrayLike<number>, means: ArrayLike<number>, sds: ArrayLike<number>) {
    const idx: number[] = [];
    for (let c = 0; c < weights.length; c++) if (weights[c] > 0) idx.push(c);
    this.k = idx.length;
    this.logW = Float64Array.from(idx, (c) => Math.log(weights[c]));
    this.mean = Float64Array.from(idx, (c) => means[c]);
    this.sd = Float64Array.from(idx, (c) => sds[c]);
    this.terms = new Float64Array(this.k);
    let single = true;
    for (let c = 1; c < this.k; c++) {
      if (this.mean[c] !== this.mean[0] || this.sd[c] !== this.sd[0]) single = false;
    }
    this.single = single;
  }

  private lse(): number {
    const t = this.terms;
    let mx = -Infinity;
    for (let c = 0; c < this.k; c++) if (t[c] > mx) mx = t[c];
    if (mx === -Infinity || mx === Infinity) return mx;
    let s = 0;
    for (let c = 0; c < this.k; c++) s += Math.exp(t[c] - mx);
    return mx + Math.log(s);
  }

  logPdf(x: number): number {
    if (this.single) return normalLogPdf(x, this.mean[0], this.sd[0]);
    for (let c = 0; c < this.k; c++) this.terms[c] = this.logW[c] + normalLogPdf(x, this.mean[c], this.sd[c]);
    return this.lse();
  }

  pdf(x: number): number {
    return Math.exp(this.logPdf(x));
  }

  logCdf(x: number): number {
    if (this.single) return normalLogCdf((x - this.mean[0]) / this.sd[0]);
    for (let c = 0; c < this.k; c++) this.terms[c] = this.logW[c] + normalLogCdf((x - this.mean[c]) / this.sd[c]);
    return Math.min(0, this.lse());
  }

  logSf(x: number): number {
    if (this.single) return normalLogSf((x - this.mean[0]) / this.sd[0]);
    for (let c = 0; c < this.k; c++) this.terms[c] = this.logW[c] + normalLogSf((x - this.mean[c]) / this.sd[c]);
    return Math.min(0, this.lse());
  }

  cdf(x: number): number {
    return Math.exp(this.logCdf(x));
  }

  sf(x: number): number {
    return Math.exp(this.logSf(x));
  }

  /** Normal score z = Phi^{-1}(F(x)), accurate in both tails (from log F or log(1 - F)). */
  zScore(x: number): number {
    if (this.single) return (x - this.mean[0]) / this.sd[0];
    if (x === Infinity) return Infinity;
    if (x === -Infinity) return -Infinity;
    const lc = this.logCdf(x);
    if (lc < -Math.LN2) return normalQuantileFromLog(lc);
    return -normalQuantileFromLog(this.logSf(x));
  }

  /**
   * Quantile at normal score z: the x with F(x) = Phi(z), for any finite z (so levels like
   * 1 - 1e-30 are reachable as z = 11.3). Safeguarded Newton on zScore(x) - z, whose slope is
   * p(x)/phi(zScore(x)), inside the exact bracket [min_k(a_k + sd_k z), max_k(a_k + sd_k z)]
   * (each component cdf is <= Phi(z) at the left end and >= Phi(z) at the right end); falls back
   * to bisection whenever a Newton step leaves the bracket. Converges to ~1e-14 relative.
   * @param guess optional starting point (e.g. the previous time's value).
   * @throws NumericalError if 200 iterations do not converge.
   */
  quantileZ(z: number, guess?: number): number {
    if (this.single) return this.mean[0] + this.sd[0] * z;
    if (z === Infinity || z === -Infinity) return z;
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = 0; c < this.k; c++) {
      const v = this.mean[c] + this.sd[c] * z;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo === hi) return lo;
    let x = guess !== undefined && guess > lo && guess < hi ? guess : 0.5 * (lo + hi);
    for (let it = 0; it < 200; it++) {
      const zs = this.zScore(x);
      const g = zs - z;
      // zScore is known only to ~1e-16 (1 + |z|) (e.g. F near 1/2 has an ulp of 5.5e-17), so a residual
      // at that level is a root to the accuracy the cdf permits (low-density gaps: x to ~eps/p(x)).
      if (Math.abs(g) <= 2e-15 * Math.max(1, Math.abs(z))) return x;
      if (g > 0) hi = x;
      else lo = x;
      const slope = Math.exp(this.logPdf(x) - normalLogPdf(zs));
      let xn = x - g / slope;
      if (!(xn > lo && xn < hi)) xn = 0.5 * (lo + hi);
      const dx = Math.abs(xn - x);
      x = xn;
      if (dx <= 1e-15 * (1 + Math.abs(x)) || hi - lo <= 4e-16 * (1 + Math.abs(x))) return x;
    }
    throw new NumericalError(`Mixture1d.quantileZ: no convergence for z = ${z} (bracket [${lo}, ${hi}])`);
  }

  /** Quantile F^{-1}(u), u in [0, 1] (u = 0, 1 give -Infinity, +Infinity). */
  quantile(u: number): number {
    if (u <= 0) return -Infinity;
    if (u >= 1) return Infinity;
    const z = u < 0.5 ? normalQuantileFromLog(Math.log(u)) : -normalQuantileFromLog(Math.log1p(-u));
    return this.quantileZ(z);
  }
}
