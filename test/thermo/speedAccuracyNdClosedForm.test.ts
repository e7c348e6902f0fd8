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
  /** A pure translation instead of a scaling: W1(t) = |mu| sqrt(v(t) / v(tMax)) (isotropic v), D0 = e^{|mu|^2 / v(tMax)} - 1. */
  shift?: number;
}): Closed {
  const vM = o.v(o.tMax);
  let chi = 1;
  for (const vi of vM) {
    const r = o.s2 / vi;
    chi *= (r * (2 - r)) ** -0.5;
  }
  const shift = o.shift;
  const d0 = shift === undefined ? chi - 1 : Math.exp((shift * shift) / vM[0]) - 1;
  const k = Math.sqrt(o.s2 / vM[0]);
  const w1 = (t: number) => (shift === undefined ? Math.abs(k - 1) * o.eNorm(t) : shift * Math.sqrt(o.v(t)[0] / vM[0]));
  const dw1 = (t: number) => (shift === undefined ? Math.abs(k - 1) * o.dENorm(t) : (shift * o.dv(t)[0]) / (2 * Math.sqrt(o.v(t)[0] * vM[0])));
  const w1Start = w1(o.tMax);
  const w1End = w1(o.tMin);
  const c1 = simpson((t) => dw1(t) ** 2, o.tMin, o.tMax) / d0;
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

/**
 * The stated error must bound the true one: |value / closed form - 1| <= stated relative error, for the
 * W1-based numbers (W1 at both ends, eta, c1) and D0 (3-D only: from its own lattice, stated ~1e-13
 * against closed forms exact to ~1e-15 relative, see test/thermo/d0LatticeNd.test.ts; the 2-D D0 of the
 * W1 lattice is left to `check`), and (`below1`) their stated errors must be at most 1 % (nothing
 * flagged among them). No factor: the 3-D W1 error is the half-width of a band that holds the
 * measured lattice excess of every case tried (src/thermo/latticeW1.ts).
 */
function checkBound(r: SpeedAccuracyNdResult, ref: Closed, label: string, below1: boolean) {
  for (const k of ['w1Start', 'w1End', 'eta', 'c1', 'd0'] as const) {
    const trueRel = Math.abs(r[k] / ref[k] - 1);
    assert.ok(trueRel <= r.errors[k], `${label} ${k}: true error ${trueRel} above stated ${r.errors[k]}`);
    if (below1) assert.ok(r.errors[k] <= FLAG_RELATIVE_ERROR, `${label} ${k}: stated ${r.errors[k]} above 1 %`);
  }
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

const gauss3 = { kind: 'gaussian-mixture', means: [[0, 0, 0]], stds: [0.5], weights: [1] };
/** Closed forms of the 3-D cosine case with data N(0, 0.25 I) and reverse start N(0, s2 I) (or, with `shift`, N(mu, v(tMax) I), |mu| = shift). */
const cosine3 = (s2: number, shift?: number) =>
  closedForm({
    dim: 3,
    tau: 1,
    tMin: 0,
    tMax: 0.999,
    s2,
    v: (t) => [vCos(0.25, t), vCos(0.25, t), vCos(0.25, t)],
    dv: (t) => [dvCos(0.25, t), dvCos(0.25, t), dvCos(0.25, t)],
    eNorm: (t) => E3 * Math.sqrt(vCos(0.25, t)),
    dENorm: (t) => (E3 * dvCos(0.25, t)) / (2 * Math.sqrt(vCos(0.25, t))),
    ...(shift === undefined ? {} : { shift }),
  });

test('3-D cosine, N(0, 0.25 I) -> reverse start N(0, 0.49 I): within the issue-11 tolerances; stated errors bound the true ones and are below 1 % (nothing flagged)', () => {
  const r = run({ data: gauss3, schedule: 'cosine', tau: 1, perturbation: { kind: 'normal', mean: [0, 0, 0], std: 0.7 } });
  const ref = cosine3(0.49);
  check(r, ref, 'cosine 3-D', TIGHT_3D);
  checkBound(r, ref, 'cosine 3-D', true);
  // measured 2026-12-06 at the default 24/18 nodes per axis: W1 / eta / c1 true +0.17 / +0.35 / +0.28 %, stated 0.36 / 0.72 / 0.91 %
  assert.deepEqual(r.flagged, []);
});

test('3-D pure translation at 20/14 nodes per axis: reverse start N(mu, v(tMax) I), |mu| = 0.37 in a generic direction; the stated W1 error covers the slowly converging translation excess', () => {
  // q_t = N(mu sqrt(v(t)/v(tMax)), v(t) I) against P_t = N(0, v(t) I): W1 = |mu| sqrt(v(t)/v(tMax))
  // (dual f = e.x attains it), D0 = chi^2 of two equal-covariance Gaussians = e^{|mu|^2/v} - 1.
  // Before the smooth-potential allowance (20/14, order band 2.25-3): W1 true +0.156 %, stated 0.051 %.
  // 20/14 rather than the default 24/18: the band must hold for any fine/coarse pair, not only the default
  // (the exact OT of a translation's dipole lattices is ~4x slower than a scaling's; since the plan reuse
  // of 2026-12-06 it runs once per lattice, 4.2 s CPU at 20/14, 9 s at 24/18).
  const mu = [0.2, 0.25, 0.18];
  const std = Math.sqrt(vCos(0.25, 0.999));
  const r = run({ data: gauss3, schedule: 'cosine', tau: 1, perturbation: { kind: 'normal', mean: mu, std }, cells: 20, coarseCells: 14 });
  const ref = cosine3(std * std, Math.hypot(...mu));
  check(r, ref, 'translation 3-D', TIGHT_3D);
  checkBound(r, ref, 'translation 3-D', false);
});

test('3-D cosine with other widths of the reverse start (std 0.5 and 1.15) at 20/14 nodes per axis: stated errors bound the true ones', () => {
  // std 0.5: a stronger scaling (width ratio 0.5, the slowest-converging kink excess measured); 1.15: wider than
  // P_tMax (std 1.3 is not used: there the W1 lattice's box truncated D0's slowly decaying integrand tildeP^2/P,
  // D0 -0.39 % against a stated 0.015 %; 3-D D0 now comes from its own lattice, test/thermo/d0LatticeNd.test.ts).
  // 20/14 (not the default 24/18): a coarser pair, where the band is tested hardest, at less CPU
  for (const std of [0.5, 1.15]) {
    const r = run({ data: gauss3, schedule: 'cosine', tau: 1, perturbation: { kind: 'normal', mean: [0, 0, 0], std }, cells: 20, coarseCells: 14 });
    const ref = cosine3(std * std);
    // issue-11 goal tolerances (TIGHT_3D is argued for the default 24/18; at 20/14 the std 0.5 W1 is +0.58 % off, stated 0.87 %)
    check(r, ref, `cosine 3-D std ${std}`);
    checkBound(r, ref, `cosine 3-D std ${std}`, false);
  }
});

/** Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre recurrence). */
function gaussLegendre(n: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 1; i <= n; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 1;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p0 = 0;
      for (let j = 1; j <= n; j++) [p0, p1] = [p1, ((2 * j - 1) * z * p1 - (j - 1) * p0) / j];
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    x.push(z);
    w.push(2 / ((1 - z * z) * dp * dp));
  }
  return { x, w };
}
const GL32 = gaussLegendre(32);
/**
 * E|X| for X ~ N(0, diag(l)) in 3-D and its derivative along dl: |X| = chi_3 radius x |sqrt(l) . omega| with
 * omega uniform on the sphere, so E|X| = E chi_3 x (sphere mean of sqrt(sum l_i omega_i^2)); the sphere mean by
 * 32-point Gauss-Legendre in cos(theta) x 64-point trapezoid in phi (smooth periodic integrand: spectral).
 */
function eNorm3(l: number[], dl: number[]): [number, number] {
  let e = 0;
  let de = 0;
  for (let i = 0; i < GL32.x.length; i++) {
    const ct = GL32.x[i];
    const st2 = 1 - ct * ct;
    for (let k = 0; k < 64; k++) {
      const c2 = Math.cos((2 * Math.PI * k) / 64) ** 2;
      const q = l[0] * st2 * c2 + l[1] * st2 * (1 - c2) + l[2] * ct * ct;
      const dq = dl[0] * st2 * c2 + dl[1] * st2 * (1 - c2) + dl[2] * ct * ct;
      e += GL32.w[i] * Math.sqrt(q);
      de += (GL32.w[i] * dq) / (2 * Math.sqrt(q));
    }
  }
  // sphere mean = sum / (2 x 64) (the weights sum to 2)
  return [(E3 * e) / 128, (E3 * de) / 128];
}

test('3-D full-covariance data N(0, C), C = R diag(0.36, 0.09, 0.01) R^T, under cosine: W1 at the anisotropic end within its stated error', () => {
  // Sigma_t = m^2 C + sigma^2 I commutes with C, the flow map is Sigma_t^{1/2} Sigma_tMax^{-1/2}, so
  // q_t = N(0, 0.49 Sigma_t Sigma_tMax^{-1}) = N(0, 0.49 Sigma_t) up to 2.5e-6 (Sigma_tMax = I - 2.5e-6 (I - C)):
  // W1 = 0.3 E|X_t| with X_t ~ N(0, Sigma_t), a function of the eigenvalues only. With a band narrowed
  // to [2.4, 2.85] the t = 0 value (6:1 anisotropy) was -0.23 % off against a stated 0.21 % (22/16).
  const lam = [0.36, 0.09, 0.01];
  const [a, b] = [0.5, 0.8];
  const R = [
    [Math.cos(a), -Math.sin(a) * Math.cos(b), Math.sin(a) * Math.sin(b)],
    [Math.sin(a), Math.cos(a) * Math.cos(b), -Math.cos(a) * Math.sin(b)],
    [0, Math.sin(b), Math.cos(b)],
  ];
  const C = R.map((ri) => R.map((rj) => ri.reduce((s, v, k) => s + v * lam[k] * rj[k], 0)));
  const r = run({ data: { kind: 'gaussian-mixture', means: [[0, 0, 0]], covariances: [C], weights: [1] }, schedule: 'cosine', tau: 1, perturbation: { kind: 'normal', mean: [0, 0, 0], std: 0.7 } });
  const vs = (t: number) => lam.map((l) => vCos(l, t));
  const dvs = (t: number) => lam.map((l) => dvCos(l, t));
  const ref = closedForm({ dim: 3, tau: 1, tMin: 0, tMax: 0.999, s2: 0.49, v: vs, dv: dvs, eNorm: (t) => eNorm3(vs(t), dvs(t))[0], dENorm: (t) => eNorm3(vs(t), dvs(t))[1] });
  // sanity of the sphere quadrature: E|Z| = E chi_3 for l = (1, 1, 1)
  expectClose(eNorm3([1, 1, 1], [0, 0, 0])[0], E3, { rtol: 1e-13 }, 'E|Z| by the sphere quadrature');
  check(r, ref, 'full covariance 3-D', TIGHT_3D);
  // measured 2026-12-06 (24/18): W1Start / W1End / eta / c1 true +0.17 / -0.01 / +0.57 / +0.49 %, stated 0.36 / 0.24 / 0.87 / 1.0 %
  checkBound(r, ref, 'full covariance 3-D', false);
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
