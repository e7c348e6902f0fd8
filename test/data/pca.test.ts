import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { InputError } from '../../src/core/errors.ts';
import type { Points } from '../../src/core/points.ts';
import { Rng } from '../../src/core/rng.ts';
import { fitPca } from '../../src/data/pca.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

/** n points in R^p lying on a k-dim affine subspace with decreasing spreads, plus optional isotropic noise. */
function subspaceData(n: number, p: number, k: number, noise: number, seed: number): Points {
  const rng = new Rng(seed);
  const basis = rng.fillNormal(new Float64Array(k * p));
  const offset = rng.fillNormal(new Float64Array(p));
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const c = rng.normal() * (k - j) * 2;
      for (let a = 0; a < p; a++) data[i * p + a] += c * basis[j * p + a];
    }
    for (let a = 0; a < p; a++) data[i * p + a] += offset[a] + noise * rng.normal();
  }
  return { data, n, dim: p };
}

/** Reference: eigenvalues of the sample covariance from the SVD of the centred data (s^2 / (n - 1)). */
function svdVariances(x: Points): number[] {
  const m = new Matrix(x.n, x.dim);
  const mean = new Float64Array(x.dim);
  for (let i = 0; i < x.n; i++) for (let a = 0; a < x.dim; a++) mean[a] += x.data[i * x.dim + a] / x.n;
  for (let i = 0; i < x.n; i++) for (let a = 0; a < x.dim; a++) m.set(i, a, x.data[i * x.dim + a] - mean[a]);
  return new SingularValueDecomposition(m).diagonal.map((s) => (s * s) / (x.n - 1)).sort((a, b) => b - a);
}

describe('fitPca(x, dim)', () => {
  for (const method of ['evd', 'subspace'] as const) {
    it(`[${method}] recovers the covariance spectrum of the SVD of the centred data`, () => {
      const x = subspaceData(300, 40, 6, 0.3, TEST_SEED);
      const pca = fitPca(x, 8, { method, whiten: false });
      const ref = svdVariances(x);
      // Two independent float64 decompositions of the same matrix agree to ~1e-10 relative; subspace
      // iteration stops at residual |C v - lambda v| <= 1e-8 lambda_1, which bounds the eigenvalue
      // error by the same amount (Bauer-Fike for symmetric C).
      const atol = method === 'evd' ? 0 : 1e-8 * ref[0];
      for (let k = 0; k < 8; k++) expectClose(pca.variances[k], ref[k], { rtol: 1e-9, atol }, `lambda_${k}`);
      const total = ref.reduce((a, b) => a + b, 0);
      expectClose(pca.totalVariance, total, { rtol: 1e-10 }, 'trace');
      expectClose(pca.explainedVarianceRatio, ref.slice(0, 8).reduce((a, b) => a + b, 0) / total, { rtol: 1e-9 }, 'EVR');
      // Components are orthonormal (to float64 rounding).
      for (let i = 0; i < 8; i++) {
        for (let j = 0; j < 8; j++) {
          let d = 0;
          for (let a = 0; a < 40; a++) d += pca.components[i * 40 + a] * pca.components[j * 40 + a];
          expectClose(d, i === j ? 1 : 0, { atol: 1e-10 }, `<v${i}, v${j}>`);
        }
      }
    });
  }

  it('evd and subspace give the same components (up to the fixed sign convention)', () => {
    const x = subspaceData(400, 60, 10, 0.5, TEST_SEED + 1);
    const a = fitPca(x, 5, { method: 'evd' });
    const b = fitPca(x, 5, { method: 'subspace' });
    // Well-separated eigenvalues (spreads 20, 18, ...): eigenvectors agree to ~ residual / gap ~ 1e-8.
    for (let i = 0; i < a.components.length; i++) expectClose(b.components[i], a.components[i], { atol: 1e-7 }, `component entry ${i}`);
  });

  it('decode(encode(x)) is exact for data on a dim-dimensional affine subspace', () => {
    const x = subspaceData(50, 30, 4, 0, TEST_SEED + 2);
    for (const whiten of [true, false]) {
      const pca = fitPca(x, 4, { whiten });
      const back = pca.decode(pca.encode(x));
      // Exact in exact arithmetic; float64 rounding on values of size ~10.
      for (let i = 0; i < x.data.length; i++) expectClose(back.data[i], x.data[i], { atol: 1e-9 }, `coordinate ${i}`);
    }
  });

  it('whitened latents of the fitted data have zero mean and identity covariance', () => {
    const x = subspaceData(200, 25, 8, 0.2, TEST_SEED + 3);
    const pca = fitPca(x, 6);
    const z = pca.encode(x);
    for (let a = 0; a < 6; a++) {
      let m = 0;
      for (let i = 0; i < z.n; i++) m += z.data[i * 6 + a] / z.n;
      expectClose(m, 0, { atol: 1e-10 }, `mean ${a}`);
      for (let b = 0; b < 6; b++) {
        let c = 0;
        for (let i = 0; i < z.n; i++) c += (z.data[i * 6 + a] * z.data[i * 6 + b]) / (z.n - 1);
        // By construction (eigenvectors of the same covariance): identity to solver accuracy.
        expectClose(c, a === b ? 1 : 0, { atol: 1e-8 }, `cov ${a},${b}`);
      }
    }
  });

  it('maxSamples estimates the covariance from an evenly strided subset (matches a PCA fitted on that subset)', () => {
    const x = subspaceData(400, 20, 5, 0.3, TEST_SEED + 4);
    const sub = fitPca(x, 3, { maxSamples: 100, whiten: false });
    const rows = new Float64Array(100 * 20);
    for (let s = 0; s < 100; s++) rows.set(x.data.subarray(s * 4 * 20, (s * 4 + 1) * 20), s * 20);
    const ref = svdVariances({ data: rows, n: 100, dim: 20 });
    // The subset covariance is centred on the full-data mean, not the subset mean: compare with a
    // tolerance of a few |mean shift|^2 ~ lambda / 100 relative.
    for (let k = 0; k < 3; k++) expectClose(sub.variances[k], ref[k], { rtol: 0.05 }, `lambda_${k}`);
  });

  it('rejects invalid input', () => {
    const x = subspaceData(10, 5, 2, 0, TEST_SEED);
    const bad = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InputError && re.test(e.message));
    bad(() => fitPca(x, 0), /fitPca\.dim: expected an integer in \[1, 5\]/);
    bad(() => fitPca(x, 6), /fitPca\.dim/);
    bad(() => fitPca({ data: new Float64Array(5), n: 1, dim: 5 }, 1), /at least 2 points, got 1/);
    const nan = { data: Float64Array.from(x.data), n: 10, dim: 5 };
    nan.data[7] = Number.NaN;
    bad(() => fitPca(nan, 2), /finite values, got NaN at point 1, coordinate 2/);
    bad(() => fitPca(x, 3), /cannot whiten: component 2 has variance/);
    const ok = fitPca(x, 2);
    bad(() => ok.encode({ data: new Float64Array(4), n: 1, dim: 4 }), /dimension 5, got 4/);
    bad(() => ok.decode({ data: new Float64Array(3), n: 1, dim: 3 }), /latents of dimension 2, got 3/);
  });
});
