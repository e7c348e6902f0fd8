import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { assertInteger } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';
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
  /**
   * Eigen-solver: `evd` = full symmetric eigen-decomposition (ml-matrix), `subspace` = block
   * subspace iteration with Rayleigh-Ritz for the top components only (much faster when
   * dim << inputDim; converged to a residual |C v - lambda v| <= 1e-8 lambda_1).
   * @default 'subspace' when dim <= inputDim / 4, else 'evd'
   */
  method?: 'evd' | 'subspace';
}

/**
 * Fit a PCA from the top eigenvectors of the inputDim x inputDim sample covariance (full
 * ml-matrix symmetric EVD, or subspace iteration for the top components; see `method`). The covariance is accumulated in float64 exploiting symmetry
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

  // Covariance from m evenly strided points, accumulated in blocks of B centred points stored
  // transposed (p x B), so each entry is a dot product of length B (cache friendly).
  const m = Math.min(maxSamples, x.n);
  const stride = x.n / m;
  const cov = new Float64Array(p * p);
  const B = 64;
  const block = new Float64Array(p * B);
  for (let s0 = 0; s0 < m; s0 += B) {
    const nb = Math.min(B, m - s0);
    for (let j = 0; j < nb; j++) {
      const o = Math.floor((s0 + j) * stride) * p;
      for (let k = 0; k < p; k++) block[k * B + j] = data[o + k] - mean[k];
    }
    for (let a = 0; a < p; a++) {
      const oa = a * B;
      const base = a * p;
      for (let b = a; b < p; b++) {
        const ob = b * B;
        let acc = 0;
        for (let j = 0; j < nb; j++) acc += block[oa + j] * block[ob + j];
        cov[base + b] += acc;
      }
    }
  }
  let trace = 0;
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const v = cov[a * p + b] / (m - 1);
      cov[a * p + b] = v;
      cov[b * p + a] = v;
    }
    trace += cov[a * p + a];
  }
  const method = opts.method ?? (dim <= p / 4 ? 'subspace' : 'evd');
  const { values: topValues, vectors: topVectors } =
    method === 'evd' ? topEigenEvd(cov, p, dim) : topEigenSubspace(cov, p, dim);
  const components = new Float64Array(dim * p);
  const variances = new Float64Array(dim);
  let kept = 0;
  for (let k = 0; k < dim; k++) {
    variances[k] = Math.max(0, topValues[k]);
    kept += variances[k];
    let big = 0;
    for (let a = 0; a < p; a++) {
      const v = topVectors[k * p + a];
      if (Math.abs(v) > Math.abs(big)) big = v;
    }
    const sign = big < 0 ? -1 : 1;
    let norm = 0;
    for (let a = 0; a < p; a++) norm += topVectors[k * p + a] ** 2;
    const inv = sign / Math.sqrt(norm);
    for (let a = 0; a < p; a++) components[k * p + a] = topVectors[k * p + a] * inv;
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
    const centred = new Float64Array(p);
    for (let i = 0; i < pts.n; i++) {
      const o = i * p;
      for (let a = 0; a < p; a++) centred[a] = pts.data[o + a] - mean[a];
      for (let k = 0; k < dim; k++) {
        const v = k * p;
        let acc = 0;
        for (let a = 0; a < p; a++) acc += components[v + a] * centred[a];
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

/** Top-k eigenpairs (descending) of a symmetric p x p matrix by the full ml-matrix EVD. */
function topEigenEvd(c: Float64Array, p: number, k: number): { values: Float64Array; vectors: Float64Array } {
  const m = new Matrix(p, p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) m.set(a, b, c[a * p + b]);
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((i, j) => vals[j] - vals[i]);
  const values = new Float64Array(k);
  const vectors = new Float64Array(k * p);
  for (let r = 0; r < k; r++) {
    values[r] = vals[order[r]];
    for (let a = 0; a < p; a++) vectors[r * p + a] = vecs.get(a, order[r]);
  }
  return { values, vectors };
}

/** Orthonormalise the b rows (each of length p) of q in place by modified Gram-Schmidt, twice. */
function orthonormaliseRows(q: Float64Array, b: number, p: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < b; i++) {
      const oi = i * p;
      for (let j = 0; j < i; j++) {
        const oj = j * p;
        let d = 0;
        for (let a = 0; a < p; a++) d += q[oi + a] * q[oj + a];
        for (let a = 0; a < p; a++) q[oi + a] -= d * q[oj + a];
      }
      let nrm = 0;
      for (let a = 0; a < p; a++) nrm += q[oi + a] * q[oi + a];
      nrm = Math.sqrt(nrm);
      if (nrm === 0) {
        // Degenerate direction: replace by a unit vector not yet spanned (deterministic).
        q[oi + (i % p)] = 1;
        i--;
        continue;
      }
      for (let a = 0; a < p; a++) q[oi + a] /= nrm;
    }
  }
}

/**
 * Top-k eigenpairs of a symmetric positive semi-definite p x p matrix by block subspace
 * iteration (block size k + oversampling) with Rayleigh-Ritz, started from a fixed
 * deterministic pseudo-random block; stops when every kept Ritz pair has residual
 * |C v - lambda v| <= 1e-8 lambda_1 (or after 500 iterations, when the residual is
 * checked against 1e-6 lambda_1 and a NumericalError is thrown if that fails).
 */
function topEigenSubspace(c: Float64Array, p: number, k: number): { values: Float64Array; vectors: Float64Array } {
  const b = Math.min(p, k + Math.max(16, Math.ceil(k / 2)));
  const q = new Float64Array(b * p);
  // Deterministic start (a fixed LCG): the result does not depend on it once converged.
  let state = 0x2545f491;
  for (let i = 0; i < q.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    q[i] = state / 4294967296 - 0.5;
  }
  orthonormaliseRows(q, b, p);
  const y = new Float64Array(b * p);
  const mulC = (src: Float64Array, dst: Float64Array) => {
    // dst_row_i = C src_row_i (C symmetric), four rows at a time so each row of C is read once per four.
    let i = 0;
    for (; i + 4 <= b; i += 4) {
      const o0 = i * p;
      const o1 = o0 + p;
      const o2 = o1 + p;
      const o3 = o2 + p;
      for (let a = 0; a < p; a++) {
        const ca = a * p;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let t = 0; t < p; t++) {
          const cv = c[ca + t];
          s0 += cv * src[o0 + t];
          s1 += cv * src[o1 + t];
          s2 += cv * src[o2 + t];
          s3 += cv * src[o3 + t];
        }
        dst[o0 + a] = s0;
        dst[o1 + a] = s1;
        dst[o2 + a] = s2;
        dst[o3 + a] = s3;
      }
    }
    for (; i < b; i++) {
      const oi = i * p;
      for (let a = 0; a < p; a++) {
        const ca = a * p;
        let acc = 0;
        for (let t = 0; t < p; t++) acc += c[ca + t] * src[oi + t];
        dst[oi + a] = acc;
      }
    }
  };
  const values = new Float64Array(k);
  const vectors = new Float64Array(k * p);
  for (let iter = 1; iter <= 500; iter++) {
    mulC(q, y);
    q.set(y);
    orthonormaliseRows(q, b, p);
    if (iter % 5 !== 0 && iter !== 500) continue;
    // Rayleigh-Ritz: T = Q C Q^T (b x b), rotate Q by T's eigenvectors.
    mulC(q, y);
    const t = new Matrix(b, b);
    for (let i = 0; i < b; i++) {
      for (let j = i; j < b; j++) {
        let d = 0;
        for (let a = 0; a < p; a++) d += q[i * p + a] * y[j * p + a];
        t.set(i, j, d);
        t.set(j, i, d);
      }
    }
    const evd = new EigenvalueDecomposition(t, { assumeSymmetric: true });
    const vals = evd.realEigenvalues;
    const w = evd.eigenvectorMatrix;
    const order = vals.map((_, i) => i).sort((i, j) => vals[j] - vals[i]);
    const rq = new Float64Array(b * p);
    const ry = new Float64Array(b * p);
    for (let r = 0; r < b; r++) {
      const col = order[r];
      for (let i = 0; i < b; i++) {
        const wi = w.get(i, col);
        if (wi === 0) continue;
        for (let a = 0; a < p; a++) {
          rq[r * p + a] += wi * q[i * p + a];
          ry[r * p + a] += wi * y[i * p + a];
        }
      }
    }
    q.set(rq);
    const lambda1 = Math.abs(vals[order[0]]);
    let worst = 0;
    for (let r = 0; r < k; r++) {
      const lam = vals[order[r]];
      let res = 0;
      for (let a = 0; a < p; a++) res += (ry[r * p + a] - lam * rq[r * p + a]) ** 2;
      worst = Math.max(worst, Math.sqrt(res));
    }
    const done = worst <= 1e-8 * lambda1 || lambda1 === 0;
    if (done || iter === 500) {
      if (!done && worst > 1e-6 * lambda1) {
        throw new NumericalError(`PCA subspace iteration did not converge: residual ${worst} > 1e-6 * ${lambda1}`);
      }
      for (let r = 0; r < k; r++) values[r] = vals[order[r]];
      vectors.set(rq.subarray(0, k * p));
      return { values, vectors };
    }
  }
  /* c8 ignore next */
  throw new NumericalError('PCA subspace iteration did not finish');
}
