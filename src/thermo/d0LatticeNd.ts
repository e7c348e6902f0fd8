import { cholesky, inverseFromCholesky, logDetFromCholesky } from '../core/cholesky.ts';
import { assertInteger } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';
import { gaussLegendre } from '../core/quadrature.ts';
import { normalSf } from '../core/special.ts';
import type { PerturbationNd } from './perturbationNd.ts';

/**
 * A Gaussian mixture law sum_j w_j N(m_j, V_j) in d dimensions (the fields of `MarginalComponents`
 * that it needs, so the components of a flow's P_tMax can be passed as they are).
 */
export interface GaussianMixtureLaw {
  readonly dim: number;
  readonly k: number;
  /** Component means, k x dim (row-major). */
  readonly means: Float64Array;
  /** Isotropic components: V_j = variances[j] I (used when `covariances` is null). */
  readonly variances: Float64Array;
  /** Full covariances V_j, k x dim x dim (row-major), or null when every V_j is isotropic. */
  readonly covariances: Float64Array | null;
  /** Component weights, >= 0, summing to 1. */
  readonly weights: Float64Array;
}

/** Options of {@link d0LatticeNd}. */
export interface D0LatticeOptions {
  /**
   * ln P_tMax at n points (x: n x dim); the default evaluates the mixture itself. The engine passes the
   * flow's own evaluation (the law its W1 lattice uses).
   */
  startLogDensity?: (x: Float64Array, n: number) => Float64Array;
  /** Gaussian starts: the box is widened until the tail bound is at most this (absolute, on 1 + D0 >= 1). @default 1e-15 (the true error is mostly this truncation: a translated start at 1e-13 was 4.9e-14 off, at 1e-15 1.8e-15, for 24 instead of 23 nodes per axis) */
  tailTarget?: number;
  /** Largest number of nodes per axis (lattice) or of Gauss-Legendre panels x order (uniform box). @default 96 */
  maxCells?: number;
}

/** Result of {@link d0LatticeNd}. */
export interface D0Lattice {
  /** D0 = chi^2(tilde P || P_tMax) = int tildeP^2 / P_tMax - 1 (Eq. 78). */
  value: number;
  /** Stated absolute error of `value`: `spread` + `tail` + `rounding`. */
  err: number;
  /** err / value. */
  relErr: number;
  /** `gaussian-lattice` (normal or mixture start) or `uniform-box`. */
  method: 'gaussian-lattice' | 'uniform-box';
  /** The two estimates of D0: primary and half-cell-shifted lattice, or Gauss-Legendre orders 10 and 16 per panel. */
  levels: [number, number];
  /** |levels[0] - levels[1]| / 2 (lattice) or |levels[0] - levels[1]| (uniform box). */
  spread: number;
  /** Bound of int tildeP^2 / P_tMax outside the box (0 for a uniform box). */
  tail: number;
  /** Bound of the floating-point error of the sums. */
  rounding: number;
  /** Integration box [lo, hi] per axis. */
  box: { lo: number[]; hi: number[] };
  /** Nodes per axis of each lattice (lattice), or panels x 16 (uniform box). */
  cells: number[];
}

/** Spacing of the lattice in envelope standard deviations (trapezoid aliasing of a Gaussian ~ 2 exp(-2 pi^2 / 0.7^2) = 6e-18). */
const H_OVER_STD = 0.7;
/**
 * The same with a mixture on either side, where tildeP^2 / P is not Gaussian and the lattice converges
 * more slowly (P = 0.3 N + 0.7 N, one normal tildeP: the shifted-lattice spread was 8e-11 at 0.7, 1.3e-15 at 0.5).
 */
const H_MIXED_OVER_STD = 0.5;
/** Gauss-Legendre orders per panel of the uniform-box branch. */
const GL_ORDERS = [10, 16] as const;

/** Lower-triangular factor, log det and inverse of each start component's covariance. */
function startFactors(start: GaussianMixtureLaw) {
  const { dim, k } = start;
  const out: { l: Float64Array; logDet: number; inv: Float64Array; minVar: number }[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(dim * dim);
    if (start.covariances) v.set(start.covariances.subarray(j * dim * dim, (j + 1) * dim * dim));
    else for (let d = 0; d < dim; d++) v[d * dim + d] = start.variances[j];
    const l = cholesky(v, dim);
    if (!l) throw new InputError(`start component ${j} has a covariance that is not positive definite`, `start.covariances[${j}]`);
    const inv = inverseFromCholesky(l, dim);
    // smallest eigenvalue >= 1 / (largest row sum of |V^{-1}|) (Gershgorin on the inverse)
    let maxRow = 0;
    for (let a = 0; a < dim; a++) {
      let s = 0;
      for (let b = 0; b < dim; b++) s += Math.abs(inv[a * dim + b]);
      maxRow = Math.max(maxRow, s);
    }
    out.push({ l, logDet: logDetFromCholesky(l, dim), inv, minVar: 1 / maxRow });
  }
  return out;
}

/** ln sum_j w_j N(x_i; m_j, V_j) at n points. */
function mixtureLogDensity(start: GaussianMixtureLaw, factors: ReturnType<typeof startFactors>, x: Float64Array, n: number): Float64Array {
  const { dim, k, means, weights } = start;
  const out = new Float64Array(n);
  const terms = new Float64Array(k);
  const z = new Float64Array(dim);
  const c0 = -0.5 * dim * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let j = 0; j < k; j++) {
      const { l, logDet } = factors[j];
      // z = L^{-1} (x - m_j) by forward substitution
      let q = 0;
      for (let a = 0; a < dim; a++) {
        let s = x[i * dim + a] - means[j * dim + a];
        for (let b = 0; b < a; b++) s -= l[a * dim + b] * z[b];
        z[a] = s / l[a * dim + a];
        q += z[a] * z[a];
      }
      terms[j] = weights[j] > 0 ? Math.log(weights[j]) + c0 - 0.5 * logDet - 0.5 * q : -Infinity;
      if (terms[j] > mx) mx = terms[j];
    }
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(terms[j] - mx);
    out[i] = mx + Math.log(s);
  }
  return out;
}

/** Neumaier-compensated running sum. */
class Sum {
  s = 0;
  c = 0;
  add(v: number) {
    const t = this.s + v;
    this.c += Math.abs(this.s) >= Math.abs(v) ? this.s - t + v : v - t + this.s;
    this.s = t;
  }
  get value() {
    return this.s + this.c;
  }
}

/** Perturbation components (u_a, mu_a, s_a^2) of a normal or isotropic-mixture start. */
function perturbationComponents(perturbation: PerturbationNd): { u: number; mu: number[]; s2: number }[] {
  const { spec, dim } = perturbation;
  if (spec.kind === 'normal') return [{ u: 1, mu: spec.mean.slice(), s2: spec.std * spec.std }];
  if (spec.kind === 'gaussian-mixture') {
    const m = spec.mixture;
    if (m.covariances) throw new InputError('perturbed starts with full covariances are not supported', 'perturbation.covariances');
    const out: { u: number; mu: number[]; s2: number }[] = [];
    for (let a = 0; a < m.k; a++) if (m.weights[a] > 0) out.push({ u: m.weights[a], mu: Array.from(m.means.subarray(a * dim, (a + 1) * dim)), s2: m.stds[a] ** 2 });
    return out;
  }
  throw new InputError(`expected a normal or mixture perturbation, got ${spec.kind}`, 'perturbation.kind');
}

/**
 * The Gaussian envelope of one perturbation component a: tildeP^2 / P_tMax <= sum_a u_a N_a^2 / P
 * (Cauchy-Schwarz, sum u_a = 1) and P >= w_j N_j for every j, so
 *   u_a N_a^2 / P <= (u_a / w_j) N(x; mu_a, A)^2 / N(x; m_j, V) = (u_a / w_j) I_aj N(x; c, Q^{-1}),
 * with A = s_a^2 I, Q = 2 A^{-1} - V^{-1} (must be positive definite), b = 2 A^{-1} mu_a - V^{-1} m_j,
 * c = Q^{-1} b and
 *   I_aj = int N_a^2 / N_j = |A|^{-1} |V|^{1/2} |Q|^{-1/2} exp(b.Q^{-1} b / 2 - mu_a.A^{-1} mu_a + m_j.V^{-1} m_j / 2)
 * (for one Gaussian against one Gaussian this is 1 + D0 exactly). The component j with the smallest
 * bound (u_a / w_j) I_aj is kept. Returns ln of that bound, the centre c and the per-axis standard
 * deviations sqrt((Q^{-1})_dd), or null when no j has a positive definite Q.
 */
function envelope(start: GaussianMixtureLaw, factors: ReturnType<typeof startFactors>, comp: { u: number; mu: number[]; s2: number }) {
  const { dim, k, means, weights } = start;
  let best: { logBound: number; c: number[]; sd: number[] } | null = null;
  for (let j = 0; j < k; j++) {
    if (!(weights[j] > 0)) continue;
    const { inv, logDet } = factors[j];
    const q = new Float64Array(dim * dim);
    for (let a = 0; a < dim * dim; a++) q[a] = -inv[a];
    for (let d = 0; d < dim; d++) q[d * dim + d] += 2 / comp.s2;
    const lq = cholesky(q, dim);
    if (!lq) continue;
    const qInv = inverseFromCholesky(lq, dim);
    const m = means.subarray(j * dim, (j + 1) * dim);
    const b = new Array<number>(dim);
    let mVm = 0;
    let muAmu = 0;
    for (let d = 0; d < dim; d++) {
      let vm = 0;
      for (let e = 0; e < dim; e++) vm += inv[d * dim + e] * m[e];
      b[d] = (2 * comp.mu[d]) / comp.s2 - vm;
      mVm += m[d] * vm;
      muAmu += (comp.mu[d] * comp.mu[d]) / comp.s2;
    }
    const c = new Array<number>(dim).fill(0);
    let bQb = 0;
    for (let d = 0; d < dim; d++) {
      for (let e = 0; e < dim; e++) c[d] += qInv[d * dim + e] * b[e];
      bQb += b[d] * c[d];
    }
    const logI = -dim * Math.log(comp.s2) + 0.5 * logDet - 0.5 * logDetFromCholesky(lq, dim) + 0.5 * bQb - muAmu + 0.5 * mVm;
    const logBound = Math.log(comp.u) - Math.log(weights[j]) + logI;
    if (!best || logBound < best.logBound) best = { logBound, c, sd: c.map((_, d) => Math.sqrt(qInv[d * dim + d])) };
  }
  return best;
}

/**
 * D0 = chi^2(tildeP || P_tMax) = int tildeP(x)^2 / P_tMax(x) dx - 1 (paper Eq. 78) for a Gaussian
 * mixture P_tMax = sum_j w_j N(m_j, V_j) (full or isotropic covariances) on its own grid, sized for the
 * integrand tildeP^2 / P_tMax (not for the W1 lattice of {@link quadratureLevel}). Used by the 3-D
 * quadrature engine; any dimension 1-3 works.
 *
 * Normal or isotropic-mixture tildeP (`gaussian-lattice`): each perturbation component a has the
 * Gaussian envelope (u_a / w_j) I_aj N(c_a, Q_a^{-1}) of its share of the integrand (see `envelope`:
 * Q = 2 / s_a^2 I - V_j^{-1}, for a single Gaussian P this IS the integrand). The box is c_a +- kappa
 * sd_a (union over a), kappa raised in steps of 1/4 from 6 until the tail bound
 *   tail = sum_a (u_a / w_j) I_aj sum_d [Phi_c((hi_d - c_ad) / sd_ad) + Phi_c((c_ad - lo_d) / sd_ad)]
 * is at most `tailTarget`; the spacing per axis is 0.7 x the smallest envelope sd on that axis, where
 * the trapezoid rule's aliasing error on a Gaussian is ~2 exp(-2 pi^2 / 0.7^2) ~ 6e-18 (with a mixture
 * on either side, whose integrand is not Gaussian: 0.5 x, and at most 0.7 x the smallest component sd). Two lattices, the primary (nodes at cell centres) and the one
 * shifted by half a cell on every axis, give I_1, I_2; the leading aliasing terms (one axis) have
 * opposite signs on the two, so the value is (I_1 + I_2) / 2 - 1 and |I_1 - I_2| / 2 is a
 * conservative estimate of its error.
 *
 * Uniform tildeP on the box B (`uniform-box`): 1 + D0 = |B|^{-2} int_B 1 / P_tMax, integrated over B
 * exactly (no tail) by product Gauss-Legendre on panels whose faces include the faces of B (panel
 * width <= half the smallest component sd of P_tMax, where 1/P is analytic and smooth); orders 10 and 16
 * per panel, value from 16, error |I_10 - I_16|.
 *
 * err = spread + tail + rounding, rounding = 4 eps sum_i f_i (2 |ln tildeP_i| + |ln P_i| + 2) + 2 eps sum_i f_i
 * (each term is exp(2 ln tildeP - ln P), whose logs carry an absolute error of a few eps times their size).
 * @throws InputError on a dimension outside 1-3 or different from the start's, bad options, a start
 *   covariance that is not positive definite, a full-covariance perturbation, or when no start component
 *   bounds the integrand's tail (s_a^2 too large: D0 may be infinite); NumericalError if D0 is not finite.
 */
export function d0LatticeNd(start: GaussianMixtureLaw, perturbation: PerturbationNd, opts: D0LatticeOptions = {}): D0Lattice {
  const dim = start.dim;
  if (!(dim >= 1 && dim <= 3)) throw new InputError(`expected 1-3 dimensions, got ${dim}`, 'start.dim');
  if (perturbation.dim !== dim) throw new InputError(`perturbation is ${perturbation.dim}-D but the start law is ${dim}-D`, 'perturbation');
  if (start.means.length !== start.k * dim || start.weights.length !== start.k) throw new InputError(`expected ${start.k} means of ${dim} coordinates and ${start.k} weights`, 'start');
  const tailTarget = opts.tailTarget ?? 1e-15;
  if (!(tailTarget > 0 && tailTarget < 1)) throw new InputError(`expected 0 < tailTarget < 1, got ${tailTarget}`, 'tailTarget');
  const maxCells = opts.maxCells ?? 96;
  assertInteger(maxCells, 'maxCells', 8);
  const factors = startFactors(start);
  const logP = opts.startLogDensity ?? ((x: Float64Array, n: number) => mixtureLogDensity(start, factors, x, n));
  let minStartSd = Infinity;
  for (let j = 0; j < start.k; j++) if (start.weights[j] > 0) minStartSd = Math.min(minStartSd, Math.sqrt(factors[j].minVar));
  const spec = perturbation.spec;

  if (spec.kind === 'uniform') {
    const { low, high } = spec;
    let logVol = 0;
    for (let d = 0; d < dim; d++) logVol += Math.log(high[d] - low[d]);
    const panels = low.map((lo, d) => Math.min(Math.max(1, Math.ceil((high[d] - lo) / (0.5 * minStartSd))), Math.max(1, Math.floor(maxCells / GL_ORDERS[1]))));
    const levels = GL_ORDERS.map((order) => {
      const gl = gaussLegendre(order);
      // per axis: nodes and weights of the composite rule
      const ax = low.map((lo, d) => {
        const w = (high[d] - lo) / panels[d];
        const xs: number[] = [];
        const ws: number[] = [];
        for (let p = 0; p < panels[d]; p++) {
          for (let i = 0; i < order; i++) {
            xs.push(lo + w * (p + 0.5 * (gl.nodes[i] + 1)));
            ws.push(0.5 * w * gl.weights[i]);
          }
        }
        return { xs, ws };
      });
      return sumOverProduct(ax, dim, logP, () => -logVol);
    });
    const [lo, hi] = levels;
    const value = hi.sum - 1;
    const spread = Math.abs(hi.sum - lo.sum);
    return finish(value, spread, 0, Math.max(lo.rounding, hi.rounding), 'uniform-box', [lo.sum - 1, hi.sum - 1], { lo: low.slice(), hi: high.slice() }, panels.map((p) => p * GL_ORDERS[1]));
  }

  const comps = perturbationComponents(perturbation);
  const env = comps.map((c, a) => {
    const e = envelope(start, factors, c);
    if (!e) {
      throw new InputError(
        `no start component bounds tildeP^2 / P_tMax for perturbation component ${a} (variance ${c.s2} too large against P_tMax's covariances: D0 may be infinite)`,
        'perturbation',
      );
    }
    return e;
  });
  const tailOf = (lo: number[], hi: number[]) => {
    let t = 0;
    for (const e of env) {
      let p = 0;
      for (let d = 0; d < dim; d++) p += normalSf((hi[d] - e.c[d]) / e.sd[d]) + normalSf((e.c[d] - lo[d]) / e.sd[d]);
      t += Math.exp(e.logBound) * Math.min(1, p);
    }
    return t;
  };
  const boxAt = (kappa: number) => ({
    lo: Array.from({ length: dim }, (_, d) => Math.min(...env.map((e) => e.c[d] - kappa * e.sd[d]))),
    hi: Array.from({ length: dim }, (_, d) => Math.max(...env.map((e) => e.c[d] + kappa * e.sd[d]))),
  });
  let kappa = 6;
  let box = boxAt(kappa);
  while (tailOf(box.lo, box.hi) > tailTarget && kappa < 40) box = boxAt((kappa += 0.25));
  const tail = tailOf(box.lo, box.hi);
  // spacing: 0.7 envelope sd per axis; with a mixture on either side 0.5 envelope sd and at most 0.7 x the smallest component sd
  const mixed = start.k > 1 || comps.length > 1;
  const minCompSd = Math.min(minStartSd, ...comps.map((c) => Math.sqrt(c.s2)));
  const cells = box.lo.map((lo, d) => {
    const envSd = Math.min(...env.map((e) => e.sd[d]));
    const h = mixed ? Math.min(H_MIXED_OVER_STD * envSd, H_OVER_STD * minCompSd) : H_OVER_STD * envSd;
    return Math.min(maxCells, Math.max(8, Math.ceil((box.hi[d] - lo) / h)));
  });
  const logT = (x: Float64Array, n: number) => perturbation.logDensity(x, n);
  const levels = [0, 0.5].map((off) => {
    const ax = box.lo.map((lo, d) => {
      const h = (box.hi[d] - lo) / cells[d];
      return { xs: Array.from({ length: cells[d] }, (_, i) => lo + (i + 0.5 + off) * h), ws: new Array<number>(cells[d]).fill(h) };
    });
    return sumOverProduct(ax, dim, logP, undefined, logT);
  });
  const [l1, l2] = levels;
  const value = 0.5 * (l1.sum + l2.sum) - 1;
  return finish(value, 0.5 * Math.abs(l1.sum - l2.sum), tail, Math.max(l1.rounding, l2.rounding), 'gaussian-lattice', [l1.sum - 1, l2.sum - 1], box, cells);
}

/**
 * sum over the product grid of w_i exp(2 ln tildeP(x_i) - ln P(x_i)) (ln tildeP from `logT` at the
 * nodes, or the constant `constLogT`), with its rounding bound; evaluated one slab (last axis index) at a time.
 */
function sumOverProduct(
  ax: { xs: number[]; ws: number[] }[],
  dim: number,
  logP: (x: Float64Array, n: number) => Float64Array,
  constLogT?: () => number,
  logT?: (x: Float64Array, n: number) => Float64Array,
): { sum: number; rounding: number } {
  const inner = ax.slice(0, dim - 1).reduce((s, a) => s * a.xs.length, 1);
  const x = new Float64Array(inner * dim);
  const wIn = new Float64Array(inner);
  const total = new Sum();
  let roundingWeight = 0;
  const last = ax[dim - 1];
  for (let s = 0; s < last.xs.length; s++) {
    for (let i = 0; i < inner; i++) {
      let r = i;
      let w = last.ws[s];
      for (let d = 0; d < dim - 1; d++) {
        const nd = ax[d].xs.length;
        const id = r % nd;
        r = (r - id) / nd;
        x[i * dim + d] = ax[d].xs[id];
        w *= ax[d].ws[id];
      }
      x[i * dim + dim - 1] = last.xs[s];
      wIn[i] = w;
    }
    const lp = logP(x, inner);
    const lt = logT ? logT(x, inner) : null;
    const c = constLogT ? constLogT() : 0;
    for (let i = 0; i < inner; i++) {
      const t = lt ? lt[i] : c;
      if (t === -Infinity) continue;
      const f = wIn[i] * Math.exp(2 * t - lp[i]);
      total.add(f);
      roundingWeight += f * (2 * Math.abs(t) + Math.abs(lp[i]) + 2);
    }
  }
  const sum = total.value;
  return { sum, rounding: 4 * Number.EPSILON * roundingWeight + 2 * Number.EPSILON * sum };
}

function finish(value: number, spread: number, tail: number, rounding: number, method: D0Lattice['method'], levels: [number, number], box: { lo: number[]; hi: number[] }, cells: number[]): D0Lattice {
  if (!Number.isFinite(value) || !(value >= 0)) throw new NumericalError(`D0 on its own lattice is not a finite non-negative number (got ${value})`);
  const err = spread + tail + rounding;
  return { value, err, relErr: value > 0 ? err / value : err === 0 ? 0 : Infinity, method, levels, spread, tail, rounding, box, cells };
}
