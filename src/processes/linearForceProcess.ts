import { assertInteger, assertPositive } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import { integrateMoments, type ProcessMoments } from './momentEquations.ts';

export type { ProcessMoments } from './momentEquations.ts';

/**
 * A forward process dx = f_t(x) dt + sqrt(2 T_t) dB on [0, tau] in `dim` dimensions with a
 * linear force f_t(x) = A_t x + b_t (paper Eq. 16) and temperature T_t >= 0 (Eq. 2).
 *
 * Its transition law from x_0 = y is Gaussian, N(mu_t(y), Sigma_t) (Eq. 17) with
 * mu_t(y) = phi_t y + shift_t, where phi solves d(phi)/dt = A_t phi, phi_0 = I,
 * d(shift)/dt = A_t shift + b_t, shift_0 = 0 (Eq. B3), and
 * d(Sigma)/dt = A_t Sigma + Sigma A_t^T + 2 T_t I, Sigma_0 = 0 (Eq. B4).
 * All matrices are row-major dim x dim Float64Arrays.
 */
export interface LinearForceProcess {
  /** Label, e.g. `swiss-roll-force(h=1.1,g=3,Tfin=0.5)` or a schedule name. */
  readonly name: string;
  readonly dim: number;
  readonly tau: number;
  /**
   * True when phi_t phi_t^T and Sigma_t are multiples of the identity at every t (then mixture
   * components stay isotropic; the fast mixture field requires it).
   */
  readonly isotropic: boolean;
  /** A_t (dim x dim). */
  forceMatrix(t: number): Float64Array;
  /** b_t (dim). */
  forceOffset(t: number): Float64Array;
  /** T_t. */
  temperature(t: number): number;
  /** Conditional moments (Eqs. B3-B4) at time t. */
  moments(t: number): ProcessMoments;
  /**
   * Present only when the force matrix is a multiple of the identity, A_t = a_t I: the time
   * derivatives of the moments (d phi/dt, d shift/dt, d Sigma/dt), finite even where a_t and T_t
   * diverge (t = tau for cosine and cond-OT). Mixture fields then use the posterior-mean form of
   * the velocity (paper Eq. 97 generalised), which needs no A_t or T_t.
   */
  momentRates?(t: number): ProcessMoments;
}

/** Options of {@link linearForceProcess}. */
export interface LinearForceProcessSpec {
  name?: string;
  dim: number;
  tau: number;
  /** A_t as a row-major dim x dim array. */
  forceMatrix: (t: number) => ArrayLike<number>;
  /** b_t; omitted means 0. */
  forceOffset?: (t: number) => ArrayLike<number>;
  temperature: (t: number) => number;
  /** Declare the moments isotropic (checked on the moment grid). @default false */
  isotropic?: boolean;
  /** RK4 steps on [0, tau] for the moment equations. @default 2000 */
  steps?: number;
}

/**
 * A general linear-force process whose moments (Eqs. B3-B4) are integrated numerically: classical
 * RK4 with `steps` uniform steps on [0, tau], stored, and for a t between grid points one more
 * RK4 step from the grid point below (global error O((tau/steps)^4)).
 *
 * @throws InputError on dim < 1, tau <= 0, a matrix of the wrong size, a non-finite entry or a
 *   negative temperature (found on the grid), or `isotropic: true` when the moments are not.
 */
export function linearForceProcess(spec: LinearForceProcessSpec): LinearForceProcess {
  assertInteger(spec.dim, 'process.dim', 1);
  assertPositive(spec.tau, 'process.tau');
  const steps = spec.steps ?? 2000;
  assertInteger(steps, 'process.steps', 1);
  const { dim, tau } = spec;
  const A = (t: number): Float64Array => {
    const a = spec.forceMatrix(t);
    if (a.length !== dim * dim) {
      throw new InputError(`expected a ${dim}x${dim} force matrix (${dim * dim} values), got ${a.length}`, 'process.forceMatrix');
    }
    const out = Float64Array.from(a);
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) throw new InputError(`non-finite entry ${out[i]} at t=${t}`, 'process.forceMatrix');
    }
    return out;
  };
  const b = (t: number): Float64Array => {
    if (!spec.forceOffset) return new Float64Array(dim);
    const v = spec.forceOffset(t);
    if (v.length !== dim) throw new InputError(`expected ${dim} values, got ${v.length}`, 'process.forceOffset');
    const out = Float64Array.from(v);
    for (let i = 0; i < dim; i++) {
      if (!Number.isFinite(out[i])) throw new InputError(`non-finite entry ${out[i]} at t=${t}`, 'process.forceOffset');
    }
    return out;
  };
  const T = (t: number): number => {
    const v = spec.temperature(t);
    if (!Number.isFinite(v) || v < 0) throw new InputError(`expected a finite temperature >= 0, got ${v} at t=${t}`, 'process.temperature');
    return v;
  };
  const grid = integrateMoments({ dim, forceMatrix: A, forceOffset: b, temperature: T }, 0, tau, steps, true);
  const h = tau / steps;
  if (spec.isotropic) {
    for (const m of grid) {
      if (!isIsotropicMoments(m, dim)) throw new InputError('moments are not isotropic although isotropic: true', 'process.isotropic');
    }
  }
  return {
    name: spec.name ?? 'linear-force',
    dim,
    tau,
    isotropic: spec.isotropic ?? false,
    forceMatrix: A,
    forceOffset: b,
    temperature: T,
    moments(t: number): ProcessMoments {
      if (!(t >= 0 && t <= tau)) throw new InputError(`expected t in [0, ${tau}], got ${t}`, 'process.moments');
      const i = Math.min(Math.floor(t / h), steps);
      const t0 = i * h;
      const start = grid[i];
      if (t === t0) return copyMoments(start);
      return integrateMoments({ dim, forceMatrix: A, forceOffset: b, temperature: T }, t0, t, 1, false, start)[0];
    },
  };
}

function copyMoments(m: ProcessMoments): ProcessMoments {
  return { phi: m.phi.slice(), shift: m.shift.slice(), cov: m.cov.slice() };
}

/** True when phi phi^T and cov are multiples of I (relative tolerance 1e-9). */
export function isIsotropicMoments(m: ProcessMoments, dim: number): boolean {
  const ppT = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += m.phi[i * dim + k] * m.phi[j * dim + k];
      ppT[i * dim + j] = s;
    }
  }
  return isScalarMatrix(ppT, dim) && isScalarMatrix(m.cov, dim);
}

function isScalarMatrix(a: Float64Array, dim: number): boolean {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  const tol = 1e-9 * scale + 1e-300;
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) {
      const v = a[i * dim + j];
      if (i === j ? Math.abs(v - a[0]) > tol : Math.abs(v) > tol) return false;
    }
  }
  return true;
}
