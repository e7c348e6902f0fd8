import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { evaluateGaussianSumIndexed, gaussianSumIndex } from '../../src/fields/gaussianSumIndex.ts';
import { evaluateGaussianSum, isotropicGaussianSum } from '../../src/fields/isotropicGaussianSum.ts';

// The indexed evaluation sums exactly the terms the full one keeps (those within 60 nats of the
// largest exponent), in another order: the results agree up to rounding, a few ulps times the
// number of terms (k = 400 terms of relative size <= 1: < 1e-12 relative, asked 1e-11).
function compare(dim: number, variances: (j: number) => number, spread: number, seed: number) {
  const rng = new Rng(seed);
  const k = 400;
  const centers = new Float64Array(k * dim);
  for (let i = 0; i < centers.length; i++) centers[i] = spread * rng.normal();
  const vars = Array.from({ length: k }, (_, j) => variances(j));
  // one zero weight (skipped by both) and unequal weights
  const w = Array.from({ length: k }, (_, j) => (j === 7 ? 0 : 0.5 + rng.uniform()));
  const sum = isotropicGaussianSum(centers, vars, w, dim);
  const idx = gaussianSumIndex(sum);
  const n = 300;
  const x = new Float64Array(n * dim);
  // queries near the centres, in the gaps, and far outside the bucket grid
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) x[i * dim + d] = (i % 3 === 2 ? 6 : 1.2) * spread * rng.normal();
  const dv = 2;
  const values = new Float64Array(k * dv);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  const full = { logDensity: new Float64Array(n), score: new Float64Array(n * dim), average: new Float64Array(n * dv), values, dv };
  const fast = { logDensity: new Float64Array(n), score: new Float64Array(n * dim), average: new Float64Array(n * dv), values, dv };
  evaluateGaussianSum(sum, x, n, full);
  evaluateGaussianSumIndexed(idx, x, n, fast);
  const close = (p: Float64Array, q: Float64Array, what: string) => {
    for (let i = 0; i < p.length; i++) {
      const tol = 1e-11 * Math.max(1, Math.abs(p[i]));
      assert.ok(Math.abs(p[i] - q[i]) <= tol, `${what}[${i}]: full ${p[i]} vs indexed ${q[i]} (dim ${dim})`);
    }
  };
  close(full.logDensity, fast.logDensity, 'logDensity');
  close(full.score, fast.score, 'score');
  close(full.average, fast.average, 'average');
}

test('indexed Gaussian sum equals the full sum: narrow equal components (point-mass data at small t), 1-3 D', () => {
  for (const dim of [1, 2, 3]) compare(dim, () => 1e-6, 1, 11 + dim);
});

test('indexed Gaussian sum equals the full sum: unequal variances spanning 4 decades, 2-D and 3-D', () => {
  for (const dim of [2, 3]) compare(dim, (j) => 10 ** (-4 + (4 * (j % 17)) / 16), 1, 21 + dim);
});

test('indexed Gaussian sum equals the full sum: wide components (every term kept, the fallback path)', () => {
  compare(2, () => 4, 0.5, 31);
});
