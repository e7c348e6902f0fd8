import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpeedAccuracyNdConfig, runSpeedAccuracyNd } from '../../src/config/speedAccuracyNdConfig.ts';
import type { SpeedAccuracyNdResult } from '../../src/thermo/speedAccuracyNd.ts';
import { FLAG_RELATIVE_ERROR } from '../../src/thermo/speedAccuracyNd.ts';
import { expectClose } from '../support/expectClose.ts';

/*
 * Closed forms of the n-D speed-accuracy numbers for Gaussian data N(0, C) with C diagonal, under a
 * linear process whose marginals stay N(0, diag(v_i(t))) and whose symmetric velocity part is
 * nu_i = (v_i' / (2 v_i)) x_i (plus, for Eq. 99 with g != 0, the rotation G_t J x):
 *  - the estimated reverse process starts at N(0, s^2 I) and follows the same linear ODE, so
 *    q_t = N(0, (s^2 / v_i(tMax)) v_i(t)) on each axis: a scaling of P_t by k = s / sqrt(v(tMax))
 *    (isotropic here; in the anisotropic case the two axis ratios differ by 3e-7 at tMax = 0.999);
 *  - W1(P_t, q_t) = |k - 1| E|X_t|, X_t ~ P_t: the scaling map costs that, and the 1-Lipschitz
 *    f(x) = |x| attains it in the dual. E|Z| = sqrt(pi/2) in 2-D, 2 sqrt(2/pi) in 3-D; for
 *    diag(a, b), E|X| = sqrt(pi/2) (1/2pi) int sqrt(a cos^2 + b sin^2) dtheta;
 *  - D0 = chi^2(N(0, s^2) || N(0, v)) per axis = (r (2 - r))^(-1/2) with r = s^2 / v, multiplied over axes, minus 1;
 *  - eta = (W1(tMin) - W1(tMax))^2 / (tau D0), c1 = int_{tMin}^{tMax} (dW1/dt)^2 dt / D0;
 *  - c2 = int sum_i v_i'^2 / (4 v_i) dt (E|nu_sym|^2), housekeeping = int 2 v G^2 dt (the rotation is
 *    divergence-free against an isotropic Gaussian and L2(P)-orthogonal to gradients), wD = c2 + housekeeping.
 * The variances come from an independent RK4 solve of v' = 2 H v + 2 T (Eq. 99) or from
 * v = c m^2 + sigma^2 (cosine), and the time integrals from composite Simpson on 20000 intervals
 * (relative error < 1e-9 for these smooth integrands), so the references do not use src/.
 * Goal of issue 11: c2, wD, housekeeping, D0 and both W1 within 1 %, eta and c1 within 2 %, with the
 * default settings. The same numbers were also checked with mpmath (docs/multid.md).
 */

function simpson(f: (t: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

interface Closed {
  d0: number;
  w1Start: number;
  w1End: number;
  eta: number;
  c1: number;
  c2: number;
  wD: number;
  housekeeping: number;
}

/** Closed forms for per-axis variances v(t) (array), derivatives dv(t), E|X_t| and its derivative. */
function closedForm(o: {
  dim: number;
  tau: number;
  tMin: number;
  tMax: number;
  s2: number;
  v: (t: number) => number[];
  dv: (t: number) => number[];
  eNorm: (t: number) => number;
  dENorm: (t: number) => number;
  G?: (t: number) => number;
}): Closed {
  const vM = o.v(o.tMax);
  let chi = 1;
  for (const vi of vM) {
    const r = o.s2 / vi;
    chi *= (r * (2 - r)) ** -0.5;
  }
  const d0 = chi - 1;
  const k = Math.sqrt(o.s2 / vM[0]);
  const w1 = (t: number) => Math.abs(k - 1) * o.eNorm(t);
  const w1Start = w1(o.tMax);
  const w1End = w1(o.tMin);
  const c1 = simpson((t) => (Math.abs(k - 1) * o.dENorm(t)) ** 2, o.tMin, o.tMax) / d0;
  const c2 = simpson(
    (t) => {
      const v = o.v(t);
      const dv = o.dv(t);
      return v.reduce((s, vi, i) => s + dv[i] ** 2 / (4 * vi), 0);
    },
    0,
    o.tau,
  );
  const G = o.G;
  const housekeeping = G ? simpson((t) => o.v(t).reduce((s, vi) => s + vi, 0) * G(t) ** 2, 0, o.tau) : 0;
  return { d0, w1Start, w1End, eta: (w1End - w1Start) ** 2 / (o.tau * d0), c1, c2, wD: c2 + housekeeping, housekeeping };
}

// ---- Eq. 99 (h = 1.1, Tfin = 0.5, tau = 10), data N(0, 0.5^2 I), perturbation N(0, 0.7^2 I)
const tau99 = 10;
const T99 = (t: number) => 0.5 * (t / tau99) ** 2;
const H99 = (t: number) => -1.1 * (1 - t / tau99) - T99(t);
/** v(t) on a fine RK4 table (independent of the Gauss-Legendre quadrature in src/). */
const v99Table = (() => {
  const n = 40000;
  const h = tau99 / n;
  const out = new Float64Array(n + 1);
  let v = 0.25;
  out[0] = v;
  const f = (t: number, y: number) => 2 * H99(t) * y + 2 * T99(t);
  for (let i = 0; i < n; i++) {
    const t = i * h;
    const k1 = f(t, v);
    const k2 = f(t + h / 2, v + (h / 2) * k1);
    const k3 = f(t + h / 2, v + (h / 2) * k2);
    const k4 = f(t + h, v + h * k3);
    v += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    out[i + 1] = v;
  }
  return { n, h, out };
})();
function v99(t: number): number {
  // cubic Lagrange interpolation on the RK4 table (step 2.5e-4: interpolation error ~1e-14)
  const { n, h, out } = v99Table;
  const i = Math.min(n - 3, Math.max(0, Math.floor(t / h) - 1));
  const x = t / h - i;
  const y = [out[i], out[i + 1], out[i + 2], out[i + 3]];
  return (
    (-y[0] * (x - 1) * (x - 2) * (x - 3)) / 6 + (y[1] * x * (x - 2) * (x - 3)) / 2 - (y[2] * x * (x - 1) * (x - 3)) / 2 + (y[3] * x * (x - 1) * (x - 2)) / 6
  );
}
const dv99 = (t: number) => 2 * H99(t) * v99(t) + 2 * T99(t);
const E2 = Math.sqrt(Math.PI / 2);
const E3 = 2 * Math.sqrt(2 / Math.PI);
const eq99 = (g: number) =>
  closedForm({
    dim: 2,
    tau: tau99,
    tMin: 0,
    tMax: tau99,
    s2: 0.49,
    v: (t) => [v99(t), v99(t)],
    dv: (t) => [dv99(t), dv99(t)],
    eNorm: (t) => E2 * Math.sqrt(v99(t)),
    dENorm: (t) => (E2 * dv99(t)) / (2 * Math.sqrt(v99(t))),
    G: g === 0 ? undefined : (t) => g * (1 - t / tau99),
  });

// ---- cosine schedule, tau = 1 (reverse start at 0.999 tau, as the engine runs schedules)
const w = Math.PI / 2;
const m = (t: number) => Math.sin(w * (1 - t));
const sg = (t: number) => Math.sin(w * t);
const dvCos = (c: number, t: number) => -2 * c * m(t) * w * Math.cos(w * (1 - t)) + 2 * sg(t) * w * Math.cos(w * t);
const vCos = (c: number, t: number) => c * m(t) ** 2 + sg(t) ** 2;
function eNormDiag(a: number, b: number, da = 0, db = 0): [number, number] {
  // periodic trapezoid in theta (spectrally accurate): E|X| and its derivative along (da, db)
  const n = 256;
  let e = 0;
  let de = 0;
  for (let i = 0; i < n; i++) {
    const th = (2 * Math.PI * i) / n;
    const c2 = Math.cos(th) ** 2;
    const q = Math.sqrt(a * c2 + b * (1 - c2));
    e += q;
    de += (da * c2 + db * (1 - c2)) / (2 * q);
  }
  return [(E2 * e) / n, (E2 * de) / n];
}

function run(config: unknown): SpeedAccuracyNdResult {
  return runSpeedAccuracyNd(parseSpeedAccuracyNdConfig(config));
}

/**
 * Tolerances of the W1-based numbers tighter than the issue-11 goal. The staggered-lattice W1
 * (src/thermo/latticeW1.ts), extrapolated from the default fine/coarse lattices, was measured (2026-12-06,
 * exact OT on the lattices of two isotropic Gaussians, centred and off-centre, every fine/coarse pair
 * 16/12 ... 24/18 in 3-D and 32/24 ... 64/48 in 2-D) within 0.37 % of W1 in 3-D (0.16 % at the default
 * 20/14) and 0.07 % in 2-D (0.05 % at 48/36). eta carries twice the relative W1 error (it is
 * (Delta W1)^2 and the flow is a scaling, so every W1 has the same relative error), c1 the same plus
 * its time-discretisation part (0.06 % with 24 W1 times in 3-D). Hence 3-D: W1 0.5 %, eta and c1 1 %;
 * 2-D: W1 0.25 %, eta and c1 0.5 % (3-5x the measured errors).
 */
const TIGHT_3D = { w1Start: 0.005, w1End: 0.005, eta: 0.01, c1: 0.01 };
const TIGHT_2D = { w1Start: 0.0025, w1End: 0.0025, eta: 0.005, c1: 0.005 };

/** Issue-11 goal tolerances (or tighter ones in `tight`), and the stated error estimates checked against the true errors. */
function check(r: SpeedAccuracyNdResult, ref: Closed, label: string, tight: Partial<Record<keyof Closed, number>> = {}) {
  // 1 % for D0, W1, c2, wD, housekeeping and 2 % for eta, c1: the goal of issue 11
  const tol: Record<keyof Closed, number> = { d0: 0.01, w1Start: 0.01, w1End: 0.01, c2: 0.01, wD: 0.01, housekeeping: 0.01, eta: 0.02, c1: 0.02, ...tight };
  for (const k of Object.keys(tol) as (keyof Closed)[]) {
    if (ref[k] === 0) {
      assert.equal(r[k], 0, `${label} ${k}`);
      continue;
    }
    expectClose(r[k], ref[k], { rtol: tol[k] }, `${label} ${k}`);
    // the stated error is an estimate from two resolutions, not a bound: it must not understate the
    // true error by more than a factor 3 (plus 5e-4 absolute for numbers converged to the
    // time-discretisation level, where the estimate is itself ~1e-4)
    const trueRel = Math.abs(r[k] / ref[k] - 1);
    assert.ok(trueRel <= 3 * r.errors[k] + 5e-4, `${label} ${k}: true error ${trueRel} vs stated ${r.errors[k]}`);
  }
  // flagged lists exactly the numbers whose stated error exceeds 1 %
  assert.deepEqual(
    [...r.flagged].sort(),
    Object.keys(r.errors)
      .filter((k) => !(r.errors[k] <= FLAG_RELATIVE_ERROR))
      .sort(),
  );
  assert.equal(r.estimator, 'quadrature');
  assert.ok(r.chainHolds, `${label} chain`);
}

const gauss2 = { kind: 'gaussian-mixture', means: [[0, 0]], stds: [0.5], weights: [1] };
const pert2 = { kind: 'normal', mean: [0, 0], std: 0.7 };

test('2-D Eq. 99 force, g = 0: every number within the issue-11 tolerances of its closed form', () => {
  const r = run({ data: gauss2, process: { kind: 'swiss-roll-force', h: 1.1, g: 0, Tfin: 0.5 }, tau: tau99, perturbation: pert2 });
  check(r, eq99(0), 'Eq. 99 g=0', TIGHT_2D);
  assert.deepEqual(r.flagged, []);
});

test('2-D Eq. 99 force, g = 3: housekeeping and c2 (the small excess under a large rotation) within 1 %', () => {
  const r = run({ data: gauss2, process: { kind: 'swiss-roll-force', h: 1.1, g: 3, Tfin: 0.5 }, tau: tau99, perturbation: pert2 });
  const ref = eq99(3);
  check(r, ref, 'Eq. 99 g=3', TIGHT_2D);
  // sanity of the reference itself: the rotation does not change the marginals, so D0, W1, eta and
  // c1 equal the g = 0 values (an identity, exact up to rounding)
  expectClose(ref.eta, eq99(0).eta, { rtol: 1e-12 }, 'rotation-invariant reference eta');
  assert.deepEqual(r.flagged, []);
});

test('3-D cosine, N(0, 0.25 I) -> reverse start N(0, 0.49 I): within the issue-11 tolerances; W1-based numbers flagged when their estimate exceeds 1 %', () => {
  const r = run({
    data: { kind: 'gaussian-mixture', means: [[0, 0, 0]], stds: [0.5], weights: [1] },
    schedule: 'cosine',
    tau: 1,
    perturbation: { kind: 'normal', mean: [0, 0, 0], std: 0.7 },
  });
  const ref = closedForm({
    dim: 3,
    tau: 1,
    tMin: 0,
    tMax: 0.999,
    s2: 0.49,
    v: (t) => [vCos(0.25, t), vCos(0.25, t), vCos(0.25, t)],
    dv: (t) => [dvCos(0.25, t), dvCos(0.25, t), dvCos(0.25, t)],
    eNorm: (t) => E3 * Math.sqrt(vCos(0.25, t)),
    dENorm: (t) => (E3 * dvCos(0.25, t)) / (2 * Math.sqrt(vCos(0.25, t))),
  });
  check(r, ref, 'cosine 3-D', TIGHT_3D);
});

test('anisotropic N(0, diag(0.25, 0.04)) under cosine (full-covariance data): c2, D0, W1, eta, c1 against the closed forms', () => {
  const r = run({
    data: { kind: 'gaussian-mixture', means: [[0, 0]], covariances: [[[0.25, 0], [0, 0.04]]], weights: [1] },
    schedule: 'cosine',
    tau: 1,
    perturbation: pert2,
  });
  const ref = closedForm({
    dim: 2,
    tau: 1,
    tMin: 0,
    tMax: 0.999,
    s2: 0.49,
    v: (t) => [vCos(0.25, t), vCos(0.04, t)],
    dv: (t) => [dvCos(0.25, t), dvCos(0.04, t)],
    eNorm: (t) => eNormDiag(vCos(0.25, t), vCos(0.04, t))[0],
    dENorm: (t) => eNormDiag(vCos(0.25, t), vCos(0.04, t), dvCos(0.25, t), dvCos(0.04, t))[1],
  });
  check(r, ref, 'anisotropic cosine', TIGHT_2D);
  assert.deepEqual(r.flagged, []);
});
