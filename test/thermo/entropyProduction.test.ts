import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NumericalError } from '../../src/core/errors.ts';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { scheduleProcess1d } from '../../src/fields/exact1d.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { differentialEntropy1d } from '../../src/thermo/differentialEntropy1d.ts';
import { entropyProductionIntegral, entropyProductionRate } from '../../src/thermo/entropyProduction.ts';
import { scheduleForce1d } from '../../src/thermo/scheduleForce1d.ts';
import { wassersteinSpeed1d } from '../../src/thermo/wassersteinSpeed1d.ts';
import { expectClose } from '../support/expectClose.ts';

const bimodal = makeGaussianMixture([[-0.6], [0.6]], [0.3, 0.3], [0.5, 0.5]);

describe('entropyProductionRate', () => {
  it('matches the Gaussian closed forms (data N(0.5, 0.4^2), cosine and cond-OT)', () => {
    // For Gaussian data P_t = N(mu, v) with mu = m mu0, v = m^2 s0^2 + sigma^2, so
    // nu = dmu + dv/(2v) (x - mu), v2^2 = dmu^2 + dv^2/(4v), dH/dt = dv/(2v),
    // S_tot = v2^2 / T and S_bath = (dm/m) (mu dmu + dv/2) / T.
    const mu0 = 0.5;
    const s0 = 0.4;
    const data = makeGaussianMixture([[mu0]], [s0], [1]);
    for (const name of ['cosine', 'cond-ot'] as const) {
      const s = namedSchedule(name, 1.3);
      const proc = scheduleProcess1d(data, s);
      const coeffs = scheduleForce1d(s);
      for (const t of [0.1, 0.5, 1.0]) {
        const m = s.m(t);
        const sg = s.sigma(t);
        const dm = s.dm(t);
        const ds = s.dsigma(t);
        const mu = m * mu0;
        const dmu = dm * mu0;
        const v = m * m * s0 * s0 + sg * sg;
        const dv = 2 * m * dm * s0 * s0 + 2 * sg * ds;
        const temp = coeffs.temperature(t);
        const r = entropyProductionRate(proc, coeffs, t);
        // quadrature tol 1e-11 and FD step 1e-4 (O(h^2) ~ 1e-8): 1e-7 relative is comfortable
        expectClose(r.total, (dmu * dmu + (dv * dv) / (4 * v)) / temp, { rtol: 1e-7 }, `${name} S_tot t=${t}`);
        expectClose(r.system, dv / (2 * v), { rtol: 1e-6, atol: 1e-8 }, `${name} S_sys t=${t}`);
        expectClose(r.bath, ((dm / m) * (mu * dmu + dv / 2)) / temp, { rtol: 1e-7, atol: 1e-10 }, `${name} S_bath t=${t}`);
      }
    }
  });

  it('satisfies S_tot = S_sys + S_bath (Eq. 37) for the bimodal data at interior times', () => {
    for (const name of ['cosine', 'cond-ot'] as const) {
      const s = namedSchedule(name, 1);
      const proc = scheduleProcess1d(bimodal, s);
      const coeffs = scheduleForce1d(s);
      for (const t of [0.02, 0.2, 0.5, 0.8, 0.95]) {
        const r = entropyProductionRate(proc, coeffs, t);
        // the three parts come from different integrands (nu^2, f nu, entropy by FD with h=1e-4):
        // the residual is FD error O(h^2 H''') + quadrature noise/h, ~1e-7 of the total
        assert.ok(Math.abs(r.identityResidual) <= 1e-6 * Math.max(1, Math.abs(r.total)), `${name} t=${t}: residual ${r.identityResidual} (total ${r.total})`);
        // T S_tot = v2^2 (conservative), v2 from the quantile speed (no velocity used); the
        // quantile FD has h = 1e-4 so O(h^2) ~ 1e-7 relative at t = 0.02
        const v = wassersteinSpeed1d(proc, t);
        expectClose(r.tTimesTotal, v.fromQuantiles ** 2, { rtol: 2e-5 }, `${name} T S_tot vs v2^2 (quantiles) at t=${t}`);
      }
    }
  });

  it('throws NumericalError where T = 0 (t = 0)', () => {
    const s = namedSchedule('cosine', 1);
    assert.throws(() => entropyProductionRate(scheduleProcess1d(bimodal, s), scheduleForce1d(s), 0), NumericalError);
  });
});

describe('entropyProductionIntegral', () => {
  it('integrated identity S_tot = [H(t1) - H(t0)] + S_bath with no finite differences', () => {
    for (const name of ['cosine', 'cond-ot'] as const) {
      const s = namedSchedule(name, 1);
      const proc = scheduleProcess1d(bimodal, s);
      const r = entropyProductionIntegral(proc, scheduleForce1d(s), 0.01, 0.9);
      // nested adaptive quadrature at tol 1e-9 (time) / 1e-11 (space)
      assert.ok(Math.abs(r.identityResidual) < 1e-7 * Math.max(1, r.total), `${name}: residual ${r.identityResidual}, total ${r.total}`);
      assert.ok(r.total > 0);
      expectClose(r.system, differentialEntropy1d(proc, 0.9) - differentialEntropy1d(proc, 0.01), { atol: 1e-12 }, 'system part');
    }
  });

  it('differential entropy of a Gaussian marginal is 0.5 ln(2 pi e v)', () => {
    const s = namedSchedule('cond-ot', 1);
    const proc = scheduleProcess1d(makeGaussianMixture([[0.5]], [0.4], [1]), s);
    const t = 0.3;
    const v = (s.m(t) * 0.4) ** 2 + s.sigma(t) ** 2;
    // quadrature tol 1e-11; tails beyond 1e-14 mass contribute < 1e-12
    expectClose(differentialEntropy1d(proc, t), 0.5 * Math.log(2 * Math.PI * Math.E * v), { atol: 1e-9 }, 'H');
  });
});
