import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linearForceProcess } from '../../src/processes/linearForceProcess.ts';
import { swissRollForce } from '../../src/processes/swissRollForce.ts';
import { expectClose } from '../support/expectClose.ts';

const params = { h: 1.1, g: 3, Tfin: 0.5, tau: 2 };

test('swissRollForce moments (closed-form mean, quadrature variance) match RK4 integration of B3-B4', () => {
  const p = swissRollForce(params);
  // independent method: the generic process integrates d(phi)/dt = A phi and dSigma/dt = A Sigma + Sigma A^T + 2T I
  const q = linearForceProcess({ dim: 2, tau: params.tau, forceMatrix: (t) => p.forceMatrix(t), temperature: (t) => p.temperature(t), steps: 4000 });
  for (const t of [0.01, 0.37, 1, 1.63, 2]) {
    const a = p.moments(t);
    const b = q.moments(t);
    // RK4 with h = 5e-4: global error ~ h^4 * |d^5 y| ~ 1e-12; 1e-9 leaves room for round-off
    for (let i = 0; i < 4; i++) expectClose(a.phi[i], b.phi[i], { atol: 1e-9 }, `phi[${i}] at t=${t}`);
    for (let i = 0; i < 4; i++) expectClose(a.cov[i], b.cov[i], { atol: 1e-9 }, `cov[${i}] at t=${t}`);
  }
});

test('swissRollForce variance obeys ds/dt = 2 H s + 2 T (the factor 2 of Eq. B4), not ds/dt = 2 H s + T', () => {
  const p = swissRollForce(params);
  for (const t of [0.3, 1.2, 1.9]) {
    const e = 1e-4;
    const ds = (p.moments(t + e).cov[0] - p.moments(t - e).cov[0]) / (2 * e);
    const s = p.moments(t).cov[0];
    const H = p.forceMatrix(t)[0];
    const T = p.temperature(t);
    // central difference error ~ e^2 |s'''| / 6 ~ 1e-8
    expectClose(ds, 2 * H * s + 2 * T, { atol: 1e-7 }, `ds/dt at t=${t}`);
    assert.ok(Math.abs(ds - (2 * H * s + T)) > 1e-3, 'the variant without the factor 2 is excluded');
  }
});

test('swissRollForce mean rotates by int G = g tau / 2 and contracts by exp(int H) at tau', () => {
  const p = swissRollForce(params);
  const m = p.moments(params.tau);
  const angle = Math.atan2(m.phi[2], m.phi[0]);
  const expected = (params.g * params.tau) / 2;
  expectClose(Math.cos(angle - expected), 1, { atol: 1e-13 }, 'rotation angle');
  const intH = -params.h * (params.tau / 2) - (params.Tfin * params.tau) / 3;
  expectClose(Math.hypot(m.phi[0], m.phi[2]), Math.exp(intH), { rtol: 1e-13 }, 'contraction');
  // the paper's note: tau = 1 gives contraction 0.49 and s = 0.26; tau = 10 gives 7.7e-4 and 0.80
  const p1 = swissRollForce({ ...params, tau: 1 }).moments(1);
  expectClose(Math.hypot(p1.phi[0], p1.phi[2]), 0.4884, { atol: 1e-4 }, 'tau=1 contraction');
  expectClose(p1.cov[0], 0.2592, { atol: 1e-4 }, 'tau=1 variance');
  const p10 = swissRollForce({ ...params, tau: 10 }).moments(10);
  expectClose(p10.cov[0], 0.8032, { atol: 1e-4 }, 'tau=10 variance');
});

test('swissRollForce rejects bad parameters and times', () => {
  assert.throws(() => swissRollForce({ ...params, Tfin: -1 }), /process.Tfin/);
  assert.throws(() => swissRollForce({ ...params, tau: 0 }), /process.tau/);
  assert.throws(() => swissRollForce({ ...params, g: Number.NaN }), /process.g.*NaN/);
  assert.throws(() => swissRollForce(params).moments(3), /expected t in/);
});
