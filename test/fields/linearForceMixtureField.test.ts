import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { swissRoll } from '../../src/data/swissRoll.ts';
import { linearForceMixtureField, mixtureFromPoints } from '../../src/fields/linearForceMixtureField.ts';
import { scheduleMixtureField } from '../../src/fields/scheduleMixtureField.ts';
import { scheduleProcess } from '../../src/processes/scheduleProcess.ts';
import { swissRollForce } from '../../src/processes/swissRollForce.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

const gm = makeGaussianMixture(
  [
    [-1, 0.5],
    [1.5, -0.3],
    [0.2, 2],
  ],
  [0.3, 0.5, 0.2],
  [0.5, 0.3, 0.2],
);

test('velocity matches the (m, sigma) schedule field of the 1-D helper (Eq. 97, independent code) in 2-D', () => {
  const s = namedSchedule('cosine', 1);
  const ours = linearForceMixtureField(scheduleProcess(s, 2), gm);
  const ref = scheduleMixtureField(gm, s);
  const x = Float64Array.of(0.3, -0.2, 2, 1, -3, 0.5);
  for (const t of [0.05, 0.4, 0.9]) {
    const a = ours.velocity(t, x, 3);
    const b = ref.velocity(t, x, 3);
    // two closed forms of the same field; round-off only (A x and T score cancel partly near tau)
    for (let i = 0; i < 6; i++) expectClose(a[i], b[i], { atol: 1e-10, rtol: 1e-10 }, `velocity[${i}] t=${t}`);
    const la = ours.logDensity(t, x, 3);
    const lb = ref.logDensity(t, x, 3);
    for (let i = 0; i < 3; i++) expectClose(la[i], lb[i], { atol: 1e-11 }, `logDensity[${i}]`);
  }
});

test('the exact field solves the continuity equation dP/dt = -div(P nu) (finite differences)', () => {
  const data = swissRoll(40, new Rng(TEST_SEED), { noise: 0.1 });
  const f = linearForceMixtureField(swissRollForce({ h: 1.1, g: 3, Tfin: 0.5, tau: 1 }), mixtureFromPoints(data));
  const pts = [
    [0.5, 0.4],
    [-1, 1.2],
    [1.3, -0.7],
  ];
  const t = 0.6;
  const e = 1e-4;
  for (const [px, py] of pts) {
    const dens = (tt: number, x: number, y: number) => Math.exp(f.logDensity(tt, Float64Array.of(x, y), 1)[0]);
    const flux = (x: number, y: number) => {
      const v = f.velocity(t, Float64Array.of(x, y), 1);
      const p = dens(t, x, y);
      return [p * v[0], p * v[1]];
    };
    const dPdt = (dens(t + e, px, py) - dens(t - e, px, py)) / (2 * e);
    const div = (flux(px + e, py)[0] - flux(px - e, py)[0]) / (2 * e) + (flux(px, py + e)[1] - flux(px, py - e)[1]) / (2 * e);
    // central differences: error ~ e^2 * third derivatives ~ 1e-8 * O(10); P is O(0.1)
    expectClose(dPdt, -div, { atol: 1e-6 }, `continuity at (${px}, ${py})`);
  }
});

test('score is the gradient of logDensity and is log-sum-exp stable far from the data', () => {
  const f = linearForceMixtureField(swissRollForce({ h: 1.1, g: 5, Tfin: 0.5, tau: 1 }), gm);
  const t = 0.3;
  const x = Float64Array.of(0.7, 0.1);
  const s = f.score(t, x, 1);
  const e = 1e-5;
  const l = (a: number, b: number) => f.logDensity(t, Float64Array.of(a, b), 1)[0];
  expectClose(s[0], (l(0.7 + e, 0.1) - l(0.7 - e, 0.1)) / (2 * e), { atol: 1e-7 }, 'd/dx');
  expectClose(s[1], (l(0.7, 0.1 + e) - l(0.7, 0.1 - e)) / (2 * e), { atol: 1e-7 }, 'd/dy');
  // at |x| = 1e3 every component density underflows in linear space; the log-space result is finite
  const far = f.velocity(t, Float64Array.of(1000, -1000), 1);
  assert.ok(Number.isFinite(far[0]) && Number.isFinite(far[1]));
  assert.ok(Number.isFinite(f.logDensity(t, Float64Array.of(1000, -1000), 1)[0]));
});

test('sample(t) has the exact marginal mean and second moment', () => {
  const f = linearForceMixtureField(swissRollForce({ h: 1.1, g: 3, Tfin: 0.5, tau: 1 }), gm);
  const t = 0.5;
  const c = f.components(t);
  let mx = 0;
  let r2 = 0;
  for (let j = 0; j < c.k; j++) {
    mx += c.weights[j] * c.means[2 * j];
    r2 += c.weights[j] * (c.means[2 * j] ** 2 + c.means[2 * j + 1] ** 2 + 2 * c.variances[j]);
  }
  const n = 40000;
  const p = f.sample(t, n, new Rng(TEST_SEED));
  let sx = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    sx += p.data[2 * i];
    s2 += p.data[2 * i] ** 2 + p.data[2 * i + 1] ** 2;
  }
  // standard errors: sd(x) ~ 0.6 -> 0.003; sd(|x|^2) ~ 0.8 -> 0.004; tolerance 5 se
  expectClose(sx / n, mx, { atol: 0.015 }, 'mean x');
  expectClose(s2 / n, r2, { atol: 0.02 }, 'E|x|^2');
});

test('rotation equivariance: nu^g(x) = G J x + R nu^0(R^-1 x) with R = R(int G) (why eta cannot depend on g)', () => {
  const data = mixtureFromPoints(swissRoll(30, new Rng(3)));
  const f0 = linearForceMixtureField(swissRollForce({ h: 1.1, g: 0, Tfin: 0.5, tau: 2 }), data);
  const g = 3;
  const fg = linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 2 }), data);
  const t = 0.8;
  const phi = g * (t - (t * t) / 4);
  const G = g * (1 - t / 2);
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  const x = Float64Array.of(0.4, -1.1);
  const xr = Float64Array.of(c * x[0] + s * x[1], -s * x[0] + c * x[1]);
  const v0 = f0.velocity(t, xr, 1);
  const vg = fg.velocity(t, x, 1);
  // exact identity of closed forms: round-off only
  expectClose(vg[0], -G * x[1] + c * v0[0] - s * v0[1], { atol: 1e-10 }, 'nu_x');
  expectClose(vg[1], G * x[0] + s * v0[0] + c * v0[1], { atol: 1e-10 }, 'nu_y');
});

test('linearForceMixtureField rejects bad input', () => {
  const data = mixtureFromPoints(swissRoll(10, new Rng(1)));
  const f = linearForceMixtureField(swissRollForce({ h: 1.1, g: 0, Tfin: 0.5, tau: 1 }), data);
  assert.throws(() => f.velocity(0, Float64Array.of(0, 0), 1), /singular at t=0/);
  assert.throws(() => f.velocity(0.5, Float64Array.of(0, 0, 0), 1), /expected 1x2/);
  assert.throws(() => f.velocity(1.5, Float64Array.of(0, 0), 1), /expected t in/);
  assert.throws(() => linearForceMixtureField(scheduleProcess(namedSchedule('cosine'), 3), data), /3-dimensional but data is 2-dimensional/);
  assert.throws(() => mixtureFromPoints({ data: new Float64Array(0), n: 0, dim: 2 }), /at least one/);
});

test('general-dimension path (3-D): velocity and score match the schedule field of the 1-D helper', () => {
  const gm3 = makeGaussianMixture(
    [
      [0.5, -1, 0.2],
      [-0.7, 0.4, 1.1],
    ],
    [0.4, 0.6],
    [0.3, 0.7],
  );
  const s = namedSchedule('cond-ot', 1);
  const ours = linearForceMixtureField(scheduleProcess(s, 3), gm3);
  const ref = scheduleMixtureField(gm3, s);
  const x = Float64Array.of(0.1, 0.2, -0.3, 1.5, -0.5, 0.8);
  for (const t of [0.2, 0.7]) {
    const a = ours.velocity(t, x, 2);
    const b = ref.velocity(t, x, 2);
    // two closed forms of one field: round-off only
    for (let i = 0; i < 6; i++) expectClose(a[i], b[i], { atol: 1e-10, rtol: 1e-10 }, `velocity[${i}] t=${t}`);
    const both = ours.densityAndVelocity(t, x, 2);
    for (let i = 0; i < 6; i++) expectClose(both.velocity[i], a[i], { atol: 1e-14 }, 'single-pass velocity');
    const l = ours.logDensity(t, x, 2);
    for (let i = 0; i < 2; i++) expectClose(both.logDensity[i], l[i], { atol: 1e-14 }, 'single-pass logDensity');
  }
});
