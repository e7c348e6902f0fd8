import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { assertInteger } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';

/**
 * A fitted principal-component analysis: a linear encoder from `inputDim` to `dim` dimensions and
 * its decoder (the linear latent space of the image experiments).
 *
 * encode: z_k = v_k . (x - mean) / s_k,  decode: x = mean + sum_k z_k s_k v_k,
 * where v_k are the top-`dim` unit eigenvectors of the sample covariance (descending eigenvalue
 * lambda_k) and s_k = sqrt(lambda_k) when `whiten` is true (standardised latents: each coordinate
 * has unit variance on the fitted data), s_k = 1 otherwise. decode(encode(x)) is the orthogonal
 * projection of x onto the principal subspace (through the mean).
 */
export interface Pca {
  readonly inputDim: number;
  readonly dim: number;
  /** Data mean, length inputDim. */
  readonly mean: Float64Array;
  /** Unit principal directions, row-major dim x inputDim (row k = v_k). */
  readonly components: Float64Array;
  /** Eigenvalues lambda_k of the sample covariance (divisor n - 1), length dim, descending. */
  readonly variances: Float64Array;
  /** Trace of the sample covariance (total variance). */
  readonly totalVariance: number;
  /** Whether latents are standardised by 1/sqrt(lambda_k). */
  readonly whiten: boolean;
  /** Fraction of the total variance captured by the dim components. */
  readonly explainedVarianceRatio: number;
  /** Encode points of dimension inputDim to dim. @throws InputError on a dimension mismatch. */
  encode(x: Points): Points;
  /** Decode latents of dimension dim to inputDim. @throws InputError on a dimension mismatch. */
  decode(z: Points): Points;
}

/** Options of {@link fitPca}. */
export interface FitPcaOptions {
  /** Standardise latents to unit variance. @default true */
  whiten?: boolean;
  /**
   * Estimate the covariance from at most this many points (evenly strided through the data);
   * the mean always uses all points. @default all
   */
  maxSamples?: number;
}

/**
 * Fit a PCA by the eigen-decomposition of the inputDim x inputDim sample covariance
 * (ml-matrix symmetric EVD). The covariance is accumulated in float64 exploiting symmetry
 * (cost n * inputDim^2 / 2 multiply-adds; for Fashion-MNIST, 784^2/2 per image), so `maxSamples`
 * bounds the time on large sets. Sign convention: each component's largest-magnitude entry is
 * positive, so the fit is deterministic.
 *
 * @param x data points, n >= 2.
 * @param dim number of components, 1 <= dim <= inputDim.
 * @throws InputError if dim is out of range, n < 2, a value is not finite, or (with whiten) a
 *   kept eigenvalue is not positive (the data has fewer than dim non-degenerate directions).
 */
export function fitPca(x: Points, dim: number, opts: FitPcaOptions = {}): Pca {
  const { whiten = true } = opts;
  const p = x.dim;
  assertInteger(dim, 'fitPca.dim', 1, p);
  if (x.n < 2) throw new InputError(`expected at least 2 points, got ${x.n}`, 'fitPca');
  const maxSamples = opts.maxSamples ?? x.n;
  assertInteger(maxSamples, 'fitPca.maxSamples', 2);
  const data = x.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InputError(
        `expected finite values, got ${data[i]} at point ${Math.floor(i / p)}, coordinate ${i % p}`,
        'fitPca',
      );
    }
  }
  const mean = new Float64Array(p);
  for (let i = 0; i < x.n; i++) {
    const o = i * p;
    for (let k = 0; k < p; k++) mean[k] += data[o + k];
  }
  for (let k = 0; k < p; k++) mean[k] /= x.n;

  // Covariance from m evenly strided points: upper triangle accumulated with row updates.
  const m = Math.min(maxSamples, x.n);
  const stride = x.n / m;
  const cov = new Float64Array(p * p);
  const row = new Float64Array(p);
  for (let s = 0; s < m; s++) {
    const o = Math.floor(s * stride) * p;
    for (let k = 0; k < p; k++) row[k] = data[o + k] - mean[k];
    for (let a = 0; a < p; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const base = a * p;
      for (let b = a; b < p; b++) cov[base + b] += ra * row[b];
    }
  }
  const c = new Matrix(p, p);
  let trace = 0;
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const v = cov[a * p + b] / (m - 1);
      c.set(a, b, v);
      c.set(b, a, v);
    }
    trace += cov[a * p + a] / (m - 1);
  }
  const evd = new EigenvalueDecomposition(c, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((i, j) => values[j] - values[i]);
  const components = new Float64Array(dim * p);
  const variances = new Float64Array(dim);
  let kept = 0;
  for (let k = 0; k < dim; k++) {
    const col = order[k];
    variances[k] = Math.max(0, values[col]);
    kept += variances[k];
    let big = 0;
    for (let a = 0; a < p; a++) {
      const v = vectors.get(a, col);
      if (Math.abs(v) > Math.abs(big)) big = v;
    }
    const sign = big < 0 ? -1 : 1;
    let norm = 0;
    for (let a = 0; a < p; a++) norm += vectors.get(a, col) ** 2;
    const inv = sign / Math.sqrt(norm);
    for (let a = 0; a < p; a++) components[k * p + a] = vectors.get(a, col) * inv;
  }
  if (whiten) {
    const tiny = 1e-12 * Math.max(trace, Number.MIN_VALUE);
    for (let k = 0; k < dim; k++) {
      if (!(variances[k] > tiny)) {
        throw new InputError(
          `cannot whiten: component ${k} has variance ${variances[k]} (the data spans fewer than ${dim} directions); lower dim or use whiten: false`,
          'fitPca',
        );
      }
    }
  }
  const scale = new Float64Array(dim);
  for (let k = 0; k < dim; k++) scale[k] = whiten ? Math.sqrt(variances[k]) : 1;

  const encode = (pts: Points): Points => {
    if (pts.dim !== p) throw new InputError(`expected points of dimension ${p}, got ${pts.dim}`, 'pca.encode');
    const out = new Float64Array(pts.n * dim);
    for (let i = 0; i < pts.n; i++) {
      const o = i * p;
      for (let k = 0; k < dim; k++) {
        const v = k * p;
        let acc = 0;
        for (let a = 0; a < p; a++) acc += components[v + a] * (pts.data[o + a] - mean[a]);
        out[i * dim + k] = acc / scale[k];
      }
    }
    return { data: out, n: pts.n, dim };
  };
  const decode = (z: Points): Points => {
    if (z.dim !== dim) throw new InputError(`expected latents of dimension ${dim}, got ${z.dim}`, 'pca.decode');
    const out = new Float64Array(z.n * p);
    for (let i = 0; i < z.n; i++) {
      const o = i * p;
      out.set(mean, o);
      for (let k = 0; k < dim; k++) {
        const w = z.data[i * dim + k] * scale[k];
        const v = k * p;
        for (let a = 0; a < p; a++) out[o + a] += w * components[v + a];
      }
    }
    return { data: out, n: z.n, dim: p };
  };
  return {
    inputDim: p,
    dim,
    mean,
    components,
    variances,
    totalVariance: trace,
    whiten,
    explainedVarianceRatio: trace > 0 ? kept / trace : 1,
    encode,
    decode,
  };
}
