import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { normalQuantile } from '../../src/core/special.ts';
import { emd } from '../../src/ot/emd.ts';
import { gaussianW2, gaussianW2Sq, isotropicGaussianW2Sq } from '../../src/ot/gaussianW2.ts';
import { wasserstein1d, wasserstein1dPow } from '../../src/ot/wasserstein1d.ts';
import { wassersteinQuantile } from '../../src/ot/wassersteinQuantile.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

test('1-D W_p of hand-checkable samples', () => {
  // {0, 1} vs {2, 3}: every point moves by 2
  expectClose(wasserstein1d(Float64Array.from([1, 0]), Float64Array.from([3, 2]), 1), 2, { rtol: 1e-15 }, 'W1 shift');
  expectClose(wasserstein1d(Float64Array.from([0, 1]), Float64Array.from([2, 3]), 2), 2, { rtol: 1e-15 }, 'W2 shift');
  // {0} vs {0, 1} with weights: half the mass moves by 1 -> W1 = 0.5, W2 = sqrt(0.5), W3 = 0.5^(1/3)
  const x = Float64Array.from([0]);
  const y = Float64Array.from([0, 1]);
  expectClose(wasserstein1d(x, y, 1), 0.5, { rtol: 1e-15 }, 'W1 split');
  expectClose(wasserstein1d(x, y, 2), Math.sqrt(0.5), { rtol: 1e-15 }, 'W2 split');
  expectClose(wasserstein1d(x, y, 3), 0.5 ** (1 / 3), { rtol: 1e-15 }, 'W3 split');
  // weights (0.25, 0.75) on {0, 1} vs point mass at 1: W1 = 0.25
  expectClose(wasserstein1d(Float64Array.from([0, 1]), Float64Array.from([1]), 1, Float64Array.from([1, 3])), 0.25, { rtol: 1e-15 }, 'weighted');
});

test('1-D weighted W_p equals the exact LP solver (network simplex) for p = 1, 2', () => {
  const rng = new Rng(TEST_SEED);
  for (let trial = 0; trial < 5; trial++) {
    const n = 20 + rng.int(50);
    const m = 20 + rng.int(50);
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const y = Float64Array.from({ length: m }, () => 1 + 0.5 * rng.normal());
    const wx = Float64Array.from({ length: n }, () => rng.uniform());
    const wy = Float64Array.from({ length: m }, () => rng.uniform());
    const sx = wx.reduce((s, v) => s + v, 0);
    const sy = wy.reduce((s, v) => s + v, 0);
    const a = wx.map((v) => v / sx);
    const b = wy.map((v) => v / sy);
    for (const [kind, p] of [['euclidean', 1], ['sqeuclidean', 2]] as const) {
      const lp = emd(a, b, { kind, x: { data: x, n, dim: 1 }, y: { data: y, n: m, dim: 1 } }).cost;
      // 1e-12 relative: both exact (closed form uses unnormalised weights, normalised internally)
      expectClose(wasserstein1dPow(x, y, p, wx, wy), lp, { rtol: 1e-12 }, `trial ${trial} p=${p}`);
    }
  }
});

test('W_p from quantile functions: Gaussians (Eq. 60 in 1-D) and uniforms', () => {
  // N(0, 1) vs N(1, 2^2): W2^2 = 1 + (2 - 1)^2 = 2
  const r = wassersteinQuantile(normalQuantile, (t) => 1 + 2 * normalQuantile(t), 2);
  // quadrature tolerance 1e-10 relative on W2^2; normalQuantile is accurate to ~1e-12
  expectClose(r.distance ** 2, isotropicGaussianW2Sq([0], 1, [1], 2), { rtol: 1e-8 }, 'Gaussian W2^2');
  // U(0,1) vs U(0,2): |t - 2t| -> W1 = 1/2, W3^3 = 1/4
  expectClose(wassersteinQuantile((t) => t, (t) => 2 * t, 1).distance, 0.5, { rtol: 1e-9 }, 'uniform W1');
  expectClose(wassersteinQuantile((t) => t, (t) => 2 * t, 3).distance ** 3, 0.25, { rtol: 1e-9 }, 'uniform W3');
  assert.throws(() => wassersteinQuantile((t) => t, (t) => t, 0.5), InputError);
});

test('quantile W2 agrees with sample W2 of stratified quantile samples', () => {
  // samples at the midpoints t_k = (k + 1/2)/N: the empirical W2^2 is the midpoint rule of the same
  // integral, whose error comes from the tails and decays like 1/N: measured relative W2 error
  // 3.3e-4, 8.2e-5, 2.1e-5 at N = 1000, 4000, 16000; 2e-4 at N = 4000 leaves a 2.4x margin
  const N = 4000;
  const x = Float64Array.from({ length: N }, (_, k) => normalQuantile((k + 0.5) / N));
  const y = Float64Array.from({ length: N }, (_, k) => 0.5 + 1.5 * normalQuantile((k + 0.5) / N));
  const q = wassersteinQuantile(normalQuantile, (t) => 0.5 + 1.5 * normalQuantile(t), 2).distance;
  expectClose(wasserstein1d(x, y, 2), q, { rtol: 2e-4 }, 'sample vs quantile');
  assert.ok(wasserstein1d(x, y, 2) < q, 'midpoint samples cut the tails, so they underestimate');
});

test('Gaussian W2 (Bures, Eq. 59): 1-D, commuting, isotropic (Eq. 60), and the 2x2 trace identity', () => {
  // 1-D: (mu1 - mu2)^2 + (s1 - s2)^2
  expectClose(gaussianW2Sq([1], [4], [-1], [9]), 4 + 1, { rtol: 1e-13 }, '1-D');
  // diagonal (commuting): sum (sqrt a - sqrt b)^2
  expectClose(gaussianW2Sq([0, 0, 0], [1, 0, 0, 0, 4, 0, 0, 0, 9], [1, 2, 2], [4, 0, 0, 0, 4, 0, 0, 0, 1]), 9 + 1 + 0 + 4, { rtol: 1e-12 }, 'diagonal');
  // isotropic full vs Eq. 60
  const d = 4;
  const eye = (s: number) => Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? s * s : 0));
  expectClose(gaussianW2Sq([0, 1, 2, 3], eye(0.7), [1, 1, 1, 1], eye(1.9)), isotropicGaussianW2Sq([0, 1, 2, 3], 0.7, [1, 1, 1, 1], 1.9), { rtol: 1e-12 }, 'isotropic');
  // non-commuting 2x2: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)) for 2x2 PSD M, with
  // tr(A^1/2 B A^1/2) = tr(AB) and det = det A det B: an independent formula
  const rng = new Rng(TEST_SEED + 1);
  for (let trial = 0; trial < 10; trial++) {
    const spd = () => {
      const a = rng.normal();
      const b = rng.normal();
      const c = rng.normal();
      const e = rng.normal();
      return [a * a + b * b + 0.1, a * c + b * e, a * c + b * e, c * c + e * e + 0.1];
    };
    const A = spd();
    const B = spd();
    const trAB = A[0] * B[0] + A[1] * B[2] + A[2] * B[1] + A[3] * B[3];
    const det = (M: number[]) => M[0] * M[3] - M[1] * M[2];
    const cross = Math.sqrt(trAB + 2 * Math.sqrt(det(A) * det(B)));
    const mu = [rng.normal(), rng.normal()];
    const expected = mu[0] ** 2 + mu[1] ** 2 + A[0] + A[3] + B[0] + B[3] - 2 * cross;
    // 1e-9 relative: eigen-decompositions converge to ~1e-15; the subtraction loses a few digits
    expectClose(gaussianW2Sq(mu, A, [0, 0], B), expected, { rtol: 1e-9, atol: 1e-12 }, `trial ${trial}`);
    expectClose(gaussianW2(mu, A, [0, 0], B), Math.sqrt(expected), { rtol: 1e-9, atol: 1e-12 }, `trial ${trial} W2`);
  }
});

test('Gaussian W2 input errors', () => {
  assert.throws(() => gaussianW2Sq([0, 0], [1, 0, 0, 1], [0], [1]), InputError);
  assert.throws(() => gaussianW2Sq([0, 0], [1, 2, 0, 1], [0, 0], [1, 0, 0, 1]), /not symmetric/);
  assert.throws(() => gaussianW2Sq([0, 0], [1, 0, 0, -1], [0, 0], [1, 0, 0, 1]), /positive semi-definite/);
  assert.throws(() => gaussianW2Sq([Number.NaN], [1], [0], [1]), InputError);
  assert.throws(() => isotropicGaussianW2Sq([0], -1, [0], 1), /std/);
});

test('1-D input errors: NaN samples, negative weights, empty, p < 1', () => {
  const x = Float64Array.from([0, 1]);
  assert.throws(() => wasserstein1d(Float64Array.from([0, Number.NaN]), x), InputError);
  assert.throws(() => wasserstein1d(x, x, 1, Float64Array.from([1, -1])), /non-negative/);
  assert.throws(() => wasserstein1d(new Float64Array(0), x), InputError);
  assert.throws(() => wasserstein1d(x, x, 0.5), InputError);
});
