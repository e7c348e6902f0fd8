import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inverse, Matrix } from 'ml-matrix';
import { Rng } from '../../src/core/rng.ts';
import { makeGaussianMixture, makeGaussianMixtureWithCovariances, sampleGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { type LinearForceMixtureField, linearForceMixtureField, mixtureFromPoints } from '../../src/fields/linearForceMixtureField.ts';
import { scheduleMixtureField } from '../../src/fields/scheduleMixtureField.ts';
import { linearForceProcess } from '../../src/processes/linearForceProcess.ts';
import { scheduleProcess } from '../../src/processes/scheduleProcess.ts';
import { swissRollForce } from '../../src/processes/swissRollForce.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

// three full-covariance components in 2-D (one strongly anisotropic and tilted)
const gm = makeGaussianMixtureWithCovariances(
  [
    [-1, 0.5],
    [1.5, -0.3],
    [0.2, 2],
  ],
  [
    [
      [0.09, 0.05],
      [0.05, 0.04],
    ],
    [
      [0.25, -0.1],
      [-0.1, 0.3],
    ],
    [
      [0.02, 0],
      [0, 0.5],
    ],
  ],
  [0.5, 0.3, 0.2],
);

// a non-isotropic, non-conservative linear force: A not symmetric, not a multiple of I
const anisotropic = linearForceProcess({
  name: 'aniso',
  dim: 2,
  tau: 1,
  forceMatrix: (t) => [-1 - t, 0.8, -0.3, -2 + 0.5 * t],
  forceOffset: () => [0.3, -0.1],
  temperature: (t) => 0.4 + 0.3 * t,
  steps: 400,
});

const pts = Float64Array.of(0.3, -0.2, 2, 1, -1.1, 0.6, 0.1, 2.4);

/** Central differences of a scalar function of x in 2-D. */
function grad2(f: (x: Float64Array) => number, x: number[], e: number): [number, number] {
  const at = (a: number, b: number) => f(Float64Array.of(a, b));
  return [(at(x[0] + e, x[1]) - at(x[0] - e, x[1])) / (2 * e), (at(x[0], x[1] + e) - at(x[0], x[1] - e)) / (2 * e)];
}

test('full covariances: the (m, sigma) posterior-mean velocity, score and density equal the ml-matrix reference (scheduleMixtureField)', () => {
  for (const name of ['cosine', 'cond-ot', 'vp-linear'] as const) {
    const s = namedSchedule(name, 1);
    const ours = linearForceMixtureField(scheduleProcess(s, 2), gm);
    assert.equal(ours.velocityForm, 'posterior-mean');
    const ref = scheduleMixtureField(gm, s);
    for (const t of [0, 0.05, 0.5, 0.97, 1]) {
      const a = ours.velocity(t, pts, 4);
      const b = ref.velocity(t, pts, 4);
      const sa = ours.score(t, pts, 4);
      const sb = ref.score(t, pts, 4);
      const la = ours.logDensity(t, pts, 4);
      const lb = ref.logDensity(t, pts, 4);
      // two closed forms (Cholesky vs LU inverses) of the same field; condition numbers <= 30: round-off only
      for (let i = 0; i < 8; i++) {
        expectClose(a[i], b[i], { atol: 1e-11, rtol: 1e-11 }, `${name} velocity[${i}] t=${t}`);
        expectClose(sa[i], sb[i], { atol: 1e-10, rtol: 1e-11 }, `${name} score[${i}] t=${t}`);
      }
      for (let i = 0; i < 4; i++) expectClose(la[i], lb[i], { atol: 1e-11 }, `${name} logDensity[${i}] t=${t}`);
    }
  }
});

test('the velocity of one Gaussian is the linear field nu = c + M (x - a) of its moments (posterior and force forms)', () => {
  const C = [
    [0.3, 0.12],
    [0.12, 0.1],
  ];
  const mu = [0.7, -0.4];
  const one = makeGaussianMixtureWithCovariances([mu], [C], [1]);
  // cosine at t: V = m^2 C + sigma^2 I, nu = dm mu + (1/2) V' V^{-1} (x - m mu), V' = 2 m dm C + 2 sigma dsigma I
  const s = namedSchedule('cosine', 2);
  const f = linearForceMixtureField(scheduleProcess(s, 2), one);
  const t = 0.7;
  const m = s.m(t);
  const dm = s.dm(t);
  const sg = s.sigma(t);
  const dsg = s.dsigma(t);
  const Cm = new Matrix(C);
  // ml-matrix mul/add work in place: clone first
  const V = Cm.clone().mul(m * m).add(Matrix.eye(2).mul(sg * sg));
  const Vp = Cm.clone().mul(2 * m * dm).add(Matrix.eye(2).mul(2 * sg * dsg));
  const M = Vp.mmul(inverse(V)).mul(0.5);
  const v = f.velocity(t, pts, 4);
  const div = f.divergence(t, pts, 4);
  for (let i = 0; i < 4; i++) {
    for (let r = 0; r < 2; r++) {
      const want = dm * mu[r] + M.get(r, 0) * (pts[2 * i] - m * mu[0]) + M.get(r, 1) * (pts[2 * i + 1] - m * mu[1]);
      // closed form vs closed form: round-off only
      expectClose(v[2 * i + r], want, { atol: 1e-12, rtol: 1e-12 }, `nu[${i}][${r}]`);
    }
    // div of a linear field is tr M, the same at every x
    expectClose(div[i], M.trace(), { atol: 1e-12, rtol: 1e-12 }, `div nu[${i}]`);
  }
  // force form, anisotropic process: nu = A x + b + T V^{-1} (x - a) with (a, V) the field's own components
  const g = linearForceMixtureField(anisotropic, one);
  assert.equal(g.velocityForm, 'force');
  const c = g.components(0.6);
  const Vt = new Matrix([
    [c.covariances![0], c.covariances![1]],
    [c.covariances![2], c.covariances![3]],
  ]);
  const P = inverse(Vt);
  const A = anisotropic.forceMatrix(0.6);
  const T = anisotropic.temperature(0.6);
  const w = g.velocity(0.6, pts, 4);
  for (let i = 0; i < 4; i++) {
    const dx = [pts[2 * i] - c.means[0], pts[2 * i + 1] - c.means[1]];
    for (let r = 0; r < 2; r++) {
      const want = A[2 * r] * pts[2 * i] + A[2 * r + 1] * pts[2 * i + 1] + [0.3, -0.1][r] + T * (P.get(r, 0) * dx[0] + P.get(r, 1) * dx[1]);
      expectClose(w[2 * i + r], want, { atol: 1e-12, rtol: 1e-12 }, `force-form nu[${i}][${r}]`);
    }
  }
  // the force-form divergence of a Gaussian: tr A + T tr V^{-1}
  const dv = g.divergence(0.6, pts, 4);
  for (let i = 0; i < 4; i++) expectClose(dv[i], A[0] + A[3] + T * P.trace(), { atol: 1e-12, rtol: 1e-12 }, `force-form div[${i}]`);
});

test('at t = tau the cosine velocity is finite and equals dm sum_k w_k mu_k (every component is N(0, I) there)', () => {
  const s = namedSchedule('cosine', 1);
  const f = linearForceMixtureField(scheduleProcess(s, 2), gm);
  const v = f.velocity(1, pts, 4);
  const dm = s.dm(1);
  for (let r = 0; r < 2; r++) {
    let want = 0;
    for (let j = 0; j < 3; j++) want += gm.weights[j] * gm.means[2 * j + r];
    // m_tau = cos(pi/2) ~ 6e-17 instead of 0: differences of order 1e-16
    for (let i = 0; i < 4; i++) expectClose(v[2 * i + r], dm * want, { atol: 1e-13 }, `nu(tau)[${i}][${r}]`);
  }
});

/** Score vs FD of ln P, divergence vs FD of nu, continuity dP/dt = -div(P nu) by FD. */
function finiteDifferenceChecks(f: LinearForceMixtureField, t: number, label: string) {
  const e = 1e-5;
  for (let i = 0; i < 4; i++) {
    const x = [pts[2 * i], pts[2 * i + 1]];
    const s = f.score(t, Float64Array.from(x), 1);
    const g = grad2((y) => f.logDensity(t, y, 1)[0], x, e);
    // central differences: error ~ e^2 |d^3 ln P| / 6 ~ 1e-10 x O(100) for these variances (>= 0.02)
    expectClose(s[0], g[0], { atol: 1e-6, rtol: 1e-7 }, `${label} score_x at ${x}`);
    expectClose(s[1], g[1], { atol: 1e-6, rtol: 1e-7 }, `${label} score_y at ${x}`);
    const div = f.divergence(t, Float64Array.from(x), 1)[0];
    const gx = grad2((y) => f.velocity(t, y, 1)[0], x, e);
    const gy = grad2((y) => f.velocity(t, y, 1)[1], x, e);
    expectClose(div, gx[0] + gy[1], { atol: 1e-6, rtol: 1e-7 }, `${label} div at ${x}`);
    // continuity: the field's velocity transports its own density
    const h = 1e-4;
    const dens = (tt: number, y: number[]) => Math.exp(f.logDensity(tt, Float64Array.from(y), 1)[0]);
    const dPdt = (dens(t + h, x) - dens(t - h, x)) / (2 * h);
    const p = dens(t, x);
    const v = f.velocity(t, Float64Array.from(x), 1);
    const s2 = f.score(t, Float64Array.from(x), 1);
    // div(P nu) = P (div nu + nu . grad ln P); time FD error ~ h^2 |d^3 P/dt^3| ~ 1e-8 x O(10)
    const divFlux = p * (div + v[0] * s2[0] + v[1] * s2[1]);
    expectClose(dPdt, -divFlux, { atol: 2e-6, rtol: 1e-5 }, `${label} continuity at ${x}`);
  }
}

test('full covariances under a non-isotropic, non-conservative force: score, divergence and continuity by finite differences', () => {
  finiteDifferenceChecks(linearForceMixtureField(anisotropic, gm), 0.45, 'aniso/full');
});

test('full covariances under the cosine schedule (posterior form) and the Swiss-roll force: the same finite-difference checks', () => {
  finiteDifferenceChecks(linearForceMixtureField(scheduleProcess(namedSchedule('cosine', 1), 2), gm), 0.6, 'cosine/full');
  finiteDifferenceChecks(linearForceMixtureField(swissRollForce({ h: 1.1, g: 3, Tfin: 0.5, tau: 1 }), gm), 0.4, 'swiss-roll/full');
});

test('isotropic data: the scalar (posterior and force) and shared layouts pass the same checks, and layouts agree', () => {
  const iso = makeGaussianMixture(
    [
      [-1, 0.5],
      [1.5, -0.3],
      [0.2, 2],
    ],
    [0.3, 0.5, 0.2],
    [0.5, 0.3, 0.2],
  );
  finiteDifferenceChecks(linearForceMixtureField(scheduleProcess(namedSchedule('cond-ot', 1), 2), iso), 0.3, 'cond-ot/scalar');
  finiteDifferenceChecks(linearForceMixtureField(swissRollForce({ h: 1.1, g: 5, Tfin: 0.5, tau: 1 }), iso), 0.5, 'swiss-roll/scalar');
  // equal stds under a non-isotropic force: one shared V_t; the same data as full covariances 0.09 I
  const eq = makeGaussianMixture([[-1, 0.5], [1.5, -0.3], [0.2, 2]], [0.3, 0.3, 0.3], [0.5, 0.3, 0.2]);
  const eqFull = makeGaussianMixtureWithCovariances(
    [[-1, 0.5], [1.5, -0.3], [0.2, 2]],
    Array.from({ length: 3 }, () => [[0.09, 0], [0, 0.09]]),
    [0.5, 0.3, 0.2],
  );
  const shared = linearForceMixtureField(anisotropic, eq);
  const full = linearForceMixtureField(anisotropic, eqFull);
  finiteDifferenceChecks(shared, 0.5, 'aniso/shared');
  const outA = { logDensity: new Float64Array(4), velocity: new Float64Array(8), divergence: new Float64Array(4), score: new Float64Array(8) };
  const outB = { logDensity: new Float64Array(4), velocity: new Float64Array(8), divergence: new Float64Array(4), score: new Float64Array(8) };
  shared.evaluate(0.5, pts, 4, outA);
  full.evaluate(0.5, pts, 4, outB);
  for (const key of ['logDensity', 'velocity', 'divergence', 'score'] as const) {
    // identical arithmetic up to the order of operations: round-off only
    for (let i = 0; i < outA[key].length; i++) expectClose(outA[key][i], outB[key][i], { atol: 1e-12, rtol: 1e-12 }, `${key}[${i}] shared vs full`);
  }
});

test('a point cloud under a non-isotropic force (the case refused before): shared layout, continuity by finite differences', () => {
  const cloud = mixtureFromPoints({ data: Float64Array.of(0, 0, 1, 0.5, -0.5, 1, 0.3, -1.2, 1.4, 1.1), n: 5, dim: 2 });
  const f = linearForceMixtureField(anisotropic, cloud);
  assert.ok(f.pointMasses);
  assert.equal(f.components(0.5).covariances !== null, true);
  finiteDifferenceChecks(f, 0.5, 'aniso/cloud');
  assert.throws(() => f.velocity(0, pts, 4), /singular at t=0/);
});

test('the posterior-mean form equals the force form f - T grad ln P for a scalar force (same schedule as a generic linear-force process)', () => {
  const s = namedSchedule('cosine', 1);
  const generic = linearForceProcess({
    dim: 2,
    tau: 0.95, // A_t and T_t diverge at t = 1
    forceMatrix: (t) => [s.dm(t) / s.m(t), 0, 0, s.dm(t) / s.m(t)],
    temperature: (t) => s.sigma(t) * s.dsigma(t) - (s.sigma(t) ** 2 * s.dm(t)) / s.m(t),
    steps: 1900,
  });
  const a = linearForceMixtureField(scheduleProcess(s, 2), gm);
  const b = linearForceMixtureField(generic, gm);
  assert.equal(b.velocityForm, 'force');
  for (const t of [0.1, 0.5, 0.9]) {
    const va = a.velocity(t, pts, 4);
    const vb = b.velocity(t, pts, 4);
    const da = a.divergence(t, pts, 4);
    const db = b.divergence(t, pts, 4);
    // b's moments come from RK4 with h = 5e-4 (error ~ h^4 |d^5 phi| ~ 1e-12 relative); A, T <= 7 at t = 0.9
    for (let i = 0; i < 8; i++) expectClose(va[i], vb[i], { atol: 1e-8, rtol: 1e-8 }, `nu[${i}] t=${t}`);
    for (let i = 0; i < 4; i++) expectClose(da[i], db[i], { atol: 1e-8, rtol: 1e-8 }, `div[${i}] t=${t}`);
  }
});

test('sampling full covariances: sampleGaussianMixture and field.sample(t) have the exact mean and covariance', () => {
  const n = 40000;
  const check = (x: Float64Array, mean: number[], cov: number[], label: string) => {
    const m = [0, 0];
    for (let i = 0; i < n; i++) for (let r = 0; r < 2; r++) m[r] += x[2 * i + r] / n;
    const c = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) for (let r = 0; r < 2; r++) for (let q = 0; q < 2; q++) c[2 * r + q] += ((x[2 * i + r] - m[r]) * (x[2 * i + q] - m[q])) / n;
    // mixture sds <= 1.3: se(mean) <= 0.0065, se(cov entry) <= ~0.015; tolerance ~4 se
    for (let r = 0; r < 2; r++) expectClose(m[r], mean[r], { atol: 0.03 }, `${label} mean[${r}]`);
    for (let r = 0; r < 4; r++) expectClose(c[r], cov[r], { atol: 0.06 }, `${label} cov[${r}]`);
  };
  const moments = (means: Float64Array, covs: Float64Array, w: Float64Array) => {
    const mean = [0, 0];
    for (let j = 0; j < 3; j++) for (let r = 0; r < 2; r++) mean[r] += w[j] * means[2 * j + r];
    const cov = [0, 0, 0, 0];
    for (let j = 0; j < 3; j++) {
      for (let r = 0; r < 2; r++) {
        for (let q = 0; q < 2; q++) cov[2 * r + q] += w[j] * (covs[4 * j + 2 * r + q] + (means[2 * j + r] - mean[r]) * (means[2 * j + q] - mean[q]));
      }
    }
    return { mean, cov };
  };
  const a = sampleGaussianMixture(gm, n, new Rng(TEST_SEED));
  const ma = moments(gm.means, gm.covariances!, gm.weights);
  check(a.data, ma.mean, ma.cov, 'data');
  const f = linearForceMixtureField(anisotropic, gm);
  const c = f.components(0.7);
  const mb = moments(c.means, c.covariances!, c.weights);
  check(f.sample(0.7, n, new Rng(TEST_SEED + 1)).data, mb.mean, mb.cov, 'P_t');
  // same seed, same bits
  assert.deepEqual(sampleGaussianMixture(gm, 10, new Rng(3)).data, sampleGaussianMixture(gm, 10, new Rng(3)).data);
});

test('full covariances far from the data: log-sum-exp keeps density, score, velocity and divergence finite', () => {
  const f = linearForceMixtureField(anisotropic, gm);
  const far = Float64Array.of(1000, -1000);
  const out = { logDensity: new Float64Array(1), score: new Float64Array(2), velocity: new Float64Array(2), divergence: new Float64Array(1) };
  f.evaluate(0.3, far, 1, out);
  for (const a of Object.values(out)) for (const v of a) assert.ok(Number.isFinite(v), `${v}`);
});
