import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradientProjection2d } from '../../src/fields/gradientProjection.ts';
import { linearForceMixtureField } from '../../src/fields/linearForceMixtureField.ts';
import { swissRollForce } from '../../src/processes/swissRollForce.ts';
import { expectClose } from '../support/expectClose.ts';

const centred = { dim: 2, k: 1, means: new Float64Array(2), stds: Float64Array.of(1), weights: Float64Array.of(1) };

test('rotational force on a centred isotropic Gaussian: housekeeping = G^2 E|x|^2, v2 independent of g (1%)', () => {
  for (const t of [0.1, 0.5, 0.9]) {
    const v2 = [] as number[];
    for (const g of [0, 3, 5]) {
      const p = swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 1 });
      const f = linearForceMixtureField(p, centred);
      const v = f.components(t).variances[0];
      const sd = Math.sqrt(v);
      const r = gradientProjection2d(
        { logDensity: (x, n) => f.logDensity(t, x, n), velocity: (x, n) => f.velocity(t, x, n) },
        { box: [-8 * sd, 8 * sd, -8 * sd, 8 * sd], cells: 64 },
      );
      const G = p.forceMatrix(t)[2];
      const H = p.forceMatrix(t)[0];
      const T = p.temperature(t);
      // closed forms: nu = (H + T/v) x + G J x; the first part is grad((H + T/v)|x|^2/2), the second is
      // divergence-free w.r.t. P and L2(P)-orthogonal to gradients; E|x|^2 = 2 v
      expectClose(r.housekeeping, G * G * 2 * v, { rtol: 0.01, atol: 1e-12 }, `housekeeping g=${g} t=${t}`);
      expectClose(r.excess, (H + T / v) ** 2 * 2 * v, { rtol: 0.01 }, `v2^2 g=${g} t=${t}`);
      // discrete Pythagoras: exact up to the CG residual
      expectClose(r.excess + r.housekeeping, r.total, { rtol: 1e-8 }, 'total = excess + housekeeping');
      expectClose(r.mass, 1, { atol: 1e-9 }, 'box holds the mass');
      v2.push(r.excess);
    }
    expectClose(v2[1], v2[0], { rtol: 0.01 }, 'v2 g=3 vs g=0');
    expectClose(v2[2], v2[0], { rtol: 0.01 }, 'v2 g=5 vs g=0');
  }
});

test('gradientProjection2d rejects bad input', () => {
  const f = { logDensity: (_x: Float64Array, n: number) => new Float64Array(n), velocity: (_x: Float64Array, n: number) => new Float64Array(2 * n) };
  assert.throws(() => gradientProjection2d(f, { box: [1, 0, 0, 1] }), /x1 > x0/);
  assert.throws(() => gradientProjection2d(f, { box: [0, 1, 0, Number.NaN] }), /box/);
  assert.throws(() => gradientProjection2d(f, { box: [0, 1, 0, 1], cells: 2 }), /cells/);
  const nan = { ...f, velocity: (_x: Float64Array, n: number) => new Float64Array(2 * n).fill(Number.NaN) };
  assert.throws(() => gradientProjection2d(nan, { box: [0, 1, 0, 1], cells: 8 }), /not finite/);
});
