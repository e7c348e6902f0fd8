import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { driftRate, temperature, varianceRate } from '../../src/schedules/coefficients.ts';
import { condOtSchedule } from '../../src/schedules/condOtSchedule.ts';
import { cosineSchedule } from '../../src/schedules/cosineSchedule.ts';
import { customSchedule } from '../../src/schedules/customSchedule.ts';
import { namedSchedule, SCHEDULE_NAMES } from '../../src/schedules/namedSchedule.ts';
import type { Schedule } from '../../src/schedules/schedule.ts';
import { validateSchedule } from '../../src/schedules/validateSchedule.ts';
import { veSchedule } from '../../src/schedules/veSchedule.ts';
import { vpLinearSchedule } from '../../src/schedules/vpLinearSchedule.ts';
import { expectClose } from '../support/expectClose.ts';

const taus = [1, 2.5];
const all = (tau: number): Schedule[] => [
  cosineSchedule(tau),
  condOtSchedule(tau),
  vpLinearSchedule(tau),
  veSchedule(tau, { sigmaMin: 0.01, sigmaMax: 3 }),
];

/** Central difference, error h^2 |f'''|/6 + eps|f|/h ~ 1e-10 for these smooth f at h = 1e-5 tau. */
const cd = (f: (t: number) => number, t: number, h: number) => (f(t + h) - f(t - h)) / (2 * h);

test('named schedules: dm, dsigma, d(sigma^2) agree with central differences at interior times', () => {
  for (const tau of taus) {
    for (const s of all(tau)) {
      for (let i = 1; i < 10; i++) {
        const t = (i / 10) * tau;
        const h = 1e-5 * tau;
        // tolerance: truncation h^2 f'''/6 (f''' <= ~50/tau^3 for vp with beta 20) plus rounding 1e-16/h.
        expectClose(s.dm(t), cd(s.m, t, h), { atol: 1e-7 / tau, rtol: 1e-7 }, `${s.name} dm tau=${tau} t=${t}`);
        expectClose(s.dsigma(t), cd(s.sigma, t, h), { atol: 1e-7 / tau, rtol: 1e-7 }, `${s.name} dsigma t=${t}`);
        expectClose(varianceRate(s, t), cd((u) => s.sigma(u) ** 2, t, h), { atol: 1e-7 / tau, rtol: 1e-7 }, `${s.name} dsigma^2 t=${t}`);
      }
    }
  }
});

test('named schedules start at the data (m_0 = 1, sigma_0 = 0) and pass validateSchedule', () => {
  for (const tau of taus) {
    for (const s of all(tau)) {
      assert.equal(s.m(0), 1, s.name);
      assert.equal(s.sigma(0), 0, s.name);
      assert.doesNotThrow(() => validateSchedule(s));
    }
  }
});

test('cosine: T_t = (pi/2tau) tan(pi t/2tau) and drift rate = -T (closed forms)', () => {
  for (const tau of taus) {
    const s = cosineSchedule(tau);
    for (let i = 1; i < 10; i++) {
      const t = (i / 10) * tau;
      const T = (Math.PI / (2 * tau)) * Math.tan((Math.PI * t) / (2 * tau));
      // Both are a few floating-point operations: relative 1e-13.
      expectClose(temperature(s, t), T, { rtol: 1e-13 }, `cosine T t=${t}`);
      expectClose(driftRate(s, t), -T, { rtol: 1e-13 }, `cosine drift t=${t}`);
    }
    expectClose(s.m(tau), 0, { atol: 1e-15 }, 'cosine m_tau');
    assert.equal(s.sigma(tau), 1);
  }
});

test('cond-OT: T_t = t/(tau(tau - t)) and drift rate = -1/(tau - t) (closed forms)', () => {
  for (const tau of taus) {
    const s = condOtSchedule(tau);
    for (let i = 1; i < 10; i++) {
      const t = (i / 10) * tau;
      expectClose(temperature(s, t), t / (tau * (tau - t)), { rtol: 1e-13 }, `cond-ot T t=${t}`);
      expectClose(driftRate(s, t), -1 / (tau - t), { rtol: 1e-13 }, `cond-ot drift t=${t}`);
    }
    assert.equal(temperature(s, 0), 0);
  }
});

test('vp-linear: T_t = -d ln m/dt = beta(t/tau)/(2 tau) (Eq. C6), finite at t = 0; ends near N(0,1)', () => {
  for (const tau of taus) {
    const s = vpLinearSchedule(tau);
    for (let i = 0; i <= 10; i++) {
      const t = (i / 10) * tau;
      const beta = 0.1 + (19.9 * t) / tau;
      // m^2 + sigma^2 = 1 makes T = -dm/m exactly; relative 1e-12 covers the expm1/sqrt rounding.
      expectClose(temperature(s, t), beta / (2 * tau), { rtol: 1e-12 }, `vp T t=${t}`);
      expectClose(temperature(s, t), -driftRate(s, t), { rtol: 1e-12 }, `vp T = -dlnm t=${t}`);
      expectClose(s.m(t) ** 2 + s.sigma(t) ** 2, 1, { atol: 1e-15 }, 'vp preserves variance');
    }
    expectClose(s.m(tau), Math.exp(-(0.1 + 20) / 4), { rtol: 1e-14 }, 'vp m_tau = exp(-(bmin+bmax)/4)');
  }
});

test('ve: m = 1, sigma_0 = 0, sigma_tau = sqrt(sigmaMax^2 - sigmaMin^2), T = d(sigma^2/2)/dt > 0', () => {
  const s = veSchedule(2, { sigmaMin: 0.01, sigmaMax: 50 });
  expectClose(s.sigma(2), Math.sqrt(2500 - 1e-4), { rtol: 1e-14 }, 'sigma_tau');
  for (let i = 0; i <= 10; i++) {
    const t = (i / 10) * 2;
    assert.equal(s.m(t), 1);
    const T = temperature(s, t);
    expectClose(T, 0.5 * varianceRate(s, t), { rtol: 1e-15 }, 've T');
    assert.ok(T > 0);
  }
  assert.throws(() => veSchedule(1, { sigmaMin: 2, sigmaMax: 1 }), InputError);
});

test('customSchedule: finite-difference derivatives match the exact ones (4th order, h = 1e-3 tau)', () => {
  for (const tau of taus) {
    const ref = cosineSchedule(tau);
    const s = customSchedule({ name: 'user-cos', tau, m: ref.m, sigma: ref.sigma });
    for (let i = 0; i <= 20; i++) {
      const t = (i / 20) * tau;
      // error ~ h^4 f^(5)/30 ~ (1e-3)^4 (pi/2)^5 / 30 ~ 3e-13 (one-sided stencils ~10x more) plus rounding 1e-13.
      expectClose(s.dm(t), ref.dm(t), { atol: 1e-10 / tau }, `custom dm t=${t}`);
      expectClose(s.dsigma(t), ref.dsigma(t), { atol: 1e-10 / tau }, `custom dsigma t=${t}`);
    }
    assert.doesNotThrow(() => validateSchedule(s));
  }
});

test('validateSchedule rejects m_0 != 1, sigma_0 != 0, negative temperature, non-finite values, bad tau', () => {
  const mk = (m: (t: number) => number, sigma: (t: number) => number, tau = 1) => customSchedule({ name: 'bad', tau, m, sigma });
  assert.throws(() => validateSchedule(mk((t) => 0.9 * Math.cos(t), Math.sin)), (e: Error) => e instanceof InputError && /m_0 = 1/.test(e.message));
  assert.throws(() => validateSchedule(mk((t) => 1 - t, (t) => 0.1 + t)), (e: Error) => e instanceof InputError && /sigma_0 = 0/.test(e.message));
  // sigma = t(1 - t), m = 1: T = sigma dsigma = t(1-t)(1-2t) < 0 for t > 1/2.
  assert.throws(() => validateSchedule(mk(() => 1, (t) => t * (1 - t))), (e: Error) => e instanceof InputError && /temperature must be >= 0/.test(e.message));
  assert.throws(() => validateSchedule(mk((t) => (t > 0.5 ? Number.NaN : 1 - t), (t) => t)), (e: Error) => e instanceof InputError && /finite/.test(e.message));
  assert.throws(() => validateSchedule(mk((t) => 1 - t, (t) => (t > 0.7 ? Infinity : t))), (e: Error) => e instanceof InputError && /finite/.test(e.message));
  assert.throws(() => validateSchedule({ ...cosineSchedule(1), tau: -1 }), (e: Error) => e instanceof InputError && /tau/.test(e.message));
  assert.throws(() => validateSchedule({ ...cosineSchedule(1), tau: Number.NaN }), InputError);
});

test('namedSchedule: known names, unknown name is an InputError listing the options', () => {
  for (const n of SCHEDULE_NAMES) assert.equal(namedSchedule(n, 2).name, n);
  assert.equal(namedSchedule('cosine', 2).tau, 2);
  assert.throws(() => namedSchedule('linear'), (e: Error) => e instanceof InputError && /unknown schedule "linear".*cosine, cond-ot, vp-linear, ve/.test(e.message));
  assert.throws(() => cosineSchedule(0), InputError);
  assert.throws(() => condOtSchedule(Number.NaN), InputError);
});
