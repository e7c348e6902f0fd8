import { assertInteger } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';

/** A 2-D density and velocity field at one time, evaluated in batches (x: n x 2). */
export interface PlanarField {
  logDensity(x: Float64Array, n: number): Float64Array;
  velocity(x: Float64Array, n: number): Float64Array;
  /** Optional single pass returning both (used when present). */
  densityAndVelocity?(x: Float64Array, n: number): { logDensity: Float64Array; velocity: Float64Array };
}

/** Options of {@link gradientProjection2d}. */
export interface GradientProjectionOptions {
  /** Box [x0, x1] x [y0, y1]; it must hold essentially all the mass (reported as `mass`). */
  box: [number, number, number, number];
  /** Cells per axis. @default 128 */
  cells?: number;
  /** CG stopping rule: ||r|| <= tol ||b||. @default 1e-10 */
  tol?: number;
  /** @default 20000 */
  maxIter?: number;
}

/** Result of {@link gradientProjection2d}; integrals are face sums approximating int over R^2. */
export interface GradientProjectionResult {
  /** int |nu|^2 P = T S_dot_tot (Eq. 36 times T). */
  total: number;
  /** int |grad phi|^2 P = v2^2 (the excess part, Eq. 66). */
  excess: number;
  /** int |nu - grad phi|^2 P = housekeeping rate; total = excess + housekeeping exactly (discrete Pythagoras). */
  housekeeping: number;
  /** Face-sum of P (should be 1 when the box holds the mass). */
  mass: number;
  iterations: number;
  /** Final relative residual of CG. */
  residual: number;
  cellSize: [number, number];
}

/**
 * L^2(P)-projection of a velocity field onto gradients on a 2-D grid: solve the weighted Poisson
 * equation div(P grad phi) = div(P nu) with zero flux at the box boundary, then
 * v2^2 = int P |grad phi|^2 and housekeeping = int P |nu - grad phi|^2.
 *
 * Discretisation: phi at cell centres; P and the normal component of nu evaluated exactly at
 * interior face midpoints; g_f = (phi_right - phi_left)/h on each face; minimise
 * sum_f P_f |g_f - nu_f|^2 (the discrete projection), whose normal equations D^T W D phi = D^T W nu
 * are solved by Jacobi-preconditioned conjugate gradients (P floored at 1e-14 max P to keep the
 * system regular; the floored cells carry no mass). Second order in the cell size when P is
 * resolved (component std >= ~2 cells).
 * @throws InputError on a bad box or cell count; NumericalError if CG does not converge or a
 *   value is not finite.
 */
export function gradientProjection2d(field: PlanarField, opts: GradientProjectionOptions): GradientProjectionResult {
  const [x0, x1, y0, y1] = opts.box;
  if (!(x1 > x0) || !(y1 > y0) || ![x0, x1, y0, y1].every(Number.isFinite)) {
    throw new InputError(`expected a box [x0, x1, y0, y1] with x1 > x0 and y1 > y0, got [${opts.box.join(', ')}]`, 'box');
  }
  const N = opts.cells ?? 128;
  assertInteger(N, 'cells', 4, 4096);
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 20000;
  const hx = (x1 - x0) / N;
  const hy = (y1 - y0) / N;
  const area = hx * hy;
  // x-faces: between (i, j) and (i+1, j), i = 0..N-2, j = 0..N-1 ; y-faces: (i, j)-(i, j+1)
  const nxf = (N - 1) * N;
  const nyf = N * (N - 1);
  const pts = new Float64Array(2 * (nxf + nyf));
  let f = 0;
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < N - 1; i++) {
      pts[2 * f] = x0 + (i + 1) * hx;
      pts[2 * f + 1] = y0 + (j + 0.5) * hy;
      f++;
    }
  }
  for (let j = 0; j < N - 1; j++) {
    for (let i = 0; i < N; i++) {
      pts[2 * f] = x0 + (i + 0.5) * hx;
      pts[2 * f + 1] = y0 + (j + 1) * hy;
      f++;
    }
  }
  const nf = nxf + nyf;
  const both = field.densityAndVelocity?.(pts, nf);
  const logP = both ? both.logDensity : field.logDensity(pts, nf);
  const vel = both ? both.velocity : field.velocity(pts, nf);
  let maxLog = -Infinity;
  for (let q = 0; q < nf; q++) if (logP[q] > maxLog) maxLog = logP[q];
  if (!Number.isFinite(maxLog)) throw new NumericalError('density is not finite on the grid');
  const W = new Float64Array(nf); // P_f * area
  const nu = new Float64Array(nf); // normal component
  const floor = Math.exp(maxLog) * 1e-14;
  let mass = 0;
  for (let q = 0; q < nf; q++) {
    const p = Math.exp(logP[q]);
    const v = q < nxf ? vel[2 * q] : vel[2 * q + 1];
    if (!Number.isFinite(v)) throw new NumericalError(`velocity not finite at grid face ${q}`);
    mass += p * area;
    W[q] = Math.max(p, floor) * area;
    nu[q] = v;
  }
  mass /= 2; // every face family alone integrates P once
  // face q -> (left cell, right cell, 1/h)
  const nc = N * N;
  const left = new Int32Array(nf);
  const right = new Int32Array(nf);
  const invh = new Float64Array(nf);
  f = 0;
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < N - 1; i++) {
      left[f] = j * N + i;
      right[f] = j * N + i + 1;
      invh[f] = 1 / hx;
      f++;
    }
  }
  for (let j = 0; j < N - 1; j++) {
    for (let i = 0; i < N; i++) {
      left[f] = j * N + i;
      right[f] = (j + 1) * N + i;
      invh[f] = 1 / hy;
      f++;
    }
  }
  const apply = (phi: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let q = 0; q < nf; q++) {
      const g = (phi[right[q]] - phi[left[q]]) * invh[q] * W[q] * invh[q];
      out[right[q]] += g;
      out[left[q]] -= g;
    }
  };
  const rhs = new Float64Array(nc);
  const diag = new Float64Array(nc);
  for (let q = 0; q < nf; q++) {
    const g = W[q] * nu[q] * invh[q];
    rhs[right[q]] += g;
    rhs[left[q]] -= g;
    const dq = W[q] * invh[q] * invh[q];
    diag[right[q]] += dq;
    diag[left[q]] += dq;
  }
  // CG (Jacobi preconditioned) for M phi = rhs, M = D^T W D
  const phi = new Float64Array(nc);
  const r = rhs.slice();
  const z = new Float64Array(nc);
  const p = new Float64Array(nc);
  const Ap = new Float64Array(nc);
  let bnorm = 0;
  for (let c = 0; c < nc; c++) bnorm += rhs[c] * rhs[c];
  bnorm = Math.sqrt(bnorm);
  let iterations = 0;
  let residual = 0;
  if (bnorm > 0) {
    for (let c = 0; c < nc; c++) z[c] = r[c] / diag[c];
    p.set(z);
    let rz = 0;
    for (let c = 0; c < nc; c++) rz += r[c] * z[c];
    for (; iterations < maxIter; iterations++) {
      apply(p, Ap);
      let pAp = 0;
      for (let c = 0; c < nc; c++) pAp += p[c] * Ap[c];
      const alpha = rz / pAp;
      let rr = 0;
      for (let c = 0; c < nc; c++) {
        phi[c] += alpha * p[c];
        r[c] -= alpha * Ap[c];
        rr += r[c] * r[c];
      }
      residual = Math.sqrt(rr) / bnorm;
      if (residual <= tol) break;
      let rzNew = 0;
      for (let c = 0; c < nc; c++) {
        z[c] = r[c] / diag[c];
        rzNew += r[c] * z[c];
      }
      const beta = rzNew / rz;
      rz = rzNew;
      for (let c = 0; c < nc; c++) p[c] = z[c] + beta * p[c];
    }
    if (!(residual <= tol)) {
      throw new NumericalError(`weighted Poisson CG did not converge: relative residual ${residual} after ${iterations} iterations`);
    }
  }
  let excess = 0;
  let housekeeping = 0;
  let totalW = 0;
  for (let q = 0; q < nf; q++) {
    const g = (phi[right[q]] - phi[left[q]]) * invh[q];
    excess += W[q] * g * g;
    housekeeping += W[q] * (nu[q] - g) ** 2;
    totalW += W[q] * nu[q] * nu[q];
  }
  return { total: totalW, excess, housekeeping, mass, iterations, residual, cellSize: [hx, hy] };
}
