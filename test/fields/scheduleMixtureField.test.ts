import assert from 'node:assert/strict';
import test from 'node:test';
import { quad } from '../../src/core/quadrature.ts';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { scheduleMixtureField } from '../../src/fields/scheduleMixtureField.ts';
import { driftRate, temperature } from '../../src/schedules/coefficients.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import type { Schedule } from '../../src/schedules/schedule.ts';
import { expectClose } from '../support/expectClose.ts';

const schedules = (tau: number): Schedule[] => [
  namedSchedule('cosine', tau),
  namedSchedule('cond-ot', tau),
  namedSchedule('vp-linear', tau),
  namedSchedule('ve', tau, { sigmaMin: 0.01, sigmaMax: 3 }),
];
const mix2d = makeGaussianMixture([[-1, 0.5], [1.2, -0.3], [0.2, 1.4]], [0.3, 0.5, 0.25], [0.3, 0.5, 0.2]);
const mix1d = makeGaussianMixture([[-0.8], [0.6], [1.5]], [0.25, 0.4, 0.2], [0.3, 0.5, 0.2]);
const pts2d = new Float64Array([0.1, -0.2, -1.3, 0.9, 1.7, 1.1, 0.4, 0.4]);

test('single Gaussian: velocity equals Eq. 97 with the closed-form posterior mean (interior times)', () => {
  const mu = [0.7, -0.4];
  const s = 0.45;
  const gm = makeGaussianMixture([mu], [s], [1]);
  for (const tau of [1, 2]) {
    for (const sch of schedules(tau)) {
      const field = scheduleMixtureField(gm, sch);
      for (const f of [0.1, 0.4, 0.8]) {
        const t = f * tau;
        const m = sch.m(t);
        const sig = sch.sigma(t);
        const v = m * m * s * s + sig * sig;
        const nu = field.velocity(t, pts2d, 4);
        for (let i = 0; i < 4; i++) {
          for (let j = 0; j < 2; j++) {
            const x = pts2d[i * 2 + j];
            // E[y | x] for y ~ N(mu, s^2), x | y ~ N(m y, sigma^2): mu + m s^2 (x - m mu) / v.
            const ybar = mu[j] + (m * s * s * (x - m * mu[j])) / v;
            const ref = (sch.dsigma(t) / sig) * x - ((m * sch.dsigma(t)) / sig - sch.dm(t)) * ybar;
            // Same quantity by two algebraically different routes: rounding only (1e-12 relative).
            expectClose(nu[i * 2 + j], ref, { atol: 1e-12, rtol: 1e-11 }, `${sch.name} t=${t} point ${i}`);
          }
        }
      }
    }
  }
});

test('continuity equation dP/dt + div(nu P) = 0 by central differences (1-D and 2-D, all schedules)', () => {
  for (const [gm, dim] of [[mix1d, 1], [mix2d, 2]] as const) {
    for (const sch of schedules(1.5)) {
      const field = scheduleMixtureField(gm, sch);
      const dens = (t: number, x: Float64Array) => Math.exp(field.logDensity(t, x, 1)[0]);
      for (const f of [0.15, 0.5, 0.85]) {
        const t = f * 1.5;
        for (let i = 0; i < 4; i++) {
          const x = Float64Array.from({ length: dim }, (_, j) => pts2d[i * 2 + j]);
          const h = 1e-4;
          const dPdt = (dens(t + h, x) - dens(t - h, x)) / (2 * h);
          let div = 0;
          for (let j = 0; j < dim; j++) {
            const xp = x.slice();
            const xm = x.slice();
            xp[j] += h;
            xm[j] -= h;
            const jp = field.velocity(t, xp, 1)[j] * dens(t, xp);
            const jm = field.velocity(t, xm, 1)[j] * dens(t, xm);
            div += (jp - jm) / (2 * h);
          }
          // O(h^2) = 1e-8 truncation times third derivatives (<~1e2 here), rounding eps/h ~ 1e-12.
          expectClose(dPdt + div, 0, { atol: 2e-6 * (1 + Math.abs(dPdt)) }, `${sch.name} dim ${dim} t=${t} point ${i}`);
        }
      }
    }
  }
});

test('nu = f - T grad ln P (Eqs. 1, 22, 23) and score = grad log P (finite differences) at interior times', () => {
  for (const sch of schedules(1)) {
    const field = scheduleMixtureField(mix2d, sch);
    for (const t of [0.2, 0.5, 0.9]) {
      const nu = field.velocity(t, pts2d, 4);
      const sc = field.score(t, pts2d, 4);
      const a = driftRate(sch, t);
      const T = temperature(sch, t);
      for (let i = 0; i < 8; i++) {
        // Different formula, same value; rounding grows with |a x|, |T score| (~1e2 near t = tau): 1e-10 relative.
        expectClose(nu[i], a * pts2d[i] - T * sc[i], { atol: 1e-10 * (1 + Math.abs(a * pts2d[i]) + Math.abs(T * sc[i])) }, `${sch.name} t=${t} i=${i}`);
        const h = 1e-5;
        const xp = pts2d.slice();
        const xm = pts2d.slice();
        xp[i] += h;
        xm[i] -= h;
        const p = Math.floor(i / 2);
        const lp = field.logDensity(t, xp, 4)[p];
        const lm = field.logDensity(t, xm, 4)[p];
        // central difference: h^2 |f'''| / 6 ~ 1e-9, rounding eps |log P| / h ~ 1e-10.
        expectClose(sc[i], (lp - lm) / (2 * h), { atol: 1e-7 }, `score ${sch.name} t=${t} i=${i}`);
      }
    }
  }
});

test('velocity is finite and continuous at t = 0 and t = tau; closed-form endpoint values for cond-OT', () => {
  const tau = 2;
  const ey = [0.3 * -1 + 0.5 * 1.2 + 0.2 * 0.2, 0.3 * 0.5 + 0.5 * -0.3 + 0.2 * 1.4];
  for (const sch of schedules(tau)) {
    const field = scheduleMixtureField(mix2d, sch);
    for (const [t, tn] of [[0, 1e-7], [tau, tau - 1e-7]]) {
      const a = field.velocity(t, pts2d, 4);
      const b = field.velocity(tn, pts2d, 4);
      for (let i = 0; i < 8; i++) {
        assert.ok(Number.isFinite(a[i]), `${sch.name} finite at t=${t}`);
        // nu is smooth in t on the closed interval: |nu(t) - nu(t +- 1e-7)| = O(1e-7 |d nu/dt|) (sqrt(t) terms for vp/ve: O(1e-3.5)).
        expectClose(a[i], b[i], { atol: 2e-3 }, `${sch.name} continuity at t=${t}`);
      }
    }
  }
  const condOt = scheduleMixtureField(mix2d, namedSchedule('cond-ot', tau));
  const at0 = condOt.velocity(0, pts2d, 4);
  const atTau = condOt.velocity(tau, pts2d, 4);
  for (let i = 0; i < 8; i++) {
    // At t = 0 the noise is independent of x_0 = y: nu = dm/dt x = -x/tau; at tau: nu = (x - E[y]) / tau.
    expectClose(at0[i], -pts2d[i] / tau, { atol: 1e-14 }, 'cond-ot nu_0');
    expectClose(atTau[i], (pts2d[i] - ey[i % 2]) / tau, { atol: 1e-14 }, 'cond-ot nu_tau');
  }
});

test('1-D marginal density integrates to 1 at every time (quadrature)', () => {
  for (const sch of schedules(1)) {
    const field = scheduleMixtureField(mix1d, sch);
    const x = new Float64Array(1);
    for (const t of [0, 0.3, 1]) {
      const total = quad(
        (u) => {
          x[0] = u;
          return Math.exp(field.logDensity(t, x, 1)[0]);
        },
        -Infinity,
        Infinity,
        { tol: 1e-12 },
      ).value;
      expectClose(total, 1, { atol: 1e-10 }, `${sch.name} t=${t}`);
    }
  }
});

test('log-sum-exp keeps everything finite far from all components (x = 60, narrow components, t = 0)', () => {
  const narrow = makeGaussianMixture([[-1], [1]], [0.05, 0.1], [0.5, 0.5]);
  const field = scheduleMixtureField(narrow, namedSchedule('cosine', 1));
  const x = new Float64Array([60, -60]);
  const ld = field.logDensity(0, x, 2);
  const sc = field.score(0, x, 2);
  const nu = field.velocity(0.5, x, 2);
  // Direct formula for the dominant component: the wider one (std 0.1) at x = 60, 60 = 1 + 590 std.
  const expected = Math.log(0.5) - Math.log(0.1 * Math.sqrt(2 * Math.PI)) - 0.5 * (59 / 0.1) ** 2;
  expectClose(ld[0], expected, { rtol: 1e-12 }, 'log density far right');
  expectClose(sc[0], -59 / 0.01, { rtol: 1e-12 }, 'score far right');
  for (const v of [...ld, ...sc, ...nu]) assert.ok(Number.isFinite(v));
});
