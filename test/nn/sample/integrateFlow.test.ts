import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import type { FlowModel } from '../../../src/nn/models/flowModel.ts';
import { integrateFlow } from '../../../src/nn/sample/integrateFlow.ts';
import { sampleReverseSde } from '../../../src/nn/sample/sampleReverseSde.ts';
import { namedSchedule } from '../../../src/schedules/namedSchedule.ts';
import type { Schedule } from '../../../src/schedules/schedule.ts';
import { expectClose, TEST_SEED } from '../../support/expectClose.ts';

/**
 * Exact velocity of Gaussian data q = N(mu, s^2 I) under an (m, sigma) schedule:
 * P_t = N(m mu, sd_t^2 I), sd_t^2 = m^2 s^2 + sigma^2, nu = dm mu + (dsd/sd)(x - m mu).
 * The flow map is affine: x_t = m_t mu + sd_t xi, so x_0 = mu + s x_tau / sd_tau exactly.
 */
function gaussianFlow(sched: Schedule, mu: number[], s: number): FlowModel & { sd: (t: number) => number; dsd: (t: number) => number } {
  const sd = (t: number) => Math.sqrt(sched.m(t) ** 2 * s * s + sched.sigma(t) ** 2);
  const dsd = (t: number) => (sched.m(t) * sched.dm(t) * s * s + sched.sigma(t) * sched.dsigma(t)) / sd(t);
  const d = mu.length;
  return {
    dim: d,
    tau: sched.tau,
    scheduleName: sched.name,
    meta: { dim: d, tau: sched.tau, scheduleName: sched.name, hidden: [], source: 'gaussian' },
    sd,
    dsd,
    async velocity(t, x, n) {
      const out = new Float32Array(n * d);
      const m = sched.m(t);
      const r = dsd(t) / sd(t);
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out[i * d + k] = sched.dm(t) * mu[k] + r * (x[i * d + k] - m * mu[k]);
      return out;
    },
    params: () => [],
    async save() {},
  };
}

const sched = namedSchedule('cond-ot');
const mu = [1.5, -0.5];
const s = 0.5;
const model = gaussianFlow(sched, mu, s);
const n = 64;
const rng = new Rng(TEST_SEED);
const x1 = new Float32Array(n * 2).map(() => rng.normal());
const exact = (i: number) => mu[i % 2] + (s * x1[i]) / model.sd(1);

async function maxErr(solver: 'euler' | 'heun' | 'rk4', steps: number) {
  const r = await integrateFlow(model, x1, n, { from: 1, to: 0, solver, steps });
  let e = 0;
  for (let i = 0; i < n * 2; i++) e = Math.max(e, Math.abs(r.x[i] - exact(i)));
  return { e, nfe: r.nfe };
}

test('fixed-step solvers converge at their orders on an exact Gaussian flow', async () => {
  // step counts chosen so that the errors stay >= 1e-5, far above float32 output rounding (~1e-7)
  for (const [solver, order, nfePerStep, steps] of [
    ['euler', 1, 1, 10],
    ['heun', 2, 2, 10],
    ['rk4', 4, 4, 4],
  ] as const) {
    const a = await maxErr(solver, steps);
    const b = await maxErr(solver, 2 * steps);
    assert.equal(a.nfe, steps * nfePerStep);
    const observed = Math.log2(a.e / b.e);
    // observed order from halving h: at least the method's order (-0.35 for pre-asymptotic terms);
    // Euler and Heun are in their asymptotic regime here (upper bound too), RK4 at 4 -> 8 steps is
    // still super-convergent on this smooth field, and at 16+ steps it hits float32 rounding
    const upper = solver === 'rk4' ? Infinity : order + 0.35;
    assert.ok(observed > order - 0.35 && observed < upper, `${solver}: observed order ${observed}, expected ${order} (errors ${a.e}, ${b.e})`);
  }
});

test('dopri5 meets its tolerance with few evaluations and records tEval states', async () => {
  const r = await integrateFlow(model, x1, n, { from: 1, to: 0, solver: 'dopri5', rtol: 1e-7, atol: 1e-7, tEval: [0.5, 0] });
  let e = 0;
  for (let i = 0; i < n * 2; i++) e = Math.max(e, Math.abs(r.x[i] - exact(i)));
  // local error control at 1e-7 accumulates to ~1e-6 globally; float32 output adds ~2e-7
  assert.ok(e < 2e-6, `dopri5 error ${e}`);
  assert.ok(r.nfe < 200, `nfe ${r.nfe}`);
  assert.equal(r.path?.length, 2);
  // x_{1/2} = m mu + sd xi exactly
  for (let i = 0; i < n * 2; i++) expectClose(r.path![0][i], 0.5 * mu[i % 2] + (model.sd(0.5) * x1[i]) / model.sd(1), { atol: 2e-6 }, `x(0.5)[${i}]`);
  assert.deepEqual(r.path![1], r.x);
});

test('path energy equals the closed-form kinetic energy of the exact trajectories', async () => {
  // per particle: |dm mu + dsd xi|^2, xi = x_tau / sd_tau; integrate the t-parts with a fine midpoint rule
  const N = 200000;
  let a = 0;
  let b = 0;
  let c = 0;
  for (let k = 0; k < N; k++) {
    const t = (k + 0.5) / N;
    const dm = sched.dm(t);
    const dsd = model.dsd(t);
    a += (dm * dm) / N;
    b += (2 * dm * dsd) / N;
    c += (dsd * dsd) / N;
  }
  let muXi = 0;
  let xiSq = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const xi = x1[i * 2 + k] / model.sd(1);
      muXi += (mu[k] * xi) / n;
      xiSq += (xi * xi) / n;
    }
  }
  const expected = a * (mu[0] ** 2 + mu[1] ** 2) + b * muXi + c * xiSq;
  const r = await integrateFlow(model, x1, n, { from: 1, to: 0, solver: 'rk4', steps: 200 });
  // RK4 weights integrate the smooth |u|^2 with Simpson accuracy (h^4); midpoint reference error ~1e-11
  expectClose(r.pathEnergy, expected, { rtol: 1e-6 }, 'rk4 path energy');
  const r5 = await integrateFlow(model, x1, n, { from: 1, to: 0, solver: 'dopri5', rtol: 1e-8, atol: 1e-8 });
  // dopri5's 5th-order weights as quadrature on its own (fewer, larger) steps: ~1e-4 relative
  expectClose(r5.pathEnergy, expected, { rtol: 1e-3 }, 'dopri5 path energy');
});

test('integrateFlow rejects bad input', async () => {
  await assert.rejects(integrateFlow(model, new Float32Array(5), 3, { from: 1, to: 0, solver: 'rk4' }), InputError);
  const bad = x1.slice();
  bad[3] = Number.NaN;
  await assert.rejects(integrateFlow(model, bad, n, { from: 1, to: 0, solver: 'rk4' }), /x0\[3\] is not finite/);
  await assert.rejects(integrateFlow(model, x1, n, { from: 1, to: 0, solver: 'leapfrog' as never }), /unknown solver/);
  await assert.rejects(integrateFlow(model, x1, n, { from: 1, to: 0, solver: 'rk4', tEval: [2] }), /outside/);
});

test('reverse SDE with the velocity-implied score recovers the data law (cond-OT and cosine)', async () => {
  for (const name of ['cond-ot', 'cosine']) {
    const sc = namedSchedule(name);
    const m = gaussianFlow(sc, mu, s);
    const N = 4000;
    const r0 = new Rng(TEST_SEED + 7);
    const x = new Float32Array(N * 2).map(() => r0.normal());
    const res = await sampleReverseSde(m, sc, x, N, { steps: 400, rng: r0 });
    assert.equal(res.nfe, 400 + 40);
    for (let k = 0; k < 2; k++) {
      let mean = 0;
      let sq = 0;
      for (let i = 0; i < N; i++) mean += res.x[i * 2 + k] / N;
      for (let i = 0; i < N; i++) sq += (res.x[i * 2 + k] - mean) ** 2 / (N - 1);
      // MC: std error of the mean s/sqrt(N) = 0.008, of the std s/sqrt(2N) = 0.0056; Euler-Maruyama
      // bias O(h) with h = 0.0025 adds < 0.01: allow 0.035 (about 4 standard errors + bias)
      expectClose(mean, mu[k], { atol: 0.035 }, `${name} mean[${k}]`);
      expectClose(Math.sqrt(sq), s, { atol: 0.035 }, `${name} std[${k}]`);
    }
  }
});
