/**
 * Issue 11, the anisotropic check: data N(0, diag(0.25, 0.04)) under the cosine schedule
 * m = cos(pi t / 2 tau), sigma = sin(pi t / 2 tau). Every marginal is P_t = N(0, V_t) with
 * V_t = diag(v_1, v_2), v_i = c_i m^2 + sigma^2, and the exact velocity is the linear gradient field
 * nu = (1/2) V' V^{-1} x, so
 *   c2 = int_0^tau E|nu|^2 dt = sum_i int (d sqrt(v_i)/dt)^2 dt = pi^2/(8 tau) sum_i (1 - sqrt(c_i))^2
 * (substituting u = sin^2 theta: int_0^{pi/2} (1-c)^2 u (1-u) / (c + (1-c) u) dtheta = (pi/4)(1 - sqrt c)^2),
 * and for the reverse start N(0, a I), D0 = chi^2(N(0, a I) || P_t) = prod_i v_i / sqrt(a (2 v_i - a)) - 1.
 * Both closed forms were checked against 30-digit mpmath quadrature outside the repository
 * (c2 = 1.0979934896211911 at tau = 1; D0 = 0.35153399107987566 at t = tau, a = 0.49).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussLegendre } from '../../src/core/quadrature.ts';
import { makeGaussianMixtureWithCovariances } from '../../src/data/gaussianMixture.ts';
import { linearForceMixtureField } from '../../src/fields/linearForceMixtureField.ts';
import { scheduleProcess } from '../../src/processes/scheduleProcess.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { expectClose } from '../support/expectClose.ts';

const c = [0.25, 0.04];
const data = makeGaussianMixtureWithCovariances([[0, 0]], [[[c[0], 0], [0, c[1]]]], [1]);

export function anisotropicCosineC2(tau: number): number {
  return ((Math.PI * Math.PI) / (8 * tau)) * c.reduce((s, ci) => s + (1 - Math.sqrt(ci)) ** 2, 0);
}

export function gaussianChiSquare(a: number, v: readonly number[]): number {
  return v.reduce((p, vi) => p * (vi / Math.sqrt(a * (2 * vi - a))), 1) - 1;
}

test('anisotropic cosine: int E|nu|^2 dt of the exact field equals the closed-form c2 (and nu is a gradient: wD = c2)', () => {
  for (const tau of [1, 2]) {
    const f = linearForceMixtureField(scheduleProcess(namedSchedule('cosine', tau), 2), data);
    const { nodes, weights } = gaussLegendre(40);
    let c2 = 0;
    for (let q = 0; q < nodes.length; q++) {
      const t = 0.5 * tau * (nodes[q] + 1);
      const V = f.components(t).covariances!;
      assert.equal(V[1], 0);
      // 2-point Gauss-Hermite per axis (x = +-sqrt(v_i), weights 1/4) is exact for the quadratic |nu|^2
      const x = new Float64Array(8);
      let p = 0;
      for (const s0 of [-1, 1]) for (const s1 of [-1, 1]) {
        x[p++] = s0 * Math.sqrt(V[0]);
        x[p++] = s1 * Math.sqrt(V[3]);
      }
      const v = f.velocity(t, x, 4);
      let e2 = 0;
      for (let i = 0; i < 8; i++) e2 += 0.25 * v[i] * v[i];
      c2 += 0.5 * tau * weights[q] * e2;
      // a gradient field with diagonal Jacobian: nu_y does not change with x, nu_x not with y (points
      // are (-,-), (-,+), (+,-), (+,+)); round-off only
      expectClose(v[1], v[5], { atol: 1e-14 }, 'nu_y does not depend on x');
      expectClose(v[0], v[2], { atol: 1e-14 }, 'nu_x does not depend on y');
    }
    // the integrand sum_i v_i'^2 / (4 v_i) is analytic on [0, tau] (v_i >= 0.04): 40-point Gauss-Legendre
    // is exact to round-off (measured 1e-15 relative)
    expectClose(c2, anisotropicCosineC2(tau), { rtol: 1e-12 }, `c2 at tau=${tau}`);
  }
  expectClose(anisotropicCosineC2(1), 1.0979934896211911, { rtol: 1e-15 }, 'mpmath value of the closed form');
});

test('anisotropic cosine: D0 by grid quadrature of the exact P_t equals the closed-form chi-square of two Gaussians', () => {
  const tau = 1;
  const a = 0.49; // reverse start N(0, 0.7^2 I), as in the isotropic cases
  const f = linearForceMixtureField(scheduleProcess(namedSchedule('cosine', tau), 2), data);
  for (const t of [tau, 0.999 * tau, 0.8 * tau]) {
    const V = f.components(t).covariances!;
    const want = gaussianChiSquare(a, [V[0], V[3]]);
    // midpoint rule on [-L, L]^2, L = 8.5 x 0.7: exponentially accurate for these Gaussian integrands
    // (the truncated tail of tildeP^2/P is < 1e-14)
    const cells = 160;
    const L = 8.5 * 0.7;
    const h = (2 * L) / cells;
    const x = new Float64Array(2 * cells * cells);
    for (let j = 0; j < cells; j++) {
      for (let i = 0; i < cells; i++) {
        x[2 * (j * cells + i)] = -L + (i + 0.5) * h;
        x[2 * (j * cells + i) + 1] = -L + (j + 0.5) * h;
      }
    }
    const lp = f.logDensity(t, x, cells * cells);
    let s = 0;
    for (let q = 0; q < cells * cells; q++) {
      const r2 = x[2 * q] ** 2 + x[2 * q + 1] ** 2;
      const lt = -r2 / (2 * a) - Math.log(2 * Math.PI * a);
      s += Math.exp(2 * lt - lp[q]);
    }
    expectClose(s * h * h - 1, want, { rtol: 1e-10 }, `D0 at t=${t}`);
  }
  expectClose(gaussianChiSquare(a, [1, 1]), 0.35153399107987565, { rtol: 1e-14 }, 'mpmath value at t = tau');
});
