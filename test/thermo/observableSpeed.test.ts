import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { quad } from '../../src/core/quadrature.ts';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { otProcess1d, scheduleProcess1d } from '../../src/fields/exact1d.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { type Observable1d, observableSpeed } from '../../src/thermo/observableSpeed.ts';
import { expectClose } from '../support/expectClose.ts';

const bimodal = makeGaussianMixture([[-0.6], [0.6]], [0.3, 0.3], [0.5, 0.5]);
const observables: Observable1d[] = [
  { name: 'x', value: (x) => x, derivative: () => 1 },
  { name: 'x^2', value: (x) => x * x, derivative: (x) => 2 * x },
  { name: 'sin(2x+0.5)', value: (x) => Math.sin(2 * x + 0.5), derivative: (x) => 2 * Math.cos(2 * x + 0.5) },
  { name: 'tanh(x-0.3)', value: (x) => Math.tanh(x - 0.3), derivative: (x) => 1 - Math.tanh(x - 0.3) ** 2 },
];

describe('observableSpeed', () => {
  const procs = [
    ['cosine', scheduleProcess1d(bimodal, namedSchedule('cosine', 1))],
    ['cond-ot', scheduleProcess1d(bimodal, namedSchedule('cond-ot', 1))],
    ['ot', otProcess1d(bimodal, 1)],
  ] as const;

  it('v_r <= v2 for several observables, and both ways of d/dt E r agree (Eqs. 71-74)', () => {
    for (const [name, p] of procs) {
      for (const t of [0.1, 0.5, 0.85]) {
        for (const r of observables) {
          const o = observableSpeed(p, r, t);
          // FD in time with h = 1e-4: O(h^2) ~ 1e-8, quadrature noise 1e-11/h ~ 1e-7
          expectClose(o.dMean, o.dMeanFlux, { atol: 1e-6, rtol: 1e-6 }, `${name} ${r.name} t=${t} dE r`);
          assert.ok(o.vr <= o.v2 * (1 + 1e-6), `${name} ${r.name} t=${t}: v_r ${o.vr} > v2 ${o.v2}`);
        }
      }
    }
  });

  it('the mean observable r = x of Gaussian data moves at |dmu/dt|', () => {
    const s = namedSchedule('cosine', 1);
    const p = scheduleProcess1d(makeGaussianMixture([[0.5]], [0.4], [1]), s);
    const o = observableSpeed(p, observables[0], 0.4);
    expectClose(o.vr, Math.abs(s.dm(0.4) * 0.5), { rtol: 1e-6 }, 'v_r for r = x');
  });

  it('the optimal observable r* (r*\' = nu_t) attains v2 (Eqs. 75-76)', () => {
    for (const [name, p] of procs) {
      const t = 0.4;
      const rStar: Observable1d = {
        name: 'r*',
        value: (x) => quad((y) => p.velocity(t, y), 0, x, { tol: 1e-12 }).value,
        derivative: (x) => p.velocity(t, x),
      };
      const o = observableSpeed(p, rStar, t, { tol: 1e-10 });
      // equality up to the FD error of d/dt E r* (h = 1e-4) and the inner quadrature
      expectClose(o.vr, o.v2, { rtol: 1e-5 }, `${name} v_r* = v2`);
    }
  });

  it('throws InputError for a constant observable', () => {
    const p = scheduleProcess1d(bimodal, namedSchedule('cosine', 1));
    assert.throws(() => observableSpeed(p, { name: 'const', value: () => 1, derivative: () => 0 }, 0.5), InputError);
  });
});
