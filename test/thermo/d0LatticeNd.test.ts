import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpeedAccuracyNdConfig, runSpeedAccuracyNd } from '../../src/config/speedAccuracyNdConfig.ts';
import { InputError } from '../../src/core/errors.ts';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
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
 *  - Isotropic-mixture tildeP = sum_a u_a N(mu_a, s_a^2 I) against P = N(m, v I): 1 + D0 =
 *    sum_ab u_a u_b prod_d sqrt(v / (s_a^2 s_b^2 q)) exp(beta_d^2 / (2q) - gamma_d / 2), with
 *    q = 1/s_a^2 + 1/s_b^2 - 1/v, beta_d = mu_ad/s_a^2 + mu_bd/s_b^2 - m_d/v and
 *    gamma_d = mu_ad^2/s_a^2 + mu_bd^2/s_b^2 - m_d^2/v (completing the square per axis; a = b gives the
 *    Gaussian form above).
 *  - A mixture P has no closed form: there D0 is checked against an exact identity (a component split
 *    into two identical halves) and against a plain midpoint rule on a large box written here.
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

test('isotropic-mixture start tildeP = 0.3 N(mu_1, 0.25 I) + 0.7 N(mu_2, 0.64 I) against N(m, 1.2 I): D0 within its stated error of the closed form', () => {
  const mus = [
    [-0.4, 0.3, 0],
    [0.5, -0.2, 0.3],
  ];
  const s2 = [0.25, 0.64];
  const u = [0.3, 0.7];
  const m = [0.1, 0, -0.2];
  const vv = 1.2;
  let chi = 0;
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b < 2; b++) {
      const q = 1 / s2[a] + 1 / s2[b] - 1 / vv;
      let t = u[a] * u[b];
      for (let d = 0; d < 3; d++) {
        const beta = mus[a][d] / s2[a] + mus[b][d] / s2[b] - m[d] / vv;
        const gamma = mus[a][d] ** 2 / s2[a] + mus[b][d] ** 2 / s2[b] - m[d] ** 2 / vv;
        t *= Math.sqrt(vv / (s2[a] * s2[b] * q)) * Math.exp(beta ** 2 / (2 * q) - gamma / 2);
      }
      chi += t;
    }
  }
  const r = run(startLaw(m, vv), { kind: 'gaussian-mixture', mixture: makeGaussianMixture(mus, s2.map(Math.sqrt), u) });
  checkAgainst(r, chi, 'mixture start');
  // sanity of the reference: one component reduces it to the Gaussian form
  const one = (s2[0] ** -1.5 * vv ** 3) / (2 * vv - s2[0]) ** 1.5;
  assert.ok(Math.abs(chiGauss([0, 0, 0], iso(s2[0]), [0, 0, 0], iso(vv)) / one - 1) <= 1e-14, 'mixture reference, one component');
});

test('mixture P_tMax: splitting a component into two identical halves leaves D0 unchanged; a two-component P against a midpoint rule on a large box', () => {
  const spec: PerturbationSpec = { kind: 'normal', mean: [0.2, 0, 0.1], std: 0.6 };
  const single = run(startLaw([0.3, -0.1, 0], 0.9), spec);
  const halves: GaussianMixtureLaw = { dim: 3, k: 2, means: Float64Array.of(0.3, -0.1, 0, 0.3, -0.1, 0), variances: Float64Array.of(0.9, 0.9), covariances: null, weights: Float64Array.of(0.5, 0.5) };
  const split = run(halves, spec);
  // an identity: the two runs integrate the same function (on different lattices), so they agree within the sum of their stated errors
  assert.ok(Math.abs(split.value - single.value) <= split.err + single.err, `split ${split.value} vs single ${single.value}`);
  assert.ok(split.relErr <= 1e-11, `split stated ${split.relErr}`);
  // P = 0.3 N((-1, 0.5, 0), 0.8 I) + 0.7 N((1, -0.2, 0.4), 1.1 I)
  const M = [
    [-1, 0.5, 0],
    [1, -0.2, 0.4],
  ];
  const W = [0.3, 0.7];
  const V = [0.8, 1.1];
  const two: GaussianMixtureLaw = { dim: 3, k: 2, means: Float64Array.from(M.flat()), variances: Float64Array.from(V), covariances: null, weights: Float64Array.from(W) };
  const r = run(two, spec);
  // midpoint rule on [-8, 8]^3 (the integrand is below 1e-17 of its peak there) at h = 0.25 and 0.2: smooth and negligible at
  // the box faces, so the rule converges spectrally (h = 0.32 was still 1.6e-11 off); their difference (measured 8.7e-14, the
  // rounding of uncompensated sums of 2.6e5 / 5.1e5 terms) is taken as the reference's error
  const midpoint = (n: number) => {
    const h = 16 / n;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < n; k++) {
          const x = [-8 + (i + 0.5) * h, -8 + (j + 0.5) * h, -8 + (k + 0.5) * h];
          let p = 0;
          for (let c = 0; c < 2; c++) p += (W[c] * Math.exp(-x.reduce((a, xd, d) => a + (xd - M[c][d]) ** 2, 0) / (2 * V[c]))) / (2 * Math.PI * V[c]) ** 1.5;
          const t = Math.exp(-x.reduce((a, xd, d) => a + (xd - [0.2, 0, 0.1][d]) ** 2, 0) / 0.72) / (2 * Math.PI * 0.36) ** 1.5;
          sum += (t * t) / p;
        }
      }
    }
    return sum * h ** 3 - 1;
  };
  const b1 = midpoint(64);
  const b2 = midpoint(80);
  const dev = Math.abs(r.value - b1);
  assert.ok(dev <= r.err + Math.abs(b1 - b2), `two-component P: ${r.value} vs midpoint ${b1} (${b2}), stated ${r.err}`);
  assert.ok(r.relErr <= 1e-11, `two-component P stated ${r.relErr}`);
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
