import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { otProcess1d, scheduleProcess1d } from '../../src/fields/exact1d.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { reducedGeometryCost } from '../../src/thermo/reducedGeometryCost.ts';
import { thermodynamicLength } from '../../src/thermo/thermodynamicLength.ts';
import { wasserstein2Quantile1d } from '../../src/thermo/wasserstein2Quantile1d.ts';
import { wassersteinSpeed1d } from '../../src/thermo/wassersteinSpeed1d.ts';
import { expectClose } from '../support/expectClose.ts';

const bimodal = makeGaussianMixture([[-0.6], [0.6]], [0.3, 0.3], [0.5, 0.5]);
// independent values (quantile-map method, c2 accurate to ~1e-3 relative per the fixture's notes)
const fixture = JSON.parse(readFileSync(new URL('../fixtures/speed-accuracy-1d.json', import.meta.url), 'utf8'));
const FIXTURE_C2 = { cosine: fixture.schedules.cosine.c2, 'cond-ot': fixture.schedules.condot.c2, ot: fixture.schedules.ot.c2 } as Record<string, number>;

describe('wasserstein2Quantile1d', () => {
  it('equals the Gaussian closed form sqrt(dmu^2 + dsigma^2) (Eq. 60)', () => {
    const proc = scheduleProcess1d(makeGaussianMixture([[0.5]], [0.4], [1]), namedSchedule('cosine', 1));
    // P_0 = N(0.5, 0.16), P_1 = N(0, 1): W2^2 = 0.25 + 0.36; tails beyond 1e-12 hold ~1e-10 of W2^2
    expectClose(wasserstein2Quantile1d(proc, 0, 1), Math.sqrt(0.61), { rtol: 1e-8 }, 'W2');
  });
});

describe('wassersteinSpeed1d', () => {
  it('velocity integral and quantile-difference speeds agree (bimodal, three protocols)', () => {
    const procs = [
      scheduleProcess1d(bimodal, namedSchedule('cosine', 1)),
      scheduleProcess1d(bimodal, namedSchedule('cond-ot', 1)),
      otProcess1d(bimodal, 1),
    ];
    for (const p of procs) {
      for (const t of [0.05, 0.3, 0.6, 0.9]) {
        const v = wassersteinSpeed1d(p, t);
        // central difference with h = 1e-4: O(h^2) relative error ~1e-7 plus quantile round-off
        expectClose(v.fromQuantiles, v.fromVelocity, { rtol: 1e-5 }, `v2 at t=${t}`);
      }
    }
  });
});

describe('thermodynamicLength', () => {
  it('c2 matches the independent fixture and the chain int v2^2 >= L^2/tau >= W2^2/tau holds (Eqs. 68, 92)', () => {
    const cases = [
      ['cosine', scheduleProcess1d(bimodal, namedSchedule('cosine', 1))],
      ['cond-ot', scheduleProcess1d(bimodal, namedSchedule('cond-ot', 1))],
      ['ot', otProcess1d(bimodal, 1)],
    ] as const;
    const w2s: number[] = [];
    for (const [name, p] of cases) {
      const r = thermodynamicLength(p);
      // fixture accuracy ~1e-3 relative
      expectClose(r.cost, FIXTURE_C2[name], { rtol: 2e-3 }, `${name} c2`);
      assert.ok(r.chainHolds, `${name}: chain ${r.cost} >= ${r.lengthBound} >= ${r.geodesicBound}`);
      w2s.push(r.w2);
      if (name === 'ot') {
        // constant-speed geodesic: both inequalities are equalities (quadrature accuracy)
        expectClose(r.cost, r.lengthBound, { rtol: 1e-6 }, 'OT cost = L^2/tau');
        expectClose(r.lengthBound, r.geodesicBound, { rtol: 1e-6 }, 'OT L^2/tau = W2^2/tau');
      } else {
        // the (m, sigma) protocols are not geodesics: strict gaps well above quadrature error
        assert.ok(r.cost > 1.1 * r.geodesicBound, `${name}: ${r.cost} vs ${r.geodesicBound}`);
      }
    }
    // all three share the endpoints q and N(0,1)
    expectClose(w2s[0], w2s[2], { rtol: 1e-7 }, 'W2 cosine vs OT');
    expectClose(w2s[1], w2s[2], { rtol: 1e-7 }, 'W2 cond-OT vs OT');
  });
});

describe('reducedGeometryCost', () => {
  it('cond-OT gives 2/tau and attains the straight-line bound; cosine gives pi^2/(4 tau) (Eqs. 93-95)', () => {
    for (const tau of [1, 2.5]) {
      const c = reducedGeometryCost(namedSchedule('cond-ot', tau));
      // smooth integrands, adaptive quadrature at tol 1e-12
      expectClose(c.costPerDim, 2 / tau, { rtol: 1e-10 }, `cond-OT tau=${tau}`);
      expectClose(c.straightLineBound, 2 / tau, { rtol: 1e-12 }, 'bound');
      const k = reducedGeometryCost(namedSchedule('cosine', tau));
      expectClose(k.costPerDim, Math.PI ** 2 / (4 * tau), { rtol: 1e-10 }, `cosine tau=${tau}`);
      expectClose(k.eC, Math.PI ** 2 / (4 * tau * tau), { rtol: 1e-10 }, 'E_c');
      assert.ok(k.costPerDim > k.straightLineBound);
    }
  });

  it('is infinite for vp-linear, whose sigma_t ~ sqrt(beta_min t) makes dsigma^2 ~ 1/t non-integrable at 0', () => {
    assert.equal(reducedGeometryCost(namedSchedule('vp-linear', 1)).costPerDim, Number.POSITIVE_INFINITY);
  });
});
