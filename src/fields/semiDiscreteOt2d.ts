import { assertPositive } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import { standardNormalPolygon } from './gaussianPolygon.ts';
import { type LaguerreCells, laguerreCells2d, nearestPowerSite, type PowerIndex, powerIndex } from './laguerreCells2d.ts';
import { siteTree } from './siteTree.ts';

/** Options of {@link semiDiscreteOt2d}. */
export interface SemiDiscreteOtOptions {
  /**
   * Stop when max_j |G_j - nu_j| / nu_j <= tol (G = cell masses, nu = point masses). The floor is set
   * by the rounding of the cell vertices (measured ~1e-13 absolute per cell, i.e. ~3e-10 relative at
   * 3000 points): below 1e-6, a Newton step that no longer decreases |G - nu| ends the solve there
   * (reported as reached, not as converged to tol). @default 1e-9
   */
  tol?: number;
  /** Newton iterations. @default 100 */
  maxIter?: number;
}

/** Result of {@link semiDiscreteOt2d}: the optimal map z -> y_{cell(z)} and its error. */
export interface SemiDiscreteOt2d {
  /** The Gaussian end law N(mean, std^2 I). */
  readonly mean: [number, number];
  readonly std: number;
  /** Distinct sites with positive mass (duplicates merged, zero masses dropped), n x 2. */
  readonly sites: Float64Array;
  readonly n: number;
  /** Requested masses nu_j (sum 1). */
  readonly targetMass: Float64Array;
  /**
   * Dual weights w_j: the cell of site j is {z : |z - y_j|^2/2 - w_j <= |z - y_i|^2/2 - w_i for all i}
   * (Laguerre cell), the map T(z) = y_j on it is the gradient of the convex function
   * u(z) = max_j (z . y_j - |y_j|^2/2 + w_j). Gauge: max_j w_j = 0.
   */
  readonly weights: Float64Array;
  /** Achieved Gaussian masses G_j of the cells (closed form, see gaussianPolygon.ts). */
  readonly cellMass: Float64Array;
  /** For each input point, its site index (merged duplicates share one); -1 for zero-mass points. */
  readonly siteOf: Int32Array;
  /** W2^2 between the Gaussian and the sites with the achieved masses G (exact for that pair). */
  readonly w2Sq: number;
  /** max_j |G_j - nu_j| (absolute), max_j |G_j - nu_j| / nu_j, and (1/2) sum_j |G_j - nu_j| (TV). */
  readonly massError: number;
  readonly relativeMassError: number;
  readonly tvError: number;
  /**
   * First-order bound of |W2^2(N, nu) - w2Sq|: the dual is the derivative of W2^2/2 in the masses,
   * so the difference is 2 |sum_j w_j (nu_j - G_j)| + O(|G - nu|^2).
   */
  readonly w2SqError: number;
  readonly iterations: number;
  /** Site index of the Laguerre cell containing z (the transport map's branch). */
  cellOf(zx: number, zy: number): number;
  /** The Laguerre cells (in the physical coordinates, clipped to mean +- 38 std). */
  cells(): LaguerreCells;
  /** Grid index of the sites and weights (physical coordinates), for power-nearest queries. */
  readonly index: PowerIndex;
}

/** Half-width of the computational box in standard deviations: the normal mass beyond is < 1e-300. */
export const SEMI_DISCRETE_BOX = 38;

/**
 * Semi-discrete optimal transport (squared Euclidean cost) from the Gaussian N(mean, std^2 I) in 2-D
 * to a weighted point cloud: the Laguerre-cell dual weights w solving G_j(w) = nu_j, by the damped
 * Newton method of Kitagawa, Merigot and Thibert (JEMS 2019) on the concave dual
 *   F(w) = sum_j w_j nu_j + int min_j (|z - y_j|^2/2 - w_j) dN(z),  grad F = nu - G(w).
 * Everything is computed in the standardised coordinates (z - mean)/std, where cell masses, the
 * Hessian's boundary integrals and W2^2 are closed forms (Owen's T and Phi over the cell polygons;
 * no Monte Carlo): the result is exact up to the solve tolerance, which is reported.
 * - Cells: {@link laguerreCells2d} on the box mean +- 38 std (outside it the normal mass is < 1e-300).
 * - Hessian: dG_j/dw_i = -int_{L_i cap L_j} rho / |y_i - y_j| (i != j), a weighted graph Laplacian;
 *   the Newton system is solved by Jacobi-preconditioned conjugate gradients (zero-mean gauge).
 * - Step: alpha = 1, 1/2, ... until every cell keeps mass >= eps0 = min(min nu, min G(w_0))/2 and
 *   |G - nu| decreases by the factor (1 - alpha/2) (global linear, local quadratic convergence).
 * - Start: the Voronoi cells of lambda (y_j - ybar) (weights |y|^2/2 - lambda |y - ybar|^2/2 in
 *   standardised units) with lambda = 1 / max |y - ybar|, so that every cell has positive mass.
 * @param points the cloud; `weights` (optional, >= 0, summing to > 0) are normalised to sum 1,
 *   default uniform.
 * @throws InputError for a non-2-D or empty cloud, non-finite coordinates, bad weights or std <= 0;
 *   NumericalError if Newton does not reach `tol` (the message says what was reached).
 */
export function semiDiscreteOt2d(
  points: Points,
  end: { mean: readonly number[]; std: number },
  weights?: ArrayLike<number>,
  opts: SemiDiscreteOtOptions = {},
): SemiDiscreteOt2d {
  if (points.dim !== 2) throw new InputError(`expected 2-D points, got ${points.dim}-D`, 'semiDiscreteOt.points');
  if (points.n < 1) throw new InputError('expected at least one point, got none', 'semiDiscreteOt.points');
  if (end.mean.length !== 2) throw new InputError(`expected a 2-D mean, got ${end.mean.length} values`, 'semiDiscreteOt.end.mean');
  assertPositive(end.std, 'semiDiscreteOt.end.std');
  const tol = opts.tol ?? 1e-9;
  const maxIter = opts.maxIter ?? 100;
  const [mx, my] = [end.mean[0], end.mean[1]];
  const sd = end.std;
  if (!Number.isFinite(mx) || !Number.isFinite(my)) throw new InputError('expected a finite mean', 'semiDiscreteOt.end.mean');
  // ---- merge duplicates, drop zero masses, standardise
  const N = points.n;
  if (weights && weights.length !== N) throw new InputError(`expected ${N} weights, got ${weights.length}`, 'semiDiscreteOt.weights');
  let total = 0;
  for (let i = 0; i < N; i++) {
    const v = weights ? weights[i] : 1;
    if (!(v >= 0) || !Number.isFinite(v)) throw new InputError(`expected a finite weight >= 0, got ${v}`, `semiDiscreteOt.weights[${i}]`);
    total += v;
  }
  if (!(total > 0)) throw new InputError('expected weights with a positive sum', 'semiDiscreteOt.weights');
  const key = new Map<string, number>();
  const siteOf = new Int32Array(N).fill(-1);
  const sx: number[] = [];
  const sy: number[] = [];
  const mass: number[] = [];
  for (let i = 0; i < N; i++) {
    const x = points.data[2 * i];
    const y = points.data[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new InputError(`expected finite coordinates, got (${x}, ${y})`, `semiDiscreteOt.points[${i}]`);
    const v = (weights ? weights[i] : 1) / total;
    if (v === 0) continue;
    const k = `${x},${y}`;
    let j = key.get(k);
    if (j === undefined) {
      j = sx.length;
      key.set(k, j);
      sx.push((x - mx) / sd);
      sy.push((y - my) / sd);
      mass.push(0);
    }
    mass[j] += v;
    siteOf[i] = j;
  }
  const n = sx.length;
  const nu = Float64Array.from(mass);
  const hat = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    hat[2 * j] = sx[j];
    hat[2 * j + 1] = sy[j];
  }
  const tree = siteTree(hat, n);
  const box = [-SEMI_DISCRETE_BOX, SEMI_DISCRETE_BOX, -SEMI_DISCRETE_BOX, SEMI_DISCRETE_BOX] as const;

  /** Cells and masses at w (standardised); `cells` given when already known. */
  const evaluate = (w: Float64Array, hint?: LaguerreCells, known?: LaguerreCells) => {
    const cells = known ?? laguerreCells2d(powerIndex(hat, w, tree), box, hint);
    const G = new Float64Array(n);
    const edge = new Float64Array(cells.xs.length);
    for (let j = 0; j < n; j++) {
      const a = cells.start[j];
      const b = cells.start[j + 1];
      const r = standardNormalPolygon(cells.xs.subarray(a, b), cells.ys.subarray(a, b), b - a, edge.subarray(a, b));
      G[j] = r.mass;
    }
    return { cells, G, edge };
  };
  // ---- start
  let cx = 0;
  let cy = 0;
  for (let j = 0; j < n; j++) {
    cx += nu[j] * hat[2 * j];
    cy += nu[j] * hat[2 * j + 1];
  }
  let spread = 0;
  for (let j = 0; j < n; j++) spread = Math.max(spread, Math.hypot(hat[2 * j] - cx, hat[2 * j + 1] - cy));
  const lambda = spread > 0 ? 1 / spread : 1;
  let w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    w[j] = 0.5 * (hat[2 * j] ** 2 + hat[2 * j + 1] ** 2) - 0.5 * lambda * ((hat[2 * j] - cx) ** 2 + (hat[2 * j + 1] - cy) ** 2);
  }
  let state = evaluate(w);
  let minG = Infinity;
  let minNu = Infinity;
  for (let j = 0; j < n; j++) {
    minG = Math.min(minG, state.G[j]);
    minNu = Math.min(minNu, nu[j]);
  }
  if (!(minG > 0)) throw new NumericalError(`semi-discrete OT: a starting cell has no Gaussian mass (${minG}); the sites are too close or too far apart`);
  const eps0 = 0.5 * Math.min(minG, minNu);
  const resid = (G: Float64Array) => {
    let s = 0;
    let rel = 0;
    for (let j = 0; j < n; j++) {
      s += (G[j] - nu[j]) ** 2;
      rel = Math.max(rel, Math.abs(G[j] - nu[j]) / nu[j]);
    }
    return { norm: Math.sqrt(s), rel };
  };
  let res = resid(state.G);
  let iterations = 0;
  while (res.rel > tol && n > 1) {
    if (iterations >= maxIter) {
      throw new NumericalError(`semi-discrete OT did not converge: relative mass error ${res.rel.toExponential(3)} after ${iterations} Newton steps (tolerance ${tol})`);
    }
    iterations++;
    const delta = newtonDirection(state.cells, state.edge, hat, nu, state.G);
    let alpha = 1;
    let next: typeof state | null = null;
    // near the solution a full step must succeed; if it does not, the rounding floor is reached
    const maxHalvings = res.rel < 1e-6 ? 1 : 40;
    for (let halvings = 0; halvings < maxHalvings; halvings++, alpha /= 2) {
      const wt = new Float64Array(n);
      for (let j = 0; j < n; j++) wt[j] = w[j] + alpha * delta[j];
      const cand = evaluate(wt, state.cells);
      let ok = true;
      for (let j = 0; j < n && ok; j++) if (cand.G[j] < eps0) ok = false;
      if (ok && resid(cand.G).norm <= (1 - alpha / 2) * res.norm) {
        next = cand;
        w = wt;
        break;
      }
    }
    if (!next) {
      if (res.rel < 1e-6) break; // the rounding floor: a Newton step no longer reduces the residual
      throw new NumericalError(`semi-discrete OT: the Newton line search failed at relative mass error ${res.rel.toExponential(3)} (tolerance ${tol})`);
    }
    state = next;
    res = resid(state.G);
  }
  // ---- outputs (physical units: w = std^2 w_hat)
  let wMax = -Infinity;
  for (let j = 0; j < n; j++) wMax = Math.max(wMax, w[j]);
  const physW = new Float64Array(n);
  for (let j = 0; j < n; j++) physW[j] = sd * sd * (w[j] - wMax);
  let w2Hat = 0;
  let massError = 0;
  let tv = 0;
  let dual = 0;
  for (let j = 0; j < n; j++) {
    const a = state.cells.start[j];
    const b = state.cells.start[j + 1];
    const r = standardNormalPolygon(state.cells.xs.subarray(a, b), state.cells.ys.subarray(a, b), b - a);
    const yx = hat[2 * j];
    const yy = hat[2 * j + 1];
    w2Hat += r.second - 2 * (yx * r.first[0] + yy * r.first[1]) + (yx * yx + yy * yy) * r.mass;
    const e = state.G[j] - nu[j];
    massError = Math.max(massError, Math.abs(e));
    tv += 0.5 * Math.abs(e);
    dual += physW[j] * -e;
  }
  const sites = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    sites[2 * j] = mx + sd * hat[2 * j];
    sites[2 * j + 1] = my + sd * hat[2 * j + 1];
  }
  const physIndex = powerIndex(sites, physW);
  const finalCells = state.cells;
  return {
    mean: [mx, my],
    std: sd,
    sites,
    n,
    targetMass: nu,
    weights: physW,
    cellMass: state.G,
    siteOf,
    w2Sq: sd * sd * w2Hat,
    massError,
    relativeMassError: res.rel,
    tvError: tv,
    w2SqError: 2 * Math.abs(dual),
    iterations,
    index: physIndex,
    cellOf: (zx, zy) => nearestPowerSite(physIndex, 1, zx, zy),
    cells() {
      return { ...finalCells, xs: finalCells.xs.map((v) => mx + sd * v), ys: finalCells.ys.map((v) => my + sd * v) };
    },
  };
}

/**
 * Newton direction: solve H delta = nu - G for the weighted graph Laplacian
 * H_ij = -int_{L_i cap L_j} phi_2 / |y_i - y_j| (i != j), H_jj = -sum_{i != j} H_ij, by
 * Jacobi-preconditioned conjugate gradients in the zero-mean subspace (H is singular along
 * constants). Each shared edge is seen from both cells; the two boundary integrals are averaged.
 */
function newtonDirection(cells: LaguerreCells, edge: Float64Array, hat: Float64Array, nu: Float64Array, G: Float64Array): Float64Array {
  const n = nu.length;
  const pairs = new Map<number, number>();
  for (let j = 0; j < n; j++) {
    for (let e = cells.start[j]; e < cells.start[j + 1]; e++) {
      const i = cells.labels[e];
      if (i < 0 || edge[e] === 0) continue;
      const h = (0.5 * edge[e]) / Math.hypot(hat[2 * i] - hat[2 * j], hat[2 * i + 1] - hat[2 * j + 1]);
      const key = i < j ? i * n + j : j * n + i;
      pairs.set(key, (pairs.get(key) ?? 0) + h);
    }
  }
  const m = pairs.size;
  const pa = new Int32Array(m);
  const pb = new Int32Array(m);
  const ph = new Float64Array(m);
  const diag = new Float64Array(n);
  let q = 0;
  for (const [key, h] of pairs) {
    const a = Math.floor(key / n);
    const b = key - a * n;
    pa[q] = a;
    pb[q] = b;
    ph[q++] = h;
    diag[a] += h;
    diag[b] += h;
  }
  let dMax = 0;
  for (let j = 0; j < n; j++) dMax = Math.max(dMax, diag[j]);
  for (let j = 0; j < n; j++) diag[j] = Math.max(diag[j], 1e-300, 1e-14 * dMax);
  const apply = (x: Float64Array, y: Float64Array) => {
    y.fill(0);
    for (let k = 0; k < m; k++) {
      const v = ph[k] * (x[pa[k]] - x[pb[k]]);
      y[pa[k]] += v;
      y[pb[k]] -= v;
    }
  };
  const center = (v: Float64Array) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += v[j];
    s /= n;
    for (let j = 0; j < n; j++) v[j] -= s;
  };
  const b = new Float64Array(n);
  for (let j = 0; j < n; j++) b[j] = nu[j] - G[j];
  center(b);
  const x = new Float64Array(n);
  const r = b.slice();
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const Ap = new Float64Array(n);
  let bn = 0;
  for (let j = 0; j < n; j++) bn += b[j] * b[j];
  bn = Math.sqrt(bn);
  if (bn === 0) return x;
  for (let j = 0; j < n; j++) z[j] = r[j] / diag[j];
  center(z);
  p.set(z);
  let rz = 0;
  for (let j = 0; j < n; j++) rz += r[j] * z[j];
  for (let it = 0; it < 20 * n + 100; it++) {
    apply(p, Ap);
    let pAp = 0;
    for (let j = 0; j < n; j++) pAp += p[j] * Ap[j];
    if (!(pAp > 0)) break;
    const alpha = rz / pAp;
    let rr = 0;
    for (let j = 0; j < n; j++) {
      x[j] += alpha * p[j];
      r[j] -= alpha * Ap[j];
      rr += r[j] * r[j];
    }
    if (Math.sqrt(rr) <= 1e-13 * bn) break;
    for (let j = 0; j < n; j++) z[j] = r[j] / diag[j];
    center(z);
    let rzNew = 0;
    for (let j = 0; j < n; j++) rzNew += r[j] * z[j];
    const beta = rzNew / rz;
    rz = rzNew;
    for (let j = 0; j < n; j++) p[j] = z[j] + beta * p[j];
  }
  return x;
}
