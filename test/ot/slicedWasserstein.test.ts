import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { emd } from '../../src/ot/emd.ts';
import { slicedWasserstein } from '../../src/ot/slicedWasserstein.ts';
import { wasserstein1d } from '../../src/ot/wasserstein1d.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';
import { uniformCloud } from './otFixtures.ts';

test('in 1-D every direction is +-1, so sliced W_p equals the exact 1-D W_p', () => {
  const rng = new Rng(TEST_SEED);
  const x = uniformCloud(rng, 50, 1);
  const y = { data: Float64Array.from({ length: 70 }, () => rng.normal()), n: 70, dim: 1 };
  for (const p of [1, 2]) {
    const s = slicedWasserstein(x, y, new Rng(1), { projections: 16, p });
    // rounding only: |theta| = 1 exactly after normalisation
    expectClose(s.distance, wasserstein1d(x.data, y.data, p), { rtol: 1e-13 }, `p=${p}`);
    // all slices are equal: the standard error is zero up to the sqrt(machine eps) ~ 1e-8 relative
    // noise of the one-pass variance formula
    assert.ok(s.powerStdError < 1e-7 * s.distance ** p, `std error ${s.powerStdError}`);
  }
});

test('sliced W2 is seeded (same seed, same value) and never exceeds the exact W2', () => {
  // projections are 1-Lipschitz, so W2(theta#mu, theta#nu) <= W2(mu, nu) for every direction
  const rng = new Rng(TEST_SEED + 1);
  const x = uniformCloud(rng, 80, 3);
  const y = uniformCloud(rng, 80, 3);
  const a = slicedWasserstein(x, y, new Rng(42), { projections: 64 });
  const b = slicedWasserstein(x, y, new Rng(42), { projections: 64 });
  assert.equal(a.distance, b.distance);
  const exact = Math.sqrt(emd(null, null, { kind: 'sqeuclidean', x, y }).cost);
  assert.ok(a.distance <= exact, `${a.distance} > ${exact}`);
});

test('a translated cloud: SW2^2 = |t|^2 E[theta_1^2] = |t|^2 / d, within Monte Carlo error', () => {
  // every 1-D projection is the same cloud shifted by theta.t, whose W2^2 is (theta.t)^2 exactly
  const rng = new Rng(TEST_SEED + 2);
  const d = 3;
  const x = uniformCloud(rng, 100, d);
  const t = [0.3, -0.4, 1.2];
  const y = { ...x, data: x.data.map((v, k) => v + t[k % d]) };
  const s = slicedWasserstein(x, y, new Rng(7), { projections: 2000 });
  const expected = (t[0] ** 2 + t[1] ** 2 + t[2] ** 2) / d;
  // 4 standard errors of the Monte Carlo mean (reported by the function)
  expectClose(s.distance ** 2, expected, { atol: 4 * s.powerStdError }, 'SW2^2');
  assert.ok(s.powerStdError > 0 && s.powerStdError < 0.05 * expected);
});

test('sliced input errors', () => {
  const x = { data: new Float64Array(4), n: 2, dim: 2 };
  const y = { data: new Float64Array(3), n: 1, dim: 3 };
  assert.throws(() => slicedWasserstein(x, y, new Rng(1)), /dimensions differ/);
  assert.throws(() => slicedWasserstein(x, x, new Rng(1), { projections: 0 }), InputError);
});
