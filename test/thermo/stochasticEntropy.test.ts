import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { scheduleProcess1d } from '../../src/fields/exact1d.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { entropyProductionIntegral } from '../../src/thermo/entropyProduction.ts';
import { scheduleForce1d } from '../../src/thermo/scheduleForce1d.ts';
import { scheduleTransition1d } from '../../src/thermo/scheduleTransition1d.ts';
import { stochasticEntropy } from '../../src/thermo/stochasticEntropy.ts';
import { TEST_SEED } from '../support/expectClose.ts';

const bimodal = makeGaussianMixture([[-0.6], [0.6]], [0.3, 0.3], [0.5, 0.5]);
// k standard errors: a correct implementation fails a 4-SE band with probability ~6e-5 per check
const K = 4;

describe('stochasticEntropy', () => {
  for (const [name, t0] of [
    ['cosine', 0.01],
    ['cond-ot', 0.05],
  ] as const) {
    it(`${name}: E[s_tot] = int S_dot_tot dt on [${t0}, 0.9] (T > 0 and bounded there)`, () => {
      const s = namedSchedule(name, 1);
      const proc = scheduleProcess1d(bimodal, s);
      const coeffs = scheduleForce1d(s);
      const exact = entropyProductionIntegral(proc, coeffs, t0, 0.9);
      // n = 10000 trajectories, 200 steps with exact Gaussian transitions: the only bias is the
      // O(dt) midpoint sum of the heat, ~2e-3 here, below the SE (~7e-3)
      const r = stochasticEntropy(proc, coeffs, {
        n: 10000,
        steps: 200,
        t0,
        t1: 0.9,
        rng: new Rng(TEST_SEED),
        transition: scheduleTransition1d(s),
      });
      assert.ok(Math.abs(r.mean.tot - exact.total) <= K * r.se.tot, `mean s_tot ${r.mean.tot} +- ${r.se.tot} vs ${exact.total}`);
      assert.ok(Math.abs(r.mean.sys - exact.system) <= K * r.se.sys, `mean s_sys ${r.mean.sys} +- ${r.se.sys} vs ${exact.system}`);
      assert.ok(Math.abs(r.mean.bath - exact.bath) <= K * r.se.bath, `mean s_bath ${r.mean.bath} +- ${r.se.bath} vs ${exact.bath}`);
      // from a narrow start the weights exp(-s_tot) are heavy-tailed (infinite variance): the
      // estimator must say its SE is unreliable rather than report a falsely tight IFT check
      assert.equal(r.ift.seReliable, false, `tail index ${r.ift.tailIndex}, ESS ${r.ift.ess}`);
    });
  }

  for (const [name, t0] of [
    ['cosine', 0.6],
    ['cond-ot', 0.75],
  ] as const) {
    it(`${name}: E[exp(-s_tot)] = 1 (Eq. 50) on [${t0}, 0.9], a window with finite-variance weights`, () => {
      const s = namedSchedule(name, 1);
      const proc = scheduleProcess1d(bimodal, s);
      const coeffs = scheduleForce1d(s);
      const r = stochasticEntropy(proc, coeffs, {
        n: 20000,
        steps: 200,
        t0,
        t1: 0.9,
        rng: new Rng(TEST_SEED),
        transition: scheduleTransition1d(s),
      });
      // the SE of the exponential average is only meaningful with finite variance (tail index > 3, see seReliable)
      assert.ok(r.ift.seReliable, `tail index ${r.ift.tailIndex}, ESS ${r.ift.ess}`);
      assert.ok(Math.abs(r.ift.value - 1) <= K * r.ift.se, `IFT ${r.ift.value} +- ${r.ift.se}`);
      // Jensen: E[s_tot] >= -ln E[exp(-s_tot)] = 0
      assert.ok(r.mean.tot > 0);
    });
  }

  it('Euler-Maruyama stepping agrees with the exact integral and the IFT within sampling error', () => {
    const s = namedSchedule('cosine', 1);
    const proc = scheduleProcess1d(bimodal, s);
    const coeffs = scheduleForce1d(s);
    const exact = entropyProductionIntegral(proc, coeffs, 0.01, 0.9);
    // EM has weak order 1: with 500 steps its bias is ~2e-3, below 4 SE with n = 5000 (~0.03)
    const r = stochasticEntropy(proc, coeffs, { n: 5000, steps: 500, t0: 0.01, t1: 0.9, rng: new Rng(TEST_SEED + 1) });
    assert.ok(Math.abs(r.mean.tot - exact.total) <= K * r.se.tot, `EM mean s_tot ${r.mean.tot} +- ${r.se.tot} vs ${exact.total}`);
    const late = stochasticEntropy(proc, coeffs, { n: 10000, steps: 200, t0: 0.6, t1: 0.9, rng: new Rng(TEST_SEED + 2) });
    assert.ok(late.ift.seReliable);
    assert.ok(Math.abs(late.ift.value - 1) <= K * late.ift.se, `EM IFT ${late.ift.value} +- ${late.ift.se}`);
  });

  it('rejects bad options with InputError', () => {
    const s = namedSchedule('cosine', 1);
    const proc = scheduleProcess1d(bimodal, s);
    const c = scheduleForce1d(s);
    assert.throws(() => stochasticEntropy(proc, c, { n: 1, steps: 10, t0: 0.1, t1: 0.5, rng: new Rng(1) }), InputError);
    assert.throws(() => stochasticEntropy(proc, c, { n: 10, steps: 0, t0: 0.1, t1: 0.5, rng: new Rng(1) }), InputError);
    assert.throws(() => stochasticEntropy(proc, c, { n: 10, steps: 10, t0: 0.5, t1: 0.5, rng: new Rng(1) }), InputError);
    assert.throws(() => stochasticEntropy(proc, c, { n: 10, steps: 10, t0: Number.NaN, t1: 0.5, rng: new Rng(1) }), InputError);
  });
});
