import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { makeGaussianMixture, makeGaussianMixtureWithCovariances, sampleGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

const bad = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error) => e instanceof InputError && re.test(e.message));

test('makeGaussianMixture stores k, dim, means row-major, stds and weights', () => {
  const gm = makeGaussianMixture([[0, 1], [2, 3], [4, 5]], [0.1, 0.2, 0.3], [0.2, 0.3, 0.5]);
  assert.equal(gm.k, 3);
  assert.equal(gm.dim, 2);
  assert.deepEqual(Array.from(gm.means), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(gm.stds), [0.1, 0.2, 0.3]);
  expectClose(gm.weights[0] + gm.weights[1] + gm.weights[2], 1, { atol: 1e-15 }, 'weights sum');
});

test('makeGaussianMixture rejects NaN, strings, null, ragged rows, std <= 0, bad weights, length mismatches', () => {
  bad(() => makeGaussianMixture([[Number.NaN]], [1], [1]), /data\.means\[0\]\[0\]: expected a finite number, got NaN/);
  bad(() => makeGaussianMixture([[Infinity]], [1], [1]), /finite number/);
  bad(() => makeGaussianMixture([['1' as unknown as number]], [1], [1]), /got "1"/);
  bad(() => makeGaussianMixture([[0]], [null as unknown as number], [1]), /stds\[0\].*got null/);
  bad(() => makeGaussianMixture([[0, 1], [2]], [1, 1], [0.5, 0.5]), /means\[1\]: expected 2 coordinates/);
  bad(() => makeGaussianMixture([[0], [1]], [1, -0.3], [0.5, 0.5]), /stds\[1\]: expected a standard deviation > 0, got -0.3/);
  bad(() => makeGaussianMixture([[0], [1]], [1, 0], [0.5, 0.5]), /> 0/);
  bad(() => makeGaussianMixture([[0], [1]], [1, 1], [0.5, 0.6]), /weights summing to 1, got sum 1.1/);
  bad(() => makeGaussianMixture([[0], [1]], [1, 1], [1.5, -0.5]), /weight >= 0/);
  bad(() => makeGaussianMixture([[0], [1]], [1], [0.5, 0.5]), /expected 2 stds/);
  bad(() => makeGaussianMixture([[0], [1]], [1, 1], [1]), /expected 2 weights/);
  bad(() => makeGaussianMixture([], [], []), /at least one component/);
  bad(() => makeGaussianMixture([[0]], [1], [0.5], 'config.data'), /^config\.data\.weights: /);
});

test('sampleGaussianMixture is deterministic per seed and matches the mixture mean and variance', () => {
  const gm = makeGaussianMixture([[-1, 2], [1.5, -0.5]], [0.3, 0.7], [0.25, 0.75]);
  const n = 40000;
  const a = sampleGaussianMixture(gm, n, new Rng(TEST_SEED));
  const b = sampleGaussianMixture(gm, n, new Rng(TEST_SEED));
  assert.deepEqual(a.data, b.data);
  assert.equal(a.n, n);
  assert.equal(a.dim, 2);
  for (let j = 0; j < 2; j++) {
    const mu = 0.25 * gm.means[j] + 0.75 * gm.means[2 + j];
    const second = 0.25 * (gm.means[j] ** 2 + 0.09) + 0.75 * (gm.means[2 + j] ** 2 + 0.49);
    const varTrue = second - mu * mu;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = a.data[i * 2 + j];
      s += x;
      s2 += x * x;
    }
    const m = s / n;
    const v = s2 / n - m * m;
    // 5 standard errors: se(mean) = sqrt(var/n); se(var) <= sqrt(E(x-mu)^4/n) ~ 2.5 var/sqrt(n) for this mixture.
    expectClose(m, mu, { atol: 5 * Math.sqrt(varTrue / n) }, `mean coord ${j}`);
    expectClose(v, varTrue, { atol: (5 * 2.5 * varTrue) / Math.sqrt(n) }, `variance coord ${j}`);
  }
  assert.throws(() => sampleGaussianMixture(gm, -1, new Rng(1)), InputError);
});

test('sampleGaussianMixture never picks a zero-weight component', () => {
  const gm = makeGaussianMixture([[-100], [0], [100]], [1, 1, 1], [0, 1, 0]);
  const p = sampleGaussianMixture(gm, 5000, new Rng(TEST_SEED));
  for (const x of p.data) assert.ok(Math.abs(x) < 10);
});

test('makeGaussianMixtureWithCovariances stores symmetric covariances and stds = sqrt(largest eigenvalue)', () => {
  const gm = makeGaussianMixtureWithCovariances(
    [[0, 1], [2, 3]],
    [
      [[0.25, 0], [0, 0.04]],
      [[2, 1], [1, 2]],
    ],
    [0.4, 0.6],
  );
  assert.equal(gm.k, 2);
  assert.deepEqual(Array.from(gm.covariances!), [0.25, 0, 0, 0.04, 2, 1, 1, 2]);
  // eigenvalues of [[2, 1], [1, 2]] are 1 and 3 (closed form; round-off only)
  expectClose(gm.stds[0], 0.5, { rtol: 1e-15 }, 'std 0');
  expectClose(gm.stds[1], Math.sqrt(3), { rtol: 1e-15 }, 'std 1');
  // 1-D: the 1 x 1 covariance becomes the isotropic std
  const one = makeGaussianMixtureWithCovariances([[0], [1]], [[[0.09]], [[0.16]]], [0.5, 0.5]);
  assert.equal(one.covariances, undefined);
  assert.deepEqual(Array.from(one.stds), [0.3, 0.4]);
  // 3-D goes through the ml-matrix eigen-decomposition: diag(1, 4, 9) -> largest std 3
  const three = makeGaussianMixtureWithCovariances([[0, 0, 0]], [[[4, 0, 0], [0, 9, 0], [0, 0, 1]]], [1]);
  expectClose(three.stds[0], 3, { rtol: 1e-14 }, '3-D std');
});

test('makeGaussianMixtureWithCovariances rejects asymmetric, indefinite, singular, wrongly shaped and NaN covariances with the place', () => {
  const means = [[0, 0]];
  const cov = (m: unknown) => () => makeGaussianMixtureWithCovariances(means, [m as number[][]], [1], 'config.data');
  bad(cov([[1, 0.5], [0.4, 1]]), /^config\.data\.covariances\[0\]: expected a symmetric matrix, got \[1\]\[0\] = 0.4 but \[0\]\[1\] = 0.5/);
  bad(cov([[1, 2], [2, 1]]), /covariances\[0\]: expected a positive definite matrix .*got eigenvalues from -1 to 3/);
  bad(cov([[1, 1], [1, 1]]), /positive definite .*eigenvalues from 0 to 2/);
  bad(cov([[1, 0], [0, 1e-14]]), /positive definite/); // condition number 1e14 > 1e12: numerically singular
  bad(cov([[-1, 0], [0, -1]]), /positive definite/);
  bad(cov([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), /covariances\[0\]: expected a 2x2 matrix \(2 rows, the data dimension\), got 3 rows/);
  bad(cov([[1, 0], [0]]), /covariances\[0\]\[1\]: expected 2 entries \(a 2x2 matrix\), got 1/);
  bad(cov([[1, Number.NaN], [0, 1]]), /covariances\[0\]\[0\]\[1\]: expected a finite number, got NaN/);
  bad(cov([[1, null], [0, 1]]), /covariances\[0\]\[0\]\[1\]: expected a finite number, got null/);
  bad(cov(7), /covariances\[0\]: expected an array, got 7/);
  bad(() => makeGaussianMixtureWithCovariances(means, [], [1]), /covariances: expected 1 covariance matrices \(one per component\), got 0/);
  bad(() => makeGaussianMixtureWithCovariances(means, 'x' as unknown as number[][][], [1]), /covariances: expected an array, got "x"/);
});
