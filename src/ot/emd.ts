/**
 * Exact discrete optimal transport (earth mover's distance) with an optimality certificate.
 */
import { InputError } from '../core/errors.ts';
import { solveAssignment } from './assignment.ts';
import { type Certificate, certifyPlan, type SparsePlan } from './certificate.ts';
import { type CostSpec, costAt, costMatrix, costRow, costShape, validateCost } from './costSpec.ts';
import { denseAssignment } from './denseAssignment.ts';
import { emdSorted1d } from './emdSorted1d.ts';
import { networkSimplex } from './networkSimplex.ts';
import { multiscaleAssignment } from './multiscaleAssignment.ts';
import { rescaleCost, scaleBack } from './rescale.ts';
import { sparseTransport } from './sparseTransport.ts';
import type { Points } from '../core/points.ts';

/** Uniform sqeuclidean problems from this size on use the multiscale solver (see docs/ot.md for the measurement). */
const MULTISCALE_MIN = 1000;
/**
 * Largest dense square cost matrix solved by `denseAssignment` (measured, docs/ot.md: on geometric
 * costs it is 1.5-4x faster than the sparse solver at 500-2000; on i.i.d. random matrices 1.2-1.6x
 * slower at 1000-2000 and 5x slower at 5000, where candidate graphs are good).
 */
const DENSE_ASSIGNMENT_MAX = 2048;
/** Weighted (or n != m) point-cloud problems with at least this many pairs use the sparse network simplex. */
const SPARSE_MIN_PAIRS = 250_000;

export type { CostSpec } from './costSpec.ts';
export type { Certificate, SparsePlan } from './certificate.ts';

/** Result of {@link emd}. */
export interface EmdResult {
  /** Optimal value sum_ij c_ij P_ij (W2^2 for `sqeuclidean`, W1 for `euclidean`, with unit total mass). */
  cost: number;
  /** Optimal plan, sparse: at most n + m - 1 entries with mass > 0. */
  plan: SparsePlan;
  /** Dual potentials: u_i + v_j <= c_ij everywhere, equality on the plan's support. */
  potentials: { u: Float64Array; v: Float64Array };
  /** Residuals of the optimality conditions, checked over all n m pairs. */
  certificate: Certificate;
  /** The solver met its own stopping rule (false: iteration cap hit; the answer may be sub-optimal). */
  converged: boolean;
  /** Simplex pivots or augmenting-path searches. */
  iterations: number;
  /** Which exact algorithm ran. */
  algorithm: 'assignment' | 'dense-assignment' | 'multiscale' | 'network-simplex' | 'sparse-simplex' | 'sorted-1d';
  /**
   * Present when the inputs were rescaled internally by an exact power of two (coordinates or costs
   * beyond 2^100 or below 2^-100): the true cost is `cost * 2^log2Factor`. `cost`, potentials and
   * certificate are already scaled back; `cost` is Infinity when the true value exceeds the float64
   * range (about 1.8e308), and this field then still holds it.
   */
  rescaled?: { log2Factor: number; cost: number };
  /** Full pricing passes over all pairs (assignment / multiscale); 0 for the other algorithms. */
  pricingRounds: number;
  /** Levels of the multiscale hierarchy solved (1 for single-level algorithms). */
  levels: number;
  /** Why `converged` is false (budget exhausted), when it is. */
  stopReason?: string;
}

/** A progress event of {@link emd} (stage name and a short human-readable detail). */
export interface EmdProgress {
  stage: string;
  detail?: string;
}

/** Options of {@link emd}. */
export interface EmdOptions {
  /**
   * `auto` (default): the sorted coupling in 1-D, the assignment / multiscale solver for uniform
   * equal-size problems, the sparse network simplex for other point clouds with n m >= 250000, the
   * dense network simplex otherwise. `network-simplex` forces the dense one.
   */
  method?: 'auto' | 'assignment' | 'network-simplex';
  /** Network-simplex pivot cap (default 1e9; per level for the sparse multiscale one). */
  maxIter?: number;
  /** Relative tolerance of the certificate verdict (default 1e-9). */
  certificateTol?: number;
  /**
   * `auto` only: work budget of the assignment solver in scanned edges per point (default 16000)
   * before switching to the network simplex (only when n <= 8000).
   */
  assignmentBudget?: number;
  /** Called at stage boundaries and after each pricing pass (for CLI progress). */
  onProgress?: (e: EmdProgress) => void;
  /** fine start of the sparse network simplex on large point clouds (`SparseTransportOptions.start`; default its own) */
  sparseStart?: 'coarse-plan' | 'coarse-duals';
  /** sparse network simplex: shift the potentials of the smaller side of the cut (`SparseTransportOptions.smallerSide`; default false) */
  sparseSmallerSide?: boolean;
}

/**
 * Check weights: length, finite, non-negative, positive total. Returns the weights as a Float64Array
 * (uniform 1/n when `w` is null).
 * @throws InputError
 */
export function checkWeights(w: Float64Array | null, n: number, where: string): Float64Array {
  if (w === null) return new Float64Array(n).fill(1 / n);
  if (w.length !== n) throw new InputError(`expected ${n} weights (one per point), got ${w.length}`, where);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const x = w[i];
    if (!Number.isFinite(x)) throw new InputError(`expected finite weights, got ${x} at index ${i}`, where);
    if (x < 0) throw new InputError(`expected non-negative weights, got ${x} at index ${i}`, where);
    s += x;
  }
  if (!(s > 0)) throw new InputError('expected weights with a positive sum, got all zeros', where);
  return w;
}

/** Sum of weights; throws when the two sides' totals differ by more than 1e-9 relative. */
export function checkBalanced(a: Float64Array, b: Float64Array): number {
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) sa += a[i];
  for (let j = 0; j < b.length; j++) sb += b[j];
  if (Math.abs(sa - sb) > 1e-9 * Math.max(sa, sb)) {
    throw new InputError(`weights must have equal totals, got sum(a) = ${sa} and sum(b) = ${sb}`, 'weights');
  }
  return sa;
}

/**
 * Exact optimal transport between weighted point clouds (or a cost matrix):
 *   min_P sum_ij c_ij P_ij  s.t.  P 1 = a, P^T 1 = b, P >= 0.
 * Uniform weights with n = m use a sparse shortest-augmenting-path assignment solver with full
 * pricing (no n^2 memory); weighted (or n != m) point clouds with n m >= 250000 use the sparse
 * multiscale network simplex ({@link sparseTransport}, no dense matrix); any other case uses a
 * network simplex on the dense cost matrix (8 n m bytes). Either way the answer carries a certificate checked over all pairs; the result
 * says `converged: false` rather than returning a sub-optimal plan silently.
 * @param a source weights (length n) or null for uniform; b target weights (length m) or null.
 * @throws InputError for NaN/Inf, negative or all-zero weights, unequal totals, mismatched dimensions.
 */
export function emd(a: Float64Array | null, b: Float64Array | null, cost: CostSpec, opts: EmdOptions = {}): EmdResult {
  validateCost(cost);
  const rs = rescaleCost(cost);
  if (rs.log2Factor !== 0) {
    const r = emd(a, b, rs.cost, opts);
    const k = rs.log2Factor;
    const up = (v: number) => scaleBack(v, k);
    const c = r.certificate;
    return {
      ...r,
      cost: up(r.cost),
      potentials: { u: r.potentials.u.map(up), v: r.potentials.v.map(up) },
      certificate: {
        ...c,
        maxDualViolation: up(c.maxDualViolation),
        maxSlackViolation: up(c.maxSlackViolation),
        dualityGap: up(c.dualityGap),
        tolerance: up(c.tolerance),
      },
      rescaled: { log2Factor: k, cost: r.cost },
    };
  }
  const { n, m } = costShape(cost);
  const wa = checkWeights(a, n, 'weights a');
  const wb = checkWeights(b, m, 'weights b');
  checkBalanced(wa, wb);
  const relTol = opts.certificateTol ?? 1e-9;
  const method = opts.method ?? 'auto';
  const uniform = n === m && isConstant(wa) && isConstant(wb);
  if (method === 'assignment' && !uniform) {
    throw new InputError('method "assignment" needs equal sizes and uniform weights', 'emd');
  }
  if (method === 'auto' && cost.kind !== 'matrix' && cost.x.dim === 1) {
    // 1-D: the sorted coupling is optimal for both costs; certified like any other answer, and the
    // general solvers run only if the certificate failed (it never has in the tests)
    const r = emdSorted1d(cost.x, cost.y, wa, wb, cost.kind === 'sqeuclidean');
    const certificate = certifyPlan(wa, wb, cost, r.plan, { u: r.u, v: r.v }, relTol);
    if (certificate.optimal) {
      let total = 0;
      for (let t = 0; t < r.plan.mass.length; t++) total += r.plan.mass[t] * costAt(cost, r.plan.rows[t], r.plan.cols[t]);
      return { cost: total, plan: r.plan, potentials: { u: r.u, v: r.v }, certificate, converged: true, iterations: 0, algorithm: 'sorted-1d', pricingRounds: 0, levels: 1 };
    }
  }
  if (uniform && method === 'auto' && cost.kind === 'sqeuclidean' && n >= MULTISCALE_MIN) {
    opts.onProgress?.({ stage: 'multiscale', detail: `n = ${n}: coarse levels by aggregating clusters, c-transform candidates, pricing over all pairs by blocks` });
    const r = multiscaleAssignment(cost.x, cost.y, { onProgress: opts.onProgress ? (m) => opts.onProgress?.({ stage: 'multiscale', detail: m }) : undefined });
    const massEach = wa[0];
    const plan = { rows: Int32Array.from({ length: n }, (_, i) => i), cols: r.rowToCol, mass: new Float64Array(n).fill(massEach) };
    const certificate = certifyPlan(wa, wb, cost, plan, { u: r.u, v: r.v }, relTol, r.dual);
    return {
      cost: r.total * massEach,
      plan,
      potentials: { u: r.u, v: r.v },
      certificate,
      converged: r.converged,
      iterations: r.augmentations,
      algorithm: 'multiscale',
      pricingRounds: r.totalRounds,
      levels: r.levels,
      stopReason: r.converged ? undefined : `${r.rounds} pricing passes without dual feasibility`,
    };
  }
  if (uniform && method !== 'network-simplex' && cost.kind === 'matrix' && n <= DENSE_ASSIGNMENT_MAX) {
    // a dense square matrix: the dense shortest-augmenting-path solver (no candidate graph to build,
    // no pricing passes); measured 4-6x faster than the sparse solver below on such inputs
    opts.onProgress?.({ stage: 'dense-assignment', detail: `n = ${n}, dense ${n} x ${n} matrix` });
    const { rowToCol, v } = denseAssignment(cost.matrix, n);
    const u = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = cost.matrix[i * n + rowToCol[i]];
      u[i] = c - v[rowToCol[i]];
      total += c;
    }
    const massEach = wa[0];
    const plan = { rows: Int32Array.from({ length: n }, (_, i) => i), cols: rowToCol, mass: new Float64Array(n).fill(massEach) };
    const certificate = certifyPlan(wa, wb, cost, plan, { u, v }, relTol);
    return { cost: total * massEach, plan, potentials: { u, v }, certificate, converged: true, iterations: n, algorithm: 'dense-assignment', pricingRounds: 0, levels: 1 };
  }
  if (uniform && method !== 'network-simplex') {
    // 'auto': the assignment solver gets a work budget of 16000 n scanned edges (measured: uniform
    // 2-D clouds need 1700-4300 n; clouds shifted apart 10000-15000 n; Gaussian noise vs two-moons
    // data 15000 n at 1000 points, 31000 n at 2000, growing with n). Beyond it, when the dense
    // matrix fits (n <= 8000, <= 512 MB), the network simplex finishes the job (at 8000 n, shifted
    // clouds would switch too and run 2-5x slower; at 16000 n noise-vs-moons wastes ~1-4 s first).
    const budget = method === 'auto' && n <= 8000 ? (opts.assignmentBudget ?? 16000) * n : Infinity;
    opts.onProgress?.({ stage: 'assignment', detail: `n = ${n}, sparse candidates, pricing over all pairs` });
    const r = solveAssignment(cost, { maxScanned: budget, onRound: opts.onProgress ? (round, viol) => opts.onProgress?.({ stage: 'assignment', detail: `pricing pass ${round}: ${viol} violated pairs added` }) : undefined });
    if (r.budgetExceeded) {
      opts.onProgress?.({ stage: 'network-simplex', detail: `assignment work budget exceeded; dense ${n} x ${m} network simplex` });
      return simplexPath(wa, wb, cost, n, m, relTol, opts.maxIter);
    }
    const massEach = wa[0];
    const plan = {
      rows: Int32Array.from({ length: n }, (_, i) => i),
      cols: r.rowToCol,
      mass: new Float64Array(n).fill(massEach),
    };
    const certificate = certifyPlan(wa, wb, cost, plan, { u: r.u, v: r.v }, relTol, r.dual);
    return {
      cost: r.total * massEach,
      plan,
      potentials: { u: r.u, v: r.v },
      certificate,
      converged: r.converged,
      iterations: r.augmentations,
      algorithm: 'assignment',
      pricingRounds: r.rounds,
      levels: 1,
      stopReason: r.converged ? undefined : `${r.rounds} pricing passes without dual feasibility`,
    };
  }
  if (method === 'auto' && cost.kind !== 'matrix' && n * m >= SPARSE_MIN_PAIRS) {
    opts.onProgress?.({ stage: 'sparse-simplex', detail: `${n} x ${m}: network simplex on candidate arcs, pricing over all pairs by blocks` });
    return sparsePath(wa, wb, cost, relTol, opts);
  }
  opts.onProgress?.({ stage: 'network-simplex', detail: `dense ${n} x ${m}` });
  return simplexPath(wa, wb, cost, n, m, relTol, opts.maxIter);
}

/** Sub-cloud of the points with positive weight. */
function subCloud(p: Points, idx: Int32Array): Points {
  const d = p.dim;
  const data = new Float64Array(idx.length * d);
  for (let t = 0; t < idx.length; t++) for (let c = 0; c < d; c++) data[t * d + c] = p.data[idx[t] * d + c];
  return { data, n: idx.length, dim: d };
}

/**
 * {@link sparseTransport} on the points of positive weight; zero-weight points get c-transform
 * potentials (so the duals stay feasible) and the certificate then re-checks all pairs.
 */
function sparsePath(
  wa: Float64Array,
  wb: Float64Array,
  cost: Extract<CostSpec, { kind: 'sqeuclidean' | 'euclidean' }>,
  relTol: number,
  opts: EmdOptions,
): EmdResult {
  const n = wa.length;
  const m = wb.length;
  const rowIdx = positiveIndices(wa);
  const colIdx = positiveIndices(wb);
  const dense = rowIdx.length === n && colIdx.length === m;
  const sub = dense ? cost : { kind: cost.kind, x: subCloud(cost.x, rowIdx), y: subCloud(cost.y, colIdx) };
  const r = sparseTransport(dense ? wa : wa.filter((w) => w > 0), dense ? wb : wb.filter((w) => w > 0), sub, {
    maxIter: opts.maxIter,
    start: opts.sparseStart,
    smallerSide: opts.sparseSmallerSide,
    onRound: opts.onProgress ? (round, viol, arcs) => opts.onProgress?.({ stage: 'sparse-simplex', detail: `pricing pass ${round}: ${viol} violated pairs, ${arcs} arcs` }) : undefined,
  });
  let u = r.u;
  let v = r.v;
  let plan = { rows: r.rows, cols: r.cols, mass: r.mass };
  if (!dense) {
    u = new Float64Array(n).fill(Infinity);
    v = new Float64Array(m).fill(Infinity);
    for (let t = 0; t < rowIdx.length; t++) u[rowIdx[t]] = r.u[t];
    for (let t = 0; t < colIdx.length; t++) v[colIdx[t]] = r.v[t];
    for (let j = 0; j < m; j++) if (!(wb[j] > 0)) for (const i of rowIdx) v[j] = Math.min(v[j], costAt(cost, i, j) - u[i]);
    for (let i = 0; i < n; i++) if (!(wa[i] > 0)) for (let j = 0; j < m; j++) u[i] = Math.min(u[i], costAt(cost, i, j) - v[j]);
    plan = { rows: Int32Array.from(r.rows, (t) => rowIdx[t]), cols: Int32Array.from(r.cols, (t) => colIdx[t]), mass: r.mass };
  }
  const total = planCost(plan, (i, j) => costAt(cost, i, j));
  const certificate = certifyPlan(wa, wb, cost, plan, { u, v }, relTol, dense && r.converged ? r.dual : undefined);
  return {
    cost: total,
    plan,
    potentials: { u, v },
    certificate,
    converged: r.converged,
    iterations: r.iterations,
    algorithm: 'sparse-simplex',
    pricingRounds: r.pricingRounds,
    levels: r.levels,
    stopReason: r.converged ? undefined : r.stopReason,
  };
}

/** Indices i with w_i > 0, ascending (a plain loop: no iterator or closure to warm up in a first call). */
function positiveIndices(w: Float64Array): Int32Array {
  let count = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > 0) count++;
  const idx = new Int32Array(count);
  for (let i = 0, t = 0; i < w.length; i++) if (w[i] > 0) idx[t++] = i;
  return idx;
}

function isConstant(w: Float64Array): boolean {
  for (let i = 1; i < w.length; i++) if (w[i] !== w[0]) return false;
  return true;
}

function simplexPath(
  wa: Float64Array,
  wb: Float64Array,
  cost: CostSpec,
  n: number,
  m: number,
  relTol: number,
  maxIter: number | undefined,
): EmdResult {
  // drop zero-weight points; their potentials are set afterwards by c-transforms
  const rowIdx: number[] = [];
  const colIdx: number[] = [];
  for (let i = 0; i < n; i++) if (wa[i] > 0) rowIdx.push(i);
  for (let j = 0; j < m; j++) if (wb[j] > 0) colIdx.push(j);
  const n2 = rowIdx.length;
  const m2 = colIdx.length;
  const full = costMatrix(cost);
  let C = full;
  if (n2 !== n || m2 !== m) {
    C = new Float64Array(n2 * m2);
    for (let i = 0; i < n2; i++) for (let j = 0; j < m2; j++) C[i * m2 + j] = full[rowIdx[i] * m + colIdx[j]];
  }
  const a2 = Float64Array.from(rowIdx, (i) => wa[i]);
  const b2 = Float64Array.from(colIdx, (j) => wb[j]);
  let maxAbs = 0;
  for (let t = 0; t < C.length; t++) maxAbs = Math.max(maxAbs, Math.abs(C[t]));
  const [rowOrder, colOrder] = startOrders(cost, rowIdx, colIdx);
  const r = networkSimplex(C, n2, m2, a2, b2, rowOrder, colOrder, { maxIter, tol: 1e-14 * maxAbs });
  const u = new Float64Array(n);
  const v = new Float64Array(m);
  const activeRow = new Uint8Array(n);
  const activeCol = new Uint8Array(m);
  for (let i = 0; i < n2; i++) {
    u[rowIdx[i]] = r.u[i];
    activeRow[rowIdx[i]] = 1;
  }
  for (let j = 0; j < m2; j++) {
    v[colIdx[j]] = r.v[j];
    activeCol[colIdx[j]] = 1;
  }
  // c-transforms for zero-weight points keep the duals feasible
  if (m2 !== m) {
    for (let j = 0; j < m; j++) {
      if (activeCol[j]) continue;
      let best = Infinity;
      for (let i = 0; i < n; i++) if (activeRow[i]) best = Math.min(best, full[i * m + j] - u[i]);
      v[j] = best;
    }
  }
  if (n2 !== n) {
    const row = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      if (activeRow[i]) continue;
      costRow(cost, i, row);
      let best = Infinity;
      for (let j = 0; j < m; j++) best = Math.min(best, row[j] - v[j]);
      u[i] = best;
    }
  }
  const plan = {
    rows: Int32Array.from(r.rows, (i) => rowIdx[i]),
    cols: Int32Array.from(r.cols, (j) => colIdx[j]),
    mass: r.mass,
  };
  const total = planCost(plan, (r, c) => full[r * m + c]);
  const certificate = certifyPlan(wa, wb, cost, plan, { u, v }, relTol);
  return {
    cost: total,
    plan,
    potentials: { u, v },
    certificate,
    converged: r.converged,
    iterations: r.iterations,
    algorithm: 'network-simplex',
    pricingRounds: 0,
    levels: 1,
    stopReason: r.converged ? undefined : `pivot budget of ${r.iterations} exhausted`,
  };
}

/**
 * Orders for the north-west-corner start: points sorted by their projection on the first
 * coordinate axis (exact in 1-D, a good start in general); index order for a cost matrix.
 */
function startOrders(cost: CostSpec, rowIdx: number[], colIdx: number[]): [Int32Array, Int32Array] {
  const rows = Int32Array.from(rowIdx.keys());
  const cols = Int32Array.from(colIdx.keys());
  if (cost.kind !== 'matrix') {
    const d = cost.x.dim;
    const kx = Float64Array.from(rowIdx, (i) => cost.x.data[i * d]);
    const ky = Float64Array.from(colIdx, (j) => cost.y.data[j * d]);
    rows.sort((p, q) => kx[p] - kx[q]);
    cols.sort((p, q) => ky[p] - ky[q]);
  }
  return [rows, cols];
}

/** sum_t mass_t c(row_t, col_t) over a sparse plan, with compensated (Kahan) summation. */
function planCost(plan: SparsePlan, c: (i: number, j: number) => number): number {
  let total = 0;
  let comp = 0;
  for (let t = 0; t < plan.mass.length; t++) {
    const y = plan.mass[t] * c(plan.rows[t], plan.cols[t]) - comp;
    const s = total + y;
    comp = s - total - y;
    total = s;
  }
  return total;
}
