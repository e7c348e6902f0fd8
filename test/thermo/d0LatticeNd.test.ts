import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpeedAccuracyNdConfig, runSpeedAccuracyNd } from '../../src/config/speedAccuracyNdConfig.ts';
import { InputError } from '../../src/core/errors.ts';
import type { PerturbationSpec } from '../../src/thermo/perturbation.ts';
import { type D0Lattice, d0LatticeNd, type GaussianMixtureLaw } from '../../src/thermo/d0LatticeNd.ts';
import { perturbationNd } from '../../src/thermo/perturbationNd.ts';

/*
 * Closed forms of D0 = chi^2(tildeP || P) = int tildeP^2 / P - 1 (paper Eq. 78), written without src/:
 *  - Gaussians: tildeP = N(mu, A), P = N(m, V) with 2V - A positive definite (otherwise D0 = infinity):
 *      1 + D0 = det V / sqrt(det A det(2V - A)) exp(delta . (2V - A)^{-1} delta),  delta = mu - m.
 *    (Complete the square in 2 ln N(mu, A) - ln N(m, V); in 1-D it is the 1-D test's
 *    exp(mu^2 / (2 - s^2)) / (s sqrt(2 - s^2)) for v = 1, and for A = s^2 I, V = v I, delta = 0 it is the
 *    closed-form test's prod_i (r (2 - r))^{-1/2}, r = s^2 / v.) Evaluated here with 3 x 3 adjugates, a
 *    different route from src/thermo/d0LatticeNd.ts (Cholesky factors of Q = 2 A^{-1} - V^{-1}).
 *  - Uniform tildeP on the box prod_d [a_d, b_d] against P = N(m, v I):
 *      1 + D0 = prod_d sqrt(2 pi v) (F(b_d - m_d) - F(a_d - m_d)) / (b_d - a_d)^2,
 *      F(c) = int_0^c e^{y^2 / (2v)} dy = sum_n c^{2n+1} / ((2v)^n n! (2n + 1)),
 *    a series of positive terms (F is odd and the boxes below straddle m, so the difference is a sum of
 *    two positive series: no cancellation; summed until a term is below 1e-18 of the sum).
 * The engine's cases: P_tMax of 3-D data N(0, 0.25 I) under the cosine schedule at tMax = 0.999 tau,
 * N(0, v I) with v = 0.25 sin^2(pi/2 0.001) + sin^2(pi/2 0.999).
 *
 * Tolerances (the same for every case, argued once):
 *  - |ours - closed form| <= stated absolute error (`err`), no factor: the stated error is the
 *    half-cell-shift spread plus an explicit tail bound plus a rounding bound, each an upper estimate of
 *    its part (src/thermo/d0LatticeNd.ts); the references are exact up to rounding, ~1e-16 relative
 *    (a handful of double operations), against stated errors of 1e-14 to 1e-12.
 *  - stated relative error <= 1e-11: measured 1.0e-14 to 1.2e-13 (true errors <= 1.2e-14; 2026-12-06), mostly
 *    the rounding bound; 1e-11 leaves ~80x headroom for other platforms' exp/log while staying 9 orders
 *    below the 1 % flag and 7-9 orders below the W1 lattice's old D0 errors (narrow start stated 1.85 %,
 *    true -1.1e-4; wide start true -3.9e-3).
 *  - tail bound <= 1e-15: the default `tailTarget` (the loop widens the box until it holds).
 */

const v = 0.25 * Math.sin((Math.PI / 2) * 0.001) ** 2 + Math.sin((Math.PI / 2) * 0.999) ** 2;

function det3(a: number[][]): number {
  return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
}
/** delta . M^{-1} delta by the adjugate (Cramer). */
function quadInv3(m: number[][], delta: number[]): number {
  const d = det3(m);
  const adj = [0, 1, 2].map((i) => [0, 1, 2].map((j) => {
    // cofactor C_ji (adjugate = transposed cofactors)
    const r = [0, 1, 2].filter((k) => k !== j);
    const c = [0, 1, 2].filter((k) => k !== i);
    const minor = m[r[0]][c[0]] * m[r[1]][c[1]] - m[r[0]][c[1]] * m[r[1]][c[0]];
    return ((i + j) % 2 ? -1 : 1) * minor;
  }));
  let s = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += (delta[i] * adj[i][j] * delta[j]) / d;
  return s;
}
/** 1 + D0 of N(mu, A) against N(m, V) (3-D), closed form above. */
function chiGauss(mu: number[], A: number[][], m: number[], V: number[][]): number {
  const B = V.map((row, i) => row.map((x, j) => 2 * x - A[i][j]));
  const delta = mu.map((x, i) => x - m[i]);
  return (det3(V) / Math.sqrt(det3(A) * det3(B))) * Math.exp(quadInv3(B, delta));
}
const iso = (s2: number) => [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? s2 : 0)));

/** F(c) = int_0^c e^{y^2/(2 v)} dy by its Taylor series. */
function erfiIntegral(c: number, vv: number): number {
  let term = c;
  let sum = c;
  for (let n = 1; n < 400; n++) {
    term *= (c * c) / (2 * vv) / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-18 * Math.abs(sum)) break;
  }
  return sum;
}
/** 1 + D0 of the uniform box [lo, hi] against N(m, vv I). */
function chiBox(lo: number[], hi: number[], m: number[], vv: number): number {
  let p = 1;
  for (let d = 0; d < 3; d++) p *= (Math.sqrt(2 * Math.PI * vv) * (erfiIntegral(hi[d] - m[d], vv) - erfiIntegral(lo[d] - m[d], vv))) / (hi[d] - lo[d]) ** 2;
  return p;
}

/** A single-component 3-D start law N(m, V) (V isotropic when a number). */
function startLaw(m: number[], V: number | number[][]): GaussianMixtureLaw {
  return {
    dim: 3,
    k: 1,
    means: Float64Array.from(m),
    variances: Float64Array.of(typeof V === 'number' ? V : (V[0][0] + V[1][1] + V[2][2]) / 3),
    covariances: typeof V === 'number' ? null : Float64Array.from(V.flat()),
    weights: Float64Array.of(1),
  };
}

function checkAgainst(r: D0Lattice, chi: number, label: string) {
  const ref = chi - 1;
  const trueAbs = Math.abs(r.value - ref);
  assert.ok(trueAbs <= r.err, `${label}: |D0 - closed form| = ${trueAbs} (D0 ${r.value}, closed form ${ref}) above the stated ${r.err}`);
  assert.ok(r.relErr <= 1e-11, `${label}: stated relative error ${r.relErr} above 1e-11`);
  assert.ok(r.tail <= 1e-15, `${label}: tail bound ${r.tail} above its 1e-15 target`);
}

const run = (start: GaussianMixtureLaw, spec: PerturbationSpec) => d0LatticeNd(start, perturbationNd(spec, 3));

test('narrow start N(0, 0.25 I) against P_tMax = N(0, v I): D0 within its stated error of the closed form, stated error tiny', () => {
  const r = run(startLaw([0, 0, 0], v), { kind: 'normal', mean: [0, 0, 0], std: 0.5 });
  assert.equal(r.method, 'gaussian-lattice');
  checkAgainst(r, chiGauss([0, 0, 0], iso(0.25), [0, 0, 0], iso(v)), 'narrow');
});

test('wide start N(0, 1.69 I) (integrand decaying slowly, sd 2.3): the box covers the tail, D0 within its stated error', () => {
  const r = run(startLaw([0, 0, 0], v), { kind: 'normal', mean: [0, 0, 0], std: 1.3 });
  checkAgainst(r, chiGauss([0, 0, 0], iso(1.69), [0, 0, 0], iso(v)), 'wide');
  // the integrand's sd sqrt(1 / (2/1.69 - 1/v)) = 2.34 > 2 sd of P: the box reaches beyond the W1 lattice's 6 sd of P
  assert.ok(r.box.hi[0] > 12, `box half-width ${r.box.hi[0]}`);
});

test('translated start N(mu, v I), mu generic: D0 = e^{|mu|^2 / v} - 1 within its stated error', () => {
  const mu = [0.2, 0.25, 0.18];
  const r = run(startLaw([0, 0, 0], v), { kind: 'normal', mean: mu, std: Math.sqrt(v) });
  checkAgainst(r, chiGauss(mu, iso(v), [0, 0, 0], iso(v)), 'translated');
  // sanity of the reference: equal covariances give e^{|mu|^2 / v}
  const e = Math.exp((0.2 ** 2 + 0.25 ** 2 + 0.18 ** 2) / v);
  assert.ok(Math.abs(chiGauss(mu, iso(v), [0, 0, 0], iso(v)) / e - 1) <= 1e-14, 'translation reference');
});

test('full-covariance P = N(m, R diag(1.5, 0.8, 0.5) R^T) against off-centre starts N(mu, s^2 I), s = 0.6 and 0.9 (near the limit 2 lambda_min = 1)', () => {
  const lam = [1.5, 0.8, 0.5];
  const [a, b] = [0.5, 0.8];
  const R = [
    [Math.cos(a), -Math.sin(a) * Math.cos(b), Math.sin(a) * Math.sin(b)],
    [Math.sin(a), Math.cos(a) * Math.cos(b), -Math.cos(a) * Math.sin(b)],
    [0, Math.sin(b), Math.cos(b)],
  ];
  const V = R.map((ri) => R.map((rj) => ri.reduce((s, x, k) => s + x * lam[k] * rj[k], 0)));
  const m = [0.3, -0.2, 0.1];
  const mu = [-0.1, 0.25, 0.4];
  for (const s of [0.6, 0.9]) {
    const r = run(startLaw(m, V), { kind: 'normal', mean: mu, std: s });
    checkAgainst(r, chiGauss(mu, iso(s * s), m, V), `full covariance s=${s}`);
  }
});

test('uniform-box start against P_tMax: integrated over the box exactly, D0 within its stated error of the series closed form', () => {
  const lo = [-1, -0.5, -0.8];
  const hi = [0.9, 1.2, 0.7];
  const r = run(startLaw([0, 0, 0], v), { kind: 'uniform', low: lo, high: hi });
  assert.equal(r.method, 'uniform-box');
  assert.equal(r.tail, 0);
  checkAgainst(r, chiBox(lo, hi, [0, 0, 0], v), 'uniform box');
  // off-centre P and a wider box (1/P grows e^{4.5} towards the corner)
  const m = [0.4, -0.3, 0.2];
  const r2 = run(startLaw(m, 1.2), { kind: 'uniform', low: [-2, -3, -1], high: [2.5, 1, 3] });
  checkAgainst(r2, chiBox([-2, -3, -1], [2.5, 1, 3], m, 1.2), 'uniform box, off-centre P');
});

test('the mixture evaluation of ln P and a caller-supplied one give the same D0 (the engine passes the flow\'s)', () => {
  const start = startLaw([0.1, 0, -0.2], 0.9);
  const spec: PerturbationSpec = { kind: 'normal', mean: [0, 0.3, 0], std: 0.6 };
  const own = run(start, spec);
  const c = -1.5 * Math.log(2 * Math.PI * 0.9);
  const given = d0LatticeNd(start, perturbationNd(spec, 3), {
    startLogDensity: (x, n) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = c - ((x[3 * i] - 0.1) ** 2 + x[3 * i + 1] ** 2 + (x[3 * i + 2] + 0.2) ** 2) / 1.8;
      return out;
    },
  });
  // the two differ only by rounding of ln P (~1e-15 relative per node)
  assert.ok(Math.abs(own.value - given.value) <= own.rounding + given.rounding, `${own.value} vs ${given.value}`);
});

test('3-D engine: D0 from its own lattice (std 0.5 start, 20/14 nodes: was stated 14.7 % and flagged), 2-D keeps the W1 lattice D0', () => {
  const gauss3 = { kind: 'gaussian-mixture', means: [[0, 0, 0]], stds: [0.5], weights: [1] };
  const r = runSpeedAccuracyNd(parseSpeedAccuracyNdConfig({ data: gauss3, schedule: 'cosine', tau: 1, perturbation: { kind: 'normal', mean: [0, 0, 0], std: 0.5 }, cells: 20, coarseCells: 14 }));
  const ref = chiGauss([0, 0, 0], iso(0.25), [0, 0, 0], iso(v)) - 1;
  assert.ok(Math.abs(r.d0 - ref) <= r.errors.d0 * r.d0, `engine D0 ${r.d0} vs ${ref}, stated ${r.errors.d0}`);
  assert.ok(r.errors.d0 <= 1e-11, `engine stated D0 error ${r.errors.d0}`);
  assert.ok(!r.flagged.includes('d0'));
  assert.equal(r.convergence.values.d0.length, 3);
  assert.equal(r.convergence.values.d0[2], r.d0);
  assert.equal(r.convergence.d0?.value, r.d0);
  // 2-D: no own-lattice D0 (the 2-D outputs are fixed bit for bit)
  const r2 = runSpeedAccuracyNd(
    parseSpeedAccuracyNdConfig({ data: { kind: 'gaussian-mixture', means: [[0, 0]], stds: [0.5], weights: [1] }, schedule: 'cosine', tau: 1, perturbation: { kind: 'normal', mean: [0, 0], std: 0.7 }, cells: 16, coarseCells: 12, steps: 20, w1Times: 6 }),
  );
  assert.equal(r2.convergence.d0, undefined);
  assert.equal(r2.convergence.values.d0.length, 2);
});

test('bad input: InputError naming what and where', () => {
  const start = startLaw([0, 0, 0], 1);
  const normal = perturbationNd({ kind: 'normal', mean: [0, 0, 0], std: 0.5 }, 3);
  const throwsInput = (f: () => unknown, where: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof InputError && where.test(e.message), `expected an InputError matching ${where}`);
  // dimension outside 1-3, and a perturbation of another dimension
  throwsInput(() => d0LatticeNd({ ...start, dim: 4, means: new Float64Array(4) }, perturbationNd({ kind: 'normal', mean: [0, 0, 0, 0], std: 0.5 }, 4)), /start\.dim: expected 1-3 dimensions, got 4/);
  throwsInput(() => d0LatticeNd(start, perturbationNd({ kind: 'normal', mean: [0, 0], std: 0.5 }, 2)), /^perturbation: perturbation is 2-D but the start law is 3-D/);
  // means / weights of the wrong length
  throwsInput(() => d0LatticeNd({ ...start, means: new Float64Array(2) }, normal), /^start: expected 1 means of 3 coordinates/);
  // a start covariance that is not positive definite
  throwsInput(() => d0LatticeNd(startLaw([0, 0, 0], [[1, 2, 0], [2, 1, 0], [0, 0, 1]]), normal), /start\.covariances\[0\]: .*not positive definite/);
  // s^2 >= 2 v: tildeP^2 / P is not integrable (D0 infinite)
  throwsInput(() => d0LatticeNd(start, perturbationNd({ kind: 'normal', mean: [0, 0, 0], std: 1.5 }, 3)), /^perturbation: no start component bounds/);
  // options
  throwsInput(() => d0LatticeNd(start, normal, { tailTarget: 0 }), /^tailTarget: expected 0 < tailTarget < 1/);
  throwsInput(() => d0LatticeNd(start, normal, { maxCells: 4 }), /maxCells/);
});
