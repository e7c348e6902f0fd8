import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { swissRoll } from '../../src/data/swissRoll.ts';
import { otDisplacementField } from '../../src/fields/otDisplacementField.ts';
import { semiDiscreteOtField } from '../../src/fields/semiDiscreteOtField.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

const tau = 2;
const data = swissRoll(150, new Rng(TEST_SEED), { noise: 0.1 });
const field = semiDiscreteOtField(data, { mean: [0, 0], std: 1 }, tau);

test('the Eulerian velocity at x_t = (1 - s) T(z) + s z is exactly the particle velocity (z - T(z))/tau', () => {
  const rng = new Rng(TEST_SEED + 1);
  const n = 400;
  for (const t of [0.01, 0.5, 1.3, tau]) {
    const s = t / tau;
    const z = new Float64Array(2 * n).map(() => rng.normal());
    const x = new Float64Array(2 * n);
    const want = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const j = field.plan.cellOf(z[2 * i], z[2 * i + 1]);
      for (let d = 0; d < 2; d++) {
        x[2 * i + d] = (1 - s) * field.plan.sites[2 * j + d] + s * z[2 * i + d];
        want[2 * i + d] = (z[2 * i + d] - field.plan.sites[2 * j + d]) / tau;
      }
    }
    const v = field.velocity(t, x, n);
    // an identity of the construction: round-off only (|x - y_j| / t with t >= 0.01)
    for (let i = 0; i < 2 * n; i++) expectClose(v[i], want[i], { atol: 1e-10 }, `nu at t=${t}`);
    // and every such point carries density
    const lp = field.logDensity(t, x, n);
    for (let i = 0; i < n; i++) assert.ok(Number.isFinite(lp[i]), `density at a P_t sample, t=${t}`);
  }
});

test('constant speed: E|nu_t|^2 over exact samples of P_t equals W2^2/tau^2 at every t', () => {
  for (const t of [0.2, 1, 1.9]) {
    const n = 20000;
    const x = field.sample(t, n, new Rng(TEST_SEED + 2));
    const v = field.velocity(t, x.data, n);
    let e = 0;
    for (let i = 0; i < 2 * n; i++) e += v[i] * v[i];
    // the same draws (same seed) at every t: the Monte Carlo mean of |z - T(z)|^2 / tau^2 is the
    // same number at every t, and within 5 se (sd of |z - T(z)|^2 ~ 2 -> se ~ 0.014/tau^2) of the exact W2^2
    expectClose(e / n, field.w2Sq / (tau * tau), { atol: 0.07 / (tau * tau) }, `E|nu|^2 t=${t}`);
  }
});

test('the density solves the continuity equation with the velocity (finite differences), div nu = 2/t', () => {
  const rng = new Rng(TEST_SEED + 3);
  let checked = 0;
  for (let trial = 0; trial < 40 && checked < 12; trial++) {
    const t = 0.3 + 1.4 * rng.uniform();
    const x = field.sample(t, 1, rng).data;
    const e = 1e-5;
    const lp = (tt: number, a: number, b: number) => field.logDensity(tt, Float64Array.of(a, b), 1)[0];
    const vals = [lp(t + e, x[0], x[1]), lp(t - e, x[0], x[1]), lp(t, x[0] + e, x[1]), lp(t, x[0] - e, x[1]), lp(t, x[0], x[1] + e), lp(t, x[0], x[1] - e)];
    if (!vals.every(Number.isFinite)) continue; // within 1e-5 of a cell edge: skip
    checked++;
    const v = field.velocity(t, x, 1);
    const dt = (vals[0] - vals[1]) / (2 * e);
    const gx = (vals[2] - vals[3]) / (2 * e);
    const gy = (vals[4] - vals[5]) / (2 * e);
    const div = field.divergence!(t, x, 1)[0];
    // d ln P/dt + nu . grad ln P + div nu = 0; ln P is smooth inside a cell image: central
    // differences err ~ e^2 x O(1/t^3) < 1e-8
    expectClose(dt + v[0] * gx + v[1] * gy + div, 0, { atol: 1e-6 }, `continuity at t=${t}`);
    expectClose(div, 2 / t, { rtol: 1e-15 }, 'div');
    // div by finite differences of the velocity (affine inside the branch)
    const vx = (a: number, b: number) => field.velocity(t, Float64Array.of(a, b), 1);
    const fd = (vx(x[0] + e, x[1])[0] - vx(x[0] - e, x[1])[0] + vx(x[0], x[1] + e)[1] - vx(x[0], x[1] - e)[1]) / (2 * e);
    expectClose(fd, 2 / t, { rtol: 1e-6 }, 'div by finite differences');
  }
  assert.ok(checked >= 10, `checked ${checked}`);
});

test('transportBack is the flow map of nu: it matches RK4 integration backwards and ends on the data', () => {
  const rng = new Rng(TEST_SEED + 4);
  const n = 50;
  // start from a perturbed law (not P_tau): many particles sit in the gaps of P_t
  const x0 = new Float64Array(2 * n).map(() => 1.3 * rng.normal());
  const exact = field.transportBack(tau, 0.4, x0, n);
  const x = x0.slice();
  const steps = 200;
  const h = (0.4 - tau) / steps;
  const k1 = new Float64Array(2 * n);
  const k2 = new Float64Array(2 * n);
  const k3 = new Float64Array(2 * n);
  const k4 = new Float64Array(2 * n);
  const tmp = new Float64Array(2 * n);
  for (let s = 0; s < steps; s++) {
    const t = tau + s * h;
    field.velocity(t, x, n, k1);
    for (let i = 0; i < 2 * n; i++) tmp[i] = x[i] + 0.5 * h * k1[i];
    field.velocity(t + 0.5 * h, tmp, n, k2);
    for (let i = 0; i < 2 * n; i++) tmp[i] = x[i] + 0.5 * h * k2[i];
    field.velocity(t + 0.5 * h, tmp, n, k3);
    for (let i = 0; i < 2 * n; i++) tmp[i] = x[i] + h * k3[i];
    field.velocity(t + h, tmp, n, k4);
    for (let i = 0; i < 2 * n; i++) x[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  // the exact solution is linear in t on each branch (the branch never changes backwards), which
  // RK4 integrates exactly: round-off only
  for (let i = 0; i < 2 * n; i++) expectClose(x[i], exact[i], { atol: 1e-9 }, `RK4 vs flow map [${i}]`);
  const end = field.transportBack(tau, 0, x0, n);
  for (let i = 0; i < n; i++) {
    const j = field.branchOf(tau, x0[2 * i], x0[2 * i + 1]);
    assert.equal(end[2 * i], field.plan.sites[2 * j]);
    assert.equal(end[2 * i + 1], field.plan.sites[2 * j + 1]);
  }
});

test('the OT field states its error; t = 0 is refused with a clear message', () => {
  assert.equal(field.method, 'semi-discrete');
  assert.ok(field.errors.relativeMassError <= 1e-9 && field.errors.w2SqRelativeError <= 1e-9, JSON.stringify(field.errors));
  assert.throws(() => field.velocity(0, Float64Array.of(0, 0), 1), /singular at t = 0/);
  assert.throws(() => field.velocity(0.5, Float64Array.of(0, 0, 1), 1), /expected 1x2 coordinates/);
  assert.throws(() => semiDiscreteOtField(data, { mean: [0, 0], std: 1 }, 0), /ot\.tau/);
});

test('the kernel (Eq. G19) field states its error: in-sample velocity L2 error and kinetic-energy deficit', () => {
  const rng = new Rng(TEST_SEED + 5);
  const target = { data: new Float64Array(300).map(() => rng.normal()), n: 150, dim: 2 };
  const k = otDisplacementField(data, target, tau);
  assert.equal(k.method, 'kernel');
  const { velocityL2Error, kineticEnergyDeficit } = k.errors;
  // the deficit is exactly 1 - E_pairs|nu_h|^2 / (W2^2/tau^2) at t = tau/2
  const pts = k.interpolate(tau / 2);
  const v = k.velocity(tau / 2, pts.data, pts.n);
  let e = 0;
  for (let p = 0; p < pts.n; p++) e += k.pairs.mass[p] * (v[2 * p] ** 2 + v[2 * p + 1] ** 2);
  expectClose(kineticEnergyDeficit, 1 - e / (k.w2Sq / tau ** 2), { atol: 1e-12 }, 'deficit');
  // Jensen: smoothing cannot add energy; the residual is at least the energy lost
  assert.ok(kineticEnergyDeficit >= -1e-12 && velocityL2Error > 0 && velocityL2Error < 1, `${velocityL2Error} ${kineticEnergyDeficit}`);
  // the exact field has no such error: its E|nu|^2 = W2^2/tau^2 holds to the solve tolerance
});
