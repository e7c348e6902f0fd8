import { InputError } from '../core/errors.ts';

/**
 * A weighted sum of isotropic Gaussians in `dim` dimensions,
 * p(x) = sum_k w_k N(x | mu_k, gamma_k I), stored in the form the hot loop needs: with
 * a_k = mu_k / gamma_k, b_k = 1 / (2 gamma_k) and
 * c_k = ln w_k - (dim/2) ln(2 pi gamma_k) - |mu_k|^2 / (2 gamma_k),
 * ln[w_k N(x | mu_k, gamma_k I)] = c_k + a_k . x - b_k |x|^2.
 * Zero weights (c_k = -Infinity) are allowed and skipped.
 */
export interface IsotropicGaussianSum {
  readonly dim: number;
  readonly k: number;
  /** a_k, k x dim. */
  readonly a: Float64Array;
  /** b_k = 1/(2 gamma_k), k. */
  readonly b: Float64Array;
  /** c_k, k. */
  readonly c: Float64Array;
}

/**
 * Build an {@link IsotropicGaussianSum} from centres (k x dim), variances gamma_k > 0 and weights
 * (non-negative; not required to sum to 1: the log-density is then of the unnormalised sum).
 * @throws InputError on mismatched lengths, non-finite centres, gamma <= 0 or negative weights.
 */
export function isotropicGaussianSum(
  centers: Float64Array,
  variances: ArrayLike<number>,
  weights: ArrayLike<number>,
  dim: number,
  where = 'mixture',
): IsotropicGaussianSum {
  const k = variances.length;
  if (centers.length !== k * dim || weights.length !== k) {
    throw new InputError(
      `expected ${k} variances, ${k} weights and ${k}x${dim} centres, got ${weights.length} weights and ${centers.length} centre values`,
      where,
    );
  }
  const a = new Float64Array(k * dim);
  const b = new Float64Array(k);
  const c = new Float64Array(k);
  const half = dim / 2;
  for (let j = 0; j < k; j++) {
    const g = variances[j];
    const w = weights[j];
    if (!(g > 0) || !Number.isFinite(g)) throw new InputError(`expected variance > 0, got ${g} at component ${j}`, where);
    if (!(w >= 0) || !Number.isFinite(w)) throw new InputError(`expected weight >= 0, got ${w} at component ${j}`, where);
    let m2 = 0;
    for (let d = 0; d < dim; d++) {
      const m = centers[j * dim + d];
      if (!Number.isFinite(m)) throw new InputError(`non-finite centre coordinate ${m} at component ${j}`, where);
      a[j * dim + d] = m / g;
      m2 += m * m;
    }
    b[j] = 0.5 / g;
    c[j] = w > 0 ? Math.log(w) - half * Math.log(2 * Math.PI * g) - (0.5 * m2) / g : -Infinity;
  }
  return { dim, k, a, b, c };
}

/** Which outputs {@link evaluateGaussianSum} writes (each optional, length n or n * dim / n * dv). */
export interface GaussianSumOutputs {
  /** ln p(x_i), n. */
  logDensity?: Float64Array;
  /** grad ln p(x_i), n x dim. */
  score?: Float64Array;
  /**
   * Posterior average of per-component values: sum_k r_k(x) V_k with responsibilities
   * r_k(x) = w_k N_k(x) / p(x). Needs `values` (k x dv) and `dv`.
   */
  average?: Float64Array;
  values?: Float64Array;
  dv?: number;
}

/** Relative weight below which a component is skipped: exp(-60) ~ 1e-26. */
export const GAUSSIAN_SUM_SKIP = -60;
const SKIP = GAUSSIAN_SUM_SKIP;

/**
 * Evaluate log-density, score and/or posterior averages of an isotropic Gaussian sum at n query
 * points x (n x dim, row-major), log-sum-exp stable: per query, all k exponents are computed,
 * the maximum is subtracted, and terms more than 60 nats below it are skipped (their total
 * relative weight is below k e^{-60}). Cost: n k (dim + 2) multiply-adds and at most n k exp.
 *
 * score(x) = sum_k r_k(x) (mu_k - x) / gamma_k = sum_k r_k a_k - x sum_k r_k 2 b_k.
 * @throws InputError if x.length !== n * dim or an output has the wrong length.
 */
export function evaluateGaussianSum(g: IsotropicGaussianSum, x: Float64Array, n: number, out: GaussianSumOutputs): void {
  const { dim, k, a, b, c } = g;
  if (x.length !== n * dim) throw new InputError(`expected ${n}x${dim} query values, got ${x.length}`, 'queries');
  const { logDensity, score, average, values } = out;
  const dv = out.dv ?? 0;
  if (logDensity && logDensity.length < n) throw new InputError(`logDensity output needs ${n} entries`, 'outputs');
  if (score && score.length < n * dim) throw new InputError(`score output needs ${n * dim} entries`, 'outputs');
  if (average) {
    if (!values || values.length !== k * dv || dv < 1) throw new InputError(`expected values of ${k}x${dv}`, 'outputs.values');
    if (average.length < n * dv) throw new InputError(`average output needs ${n * dv} entries`, 'outputs');
  }
  const buf = new Float64Array(k);
  const sa = new Float64Array(dim);
  const acc = new Float64Array(Math.max(dv, 1));
  for (let i = 0; i < n; i++) {
    const off = i * dim;
    let max = -Infinity;
    if (dim === 2) {
      const x0 = x[off];
      const x1 = x[off + 1];
      const r2 = x0 * x0 + x1 * x1;
      for (let j = 0; j < k; j++) {
        const l = c[j] + a[2 * j] * x0 + a[2 * j + 1] * x1 - b[j] * r2;
        buf[j] = l;
        if (l > max) max = l;
      }
    } else {
      let r2 = 0;
      for (let d = 0; d < dim; d++) r2 += x[off + d] * x[off + d];
      for (let j = 0; j < k; j++) {
        let l = c[j] - b[j] * r2;
        const ao = j * dim;
        for (let d = 0; d < dim; d++) l += a[ao + d] * x[off + d];
        buf[j] = l;
        if (l > max) max = l;
      }
    }
    if (max === -Infinity) {
      // every component has zero weight: density 0, score undefined
      if (logDensity) logDensity[i] = -Infinity;
      if (score) for (let d = 0; d < dim; d++) score[off + d] = Number.NaN;
      if (average) for (let v = 0; v < dv; v++) average[i * dv + v] = Number.NaN;
      continue;
    }
    let sum = 0;
    let sb = 0;
    sa.fill(0);
    if (average) acc.fill(0);
    const wantScore = score !== undefined;
    for (let j = 0; j < k; j++) {
      const z = buf[j] - max;
      if (z < SKIP) continue;
      const e = Math.exp(z);
      sum += e;
      if (wantScore) {
        sb += e * b[j];
        if (dim === 2) {
          sa[0] += e * a[2 * j];
          sa[1] += e * a[2 * j + 1];
        } else {
          const ao = j * dim;
          for (let d = 0; d < dim; d++) sa[d] += e * a[ao + d];
        }
      }
      if (average) {
        const vo = j * dv;
        for (let v = 0; v < dv; v++) acc[v] += e * values![vo + v];
      }
    }
    const inv = 1 / sum;
    if (logDensity) logDensity[i] = max + Math.log(sum);
    if (score) {
      const q = 2 * sb * inv;
      for (let d = 0; d < dim; d++) score[off + d] = sa[d] * inv - q * x[off + d];
    }
    if (average) for (let v = 0; v < dv; v++) average[i * dv + v] = acc[v] * inv;
  }
}
