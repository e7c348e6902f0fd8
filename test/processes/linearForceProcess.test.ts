import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linearForceProcess } from '../../src/processes/linearForceProcess.ts';
import { scheduleProcess } from '../../src/processes/scheduleProcess.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { expectClose } from '../support/expectClose.ts';

test('linearForceProcess: Ornstein-Uhlenbeck with drift b has the closed-form moments', () => {
  const a = 0.7;
  const T = 0.3;
  const b = [0.2, -0.5, 1];
  const p = linearForceProcess({
    dim: 3,
    tau: 2,
    forceMatrix: () => [-a, 0, 0, 0, -a, 0, 0, 0, -a],
    forceOffset: () => b,
    temperature: () => T,
    isotropic: true,
    steps: 400,
  });
  for (const t of [0.5, 1.2345, 2]) {
    const m = p.moments(t);
    // RK4 with h = 5e-3 on smooth exponentials: error ~ h^4 ~ 1e-9
    expectClose(m.phi[0], Math.exp(-a * t), { atol: 1e-9 }, 'phi');
    expectClose(m.phi[1], 0, { atol: 1e-15 }, 'phi off-diagonal');
    expectClose(m.shift[1], (b[1] / a) * (1 - Math.exp(-a * t)), { atol: 1e-9 }, 'shift');
    expectClose(m.cov[4], (T / a) * (1 - Math.exp(-2 * a * t)), { atol: 1e-9 }, 'variance');
  }
});

test('linearForceProcess: a pure rotation gives phi = R(w t) and Sigma = 2 T t I', () => {
  const w = 1.3;
  const p = linearForceProcess({ dim: 2, tau: 1, forceMatrix: () => [0, -w, w, 0], temperature: () => 0.25, steps: 200 });
  const m = p.moments(0.8);
  expectClose(m.phi[0], Math.cos(w * 0.8), { atol: 1e-10 }, 'cos');
  expectClose(m.phi[2], Math.sin(w * 0.8), { atol: 1e-10 }, 'sin');
  expectClose(m.cov[0], 2 * 0.25 * 0.8, { atol: 1e-12 }, 'variance');
  expectClose(m.cov[1], 0, { atol: 1e-12 }, 'covariance');
});

test('linearForceProcess: anisotropic force is reported, and the isotropic claim is checked', () => {
  const spec = { dim: 2, tau: 1, forceMatrix: () => [-1, 0, 0, -2], temperature: () => 1 };
  const p = linearForceProcess(spec);
  assert.equal(p.isotropic, false);
  assert.ok(Math.abs(p.moments(1).cov[0] - p.moments(1).cov[3]) > 0.1);
  assert.throws(() => linearForceProcess({ ...spec, isotropic: true }), /not isotropic/);
});

test('linearForceProcess rejects bad input', () => {
  const ok = { dim: 2, tau: 1, forceMatrix: () => [0, 0, 0, 0], temperature: () => 1 };
  assert.throws(() => linearForceProcess({ ...ok, forceMatrix: () => [0, 0, 0] }), /2x2 force matrix/);
  assert.throws(() => linearForceProcess({ ...ok, temperature: () => -1 }), /temperature >= 0/);
  assert.throws(() => linearForceProcess({ ...ok, forceMatrix: () => [Number.NaN, 0, 0, 0] }), /non-finite/);
  assert.throws(() => linearForceProcess({ ...ok, tau: -1 }), /process.tau/);
  assert.throws(() => linearForceProcess({ ...ok, dim: 0 }), /process.dim/);
  assert.throws(() => linearForceProcess(ok).moments(2), /expected t in/);
});

test('scheduleProcess: cond-OT in 2-D has A = -1/(tau - t), T = t/(tau (tau - t)), Sigma = (t/tau)^2 I', () => {
  const p = scheduleProcess(namedSchedule('cond-ot', 2), 2);
  const t = 0.7;
  expectClose(p.forceMatrix(t)[0], -1 / (2 - t), { rtol: 1e-12 }, 'A');
  expectClose(p.temperature(t), t / (2 * (2 - t)), { rtol: 1e-12 }, 'T');
  expectClose(p.moments(t).cov[3], (t / 2) ** 2, { rtol: 1e-12 }, 'Sigma');
  assert.throws(() => scheduleProcess(namedSchedule('cosine'), 0), /dim/);
});
