import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { swissRoll } from '../../src/data/swissRoll.ts';
import { gradientProjection2d } from '../../src/fields/gradientProjection.ts';
import { linearForceMixtureField, mixtureFromPoints } from '../../src/fields/linearForceMixtureField.ts';
import { swissRollForce } from '../../src/processes/swissRollForce.ts';
import { wassersteinSpeedFromClouds } from '../../src/thermo/wassersteinSpeed.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

const data = mixtureFromPoints(swissRoll(40, new Rng(TEST_SEED)));
const t = 0.5;

function poisson(g: number) {
  const f = linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 1 }), data);
  const r = gradientProjection2d(
    { logDensity: (x, n) => f.logDensity(t, x, n), velocity: (x, n) => f.velocity(t, x, n) },
    { box: [-4.5, 4.5, -4.5, 4.5], cells: 96 },
  );
  return { f, r };
}

test('v2 two ways, conservative case (g = 0): W2 between pushed clouds / dt equals the Poisson-grid v2', () => {
  const { f, r } = poisson(0);
  assert.ok(r.housekeeping / r.total < 1e-3, `a gradient field has no housekeeping part (${r.housekeeping / r.total})`);
  const c = wassersteinSpeedFromClouds(f, t, 0.02, 1200, new Rng(TEST_SEED));
  // cloud estimate = sqrt(mean |nu|^2) over 1200 exact samples: relative sd of the mean of |nu|^2
  // is ~ sd/mean / sqrt(1200) ~ 1.2/35 = 3.5%, i.e. 1.7% on v2; tolerance 6% ~ 3.5 sd. The grid
  // error (cell 0.09 vs component std 0.22) and the O(dt^2) time error are far below that.
  expectClose(c.v2, Math.sqrt(r.excess), { rtol: 0.06 }, 'v2 cloud vs Poisson');
  assert.equal(c.rematched, 0, 'a small step of a gradient flow keeps the identity coupling optimal');
});

test('v2 two ways, rotational case: the cloud estimate is bracketed by v2 (Poisson) and sqrt(T S_dot), and drops towards v2 once re-matching sets in', () => {
  // centred isotropic Gaussian data: the rotation is pure housekeeping (closed form checked in
  // test/fields/gradientProjection.test.ts), v2 = |H + T/v| sqrt(2v) = 0.382 and sqrt(T S_dot) = 1.48 at t = 0.5
  const gauss = { dim: 2, k: 1, means: new Float64Array(2), stds: Float64Array.of(1), weights: Float64Array.of(1) };
  const f = linearForceMixtureField(swissRollForce({ h: 1.1, g: 3, Tfin: 0.5, tau: 1 }), gauss);
  const sd = Math.sqrt(f.components(t).variances[0]);
  const r = gradientProjection2d(
    { logDensity: (x, n) => f.logDensity(t, x, n), velocity: (x, n) => f.velocity(t, x, n) },
    { box: [-8 * sd, 8 * sd, -8 * sd, 8 * sd], cells: 64 },
  );
  const v2 = Math.sqrt(r.excess);
  const ts = Math.sqrt(r.total);
  const small = wassersteinSpeedFromClouds(f, t, 0.005, 800, new Rng(1));
  const large = wassersteinSpeedFromClouds(f, t, 0.2, 800, new Rng(1));
  for (const c of [small, large]) {
    assert.ok(c.v2 > v2, `cloud v2 ${c.v2} must exceed the true v2 ${v2}: the matching cost of two 800-point clouds is added`);
    assert.ok(c.v2 <= c.identity * (1 + 1e-12), 'OT cost <= identity coupling cost');
    // identity value = sqrt(mean |nu|^2) over 800 exact samples: relative sd ~ 1/sqrt(800) / 2 = 1.8%; 7% ~ 4 sd
    expectClose(c.identity, ts, { rtol: 0.07 }, 'identity coupling = sqrt(T S_dot)');
  }
  // small dt: the rotation moves points by ~ G r dt = 0.01, below the spacing ~ 0.05: no re-matching,
  // the estimate is sqrt(T S_dot) (housekeeping included), not v2
  assert.equal(small.rematched, 0);
  expectClose(small.v2, ts, { rtol: 0.07 }, 'small dt sees T S_dot');
  // large dt: displacement ~ 0.45 >> spacing: most points re-matched, estimate well below sqrt(T S_dot)
  assert.ok(large.rematched > 0.5 && large.v2 < 0.6 * ts, `re-matched ${large.rematched}, v2 ${large.v2}`);
});
