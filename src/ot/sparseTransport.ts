/**
 * Exact OT between weighted point clouds without the dense cost matrix: the network simplex runs on
 * a sparse candidate arc set and all n m pairs are priced with its duals, by blocks, until none
 * violates dual feasibility (then the plan is optimal for the full problem, by LP duality).
 *
 * Multiscale start (above `coarseMin` points per side): both clouds are ordered along a common
 * Hilbert curve (hilbertOrder.ts) and consecutive groups of `group` points are aggregated (total
 * mass at the mass-weighted centroid); the coarse problem is solved exactly by this same function.
 * The fine candidates are all member pairs of the coarse plan's support plus each point's `k`
 * nearest points of the other cloud. The fine start (option `start`) is by default the greedy
 * plan on the candidates in increasing reduced cost c_ij - u_i - v_j, with v_j the coarse dual of j's
 * group and u_i the c-transform of v over i's candidates (`coarse-duals`; each greedy entry exhausts
 * a row or a column, so the entries form a forest; masses the candidates cannot place are placed by
 * the north-west corner along the Hilbert orders), or on request the coarse optimal plan split among
 * the member points (`coarse-plan`, coarseRefine.ts). Both are forests of at most n + m - 1 entries
 * on the candidate arcs. Below `coarseMin`, the start is the north-west corner along the Hilbert
 * orders.
 *
 * Each pricing pass adds up to `perRow` most violated pairs per row; the simplex resumes from its
 * current basis (still feasible: tree arcs never leave the set). The last pricing pass, which
 * finds no violation above `threshold` = 1e-13 x (largest cost), is the dual part of the certificate.
 */
import type { Points } from '../core/points.ts';
import { dualViolation } from './certificate.ts';
import { refineCoarsePlan } from './coarseRefine.ts';
import type { CostSpec } from './costSpec.ts';
import { dualViolationSqEuclidean } from './dualPricing.ts';
import { hilbertKeys, orderByKeys, orderByValues } from './hilbertOrder.ts';
import { northWest, SparseNetworkSimplex } from './sparseNetworkSimplex.ts';
import { nearestNeighbours, type SpatialBlocks, spatialBlocks } from './spatialBlocks.ts';

/** Result of {@link sparseTransport}. */
export interface SparseTransportResult {
  rows: Int32Array;
  cols: Int32Array;
  mass: Float64Array;
  u: Float64Array;
  v: Float64Array;
  /** last full pricing pass: max violation and an upper bound of max c_ij */
  dual: { max: number; maxAbsCost: number };
  /** pivots (this level) */
  iterations: number;
  /** pricing passes, all levels */
  pricingRounds: number;
  arcs: number;
  /** levels solved (1: no coarse level) */
  levels: number;
  converged: boolean;
  /** why `converged` is false */
  stopReason?: string;
}

/** Options of {@link sparseTransport}. */
export interface SparseTransportOptions {
  /** nearest neighbours per point in the initial arc set (default 4) */
  k?: number;
  /** violated pairs added per row and pricing pass (default 8; 4x on coarse levels) */
  perRow?: number;
  /** pivot cap per level (default 1e9) */
  maxIter?: number;
  /** pricing passes cap per level (default 100) */
  maxRounds?: number;
  /** aggregate a coarse level when both sides have at least this many points (default 600) */
  coarseMin?: number;
  /** points per coarse group (default 4) */
  group?: number;
  /**
   * fine start below a coarse level (default `coarse-duals`): `coarse-duals` is the greedy on the
   * candidate arcs in increasing reduced cost under the coarse duals; `coarse-plan` splits the
   * coarse optimal plan among the member points (coarseRefine.ts). Measured (docs/ot.md):
   * `coarse-plan` needs 13-15 % fewer fine pivots in 2-D but 5-14 % more in 3-D, and is faster
   * only on the larger 2-D instance (4000 x 4000), so it is not the default.
   */
  start?: 'coarse-plan' | 'coarse-duals';
  /**
   * After each pivot shift the potentials of the smaller side of the cut instead of the re-rooted
   * subtree (`SparseNetworkSimplex` option; default false). Measured (docs/ot.md): 30 % fewer
   * potential updates and the same pivots on the bench instances, second call -10 to -17 % CPU; off
   * by default because on degenerate instances (ties) the rounding of the potentials can change the
   * pivot path and end in another optimal plan (costs 1 ulp apart).
   */
  smallerSide?: boolean;
  /**
   * A feasible plan for these (a, b) whose entries form a forest (e.g. the optimal plan of the same
   * masses at other point positions): the simplex starts from it, with its arcs and the k-NN arcs,
   * instead of the coarse levels or the north-west corner. The answer is certified like any other.
   */
  warmStart?: { rows: ArrayLike<number>; cols: ArrayLike<number>; mass: ArrayLike<number> };
  onRound?: (round: number, violated: number, arcs: number, pivots: number) => void;
}

type CloudCost = Extract<CostSpec, { kind: 'sqeuclidean' | 'euclidean' }>;

/**
 * Solve min sum c_ij P_ij over plans with marginals (a, b) > 0 for point-cloud costs (see the file
 * comment). Returns a basic plan (at most n + m - 1 entries), duals with u_i + v_j = c_ij on it, and
 * the last all-pairs pricing pass (`dual.max` <= 1e-13 x largest cost when `converged`).
 * Inputs are not validated here (`emd` does that): weights must be positive with equal totals.
 * @param cost `sqeuclidean` or `euclidean` clouds (n = a.length, m = b.length, same dimension).
 * @throws Error only on an internal inconsistency of the simplex (never observed).
 */
export function sparseTransport(a: Float64Array, b: Float64Array, cost: CloudCost, opts: SparseTransportOptions = {}): SparseTransportResult {
  const { x, y } = cost;
  const n = x.n;
  const m = y.n;
  const d = x.dim;
  const sq = cost.kind === 'sqeuclidean';
  const xd = x.data;
  const yd = y.data;
  const c = (i: number, j: number): number => {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const z = xd[i * d + t] - yd[j * d + t];
      s += z * z;
    }
    return sq ? s : Math.sqrt(s);
  };
  // grid resolution: 2^(4 d) cells per point (ties, i.e. shared cells, are rare) and keys small
  // enough for orderByKeys' packed native sort
  const bits = Math.min(Math.ceil(Math.log2(n + m) / d) + 4, Math.floor((52 - Math.ceil(Math.log2(n + m + 1))) / d));
  const [kx, ky] = hilbertKeys([x, y], bits);
  const rowOrder = orderByKeys(kx);
  const colOrder = orderByKeys(ky);
  const k = Math.min(opts.k ?? 4, n, m);
  const perRow = opts.perRow ?? 8;
  const maxIter = opts.maxIter ?? 1e9;
  const maxRounds = opts.maxRounds ?? 100;
  const coarseMin = opts.coarseMin ?? 600;
  const group = opts.group ?? 4;
  const ns = new SparseNetworkSimplex(a, b, c, (n + m) * (2 * k + 8), { smallerSide: opts.smallerSide });
  let levels = 1;
  let pricingRounds = 0;
  if (opts.warmStart) {
    addNearest(ns, x, y, k, rowOrder, colOrder);
    ns.startFromForest(opts.warmStart.rows, opts.warmStart.cols, opts.warmStart.mass);
  } else if (Math.min(n, m) >= coarseMin) {
    const gx = aggregate(x, a, rowOrder, group);
    const gy = aggregate(y, b, colOrder, group);
    // coarse levels collect 4x more violated pairs per pass (fewer passes; their extra arcs are cheap)
    const coarse = sparseTransport(gx.mass, gy.mass, { kind: cost.kind, x: gx.points, y: gy.points }, { ...opts, onRound: undefined, perRow: 4 * perRow });
    levels = coarse.levels + 1;
    pricingRounds = coarse.pricingRounds;
    // candidates: member pairs of the coarse support, then k-NN
    for (let t = 0; t < coarse.rows.length; t++) {
      const I = coarse.rows[t];
      const J = coarse.cols[t];
      const i1 = Math.min(n, (I + 1) * group);
      const j1 = Math.min(m, (J + 1) * group);
      for (let p = I * group; p < i1; p++) for (let q = J * group; q < j1; q++) ns.addArc(rowOrder[p], colOrder[q]);
    }
    addNearest(ns, x, y, k, rowOrder, colOrder);
    const start =
      opts.start === 'coarse-plan'
        ? refineCoarsePlan(a, b, { ...coarse, x: gx.points, y: gy.points, rowOrder, colOrder, group }, c, pointToCentroid(x, gy.points, sq), pointToCentroid(y, gx.points, sq, true))
        : greedyStart(ns, a, b, coarseDualsOnColumns(coarse.v, colOrder, group), rowOrder, colOrder);
    ns.startFromForest(start.rows, start.cols, start.mass);
  } else {
    addNearest(ns, x, y, k, rowOrder, colOrder);
    ns.startNorthWest(rowOrder, colOrder);
  }
  let scale = 0;
  for (let t = 0; t < Math.min(n, m); t++) scale = Math.max(scale, c(rowOrder[t], colOrder[t]));
  let dual = { max: Infinity, maxAbsCost: 0 };
  let converged = false;
  let duals = ns.duals();
  let stopReason: string | undefined;
  let rounds = 0;
  let blocks: { x: SpatialBlocks; y: SpatialBlocks } | undefined;
  for (;;) {
    const solved = ns.run(maxIter, 1e-14 * scale);
    duals = ns.duals();
    if (!solved) {
      stopReason = `pivot budget of ${maxIter} exhausted`;
      break;
    }
    if (rounds >= maxRounds) {
      stopReason = `${maxRounds} pricing passes without dual feasibility`;
      break;
    }
    const rows: number[] = [];
    const cols: number[] = [];
    const threshold = 1e-13 * Math.max(scale, dual.maxAbsCost);
    const collect = { threshold, perRow, rows, cols };
    let r: { max: number; maxAbsCost: number };
    if (sq && n >= 64 && m >= 64) {
      // the pricing blocks are built once per level (in 3-D along the Hilbert orders above)
      const size = d >= 3 ? 8 : 16;
      blocks ??= { x: spatialBlocks(x, size, rowOrder), y: spatialBlocks(y, size, colOrder) };
      r = dualViolationSqEuclidean(x, y, duals.u, duals.v, collect, size, blocks);
    } else r = dualViolation(cost, duals.u, duals.v, collect);
    rounds++;
    dual = { max: r.max, maxAbsCost: r.maxAbsCost };
    if (r.maxAbsCost > scale) scale = r.maxAbsCost;
    let added = 0;
    for (let t = 0; t < rows.length; t++) if (ns.addArc(rows[t], cols[t]) >= 0) added++;
    opts.onRound?.(pricingRounds + rounds, rows.length, ns.arcs, ns.iterations);
    if (rows.length === 0) {
      converged = true;
      break;
    }
    if (added === 0) {
      // violated pairs that are already arcs: the restricted solve stopped above its tolerance
      stopReason = 'pricing found violated pairs already in the arc set';
      break;
    }
  }
  const plan = ns.plan();
  return { ...plan, u: duals.u, v: duals.v, dual, iterations: ns.iterations, pricingRounds: pricingRounds + rounds, arcs: ns.arcs, levels, converged, stopReason };
}

/** Each point's k nearest points of the other cloud, both ways, as arcs (blocks along the Hilbert orders in 3-D and above). */
function addNearest(ns: SparseNetworkSimplex, x: Points, y: Points, k: number, rowOrder: Int32Array, colOrder: Int32Array): void {
  if (k <= 0) return;
  const nnY = nearestNeighbours(x, y, k, spatialBlocks(y, 32, colOrder));
  for (let i = 0; i < x.n; i++) for (let t = 0; t < k; t++) ns.addArc(i, nnY[i * k + t]);
  const nnX = nearestNeighbours(y, x, k, spatialBlocks(x, 32, rowOrder));
  for (let j = 0; j < y.n; j++) for (let t = 0; t < k; t++) ns.addArc(nnX[j * k + t], j);
}

/** The coarse column duals on the fine columns (each column gets its group's). */
function coarseDualsOnColumns(V: Float64Array, colOrder: Int32Array, group: number): Float64Array {
  const v = new Float64Array(colOrder.length);
  for (let q = 0; q < colOrder.length; q++) v[colOrder[q]] = V[Math.floor(q / group)];
  return v;
}

/**
 * Cost between a point of `p` and a centroid of `g`, as (point, centroid) or, with `swap`,
 * (centroid, point) (the argument order of {@link refineCoarsePlan}'s cost callbacks).
 */
function pointToCentroid(p: Points, g: Points, sq: boolean, swap = false): (s: number, t: number) => number {
  const d = p.dim;
  const pd = p.data;
  const gd = g.data;
  const f = (i: number, J: number): number => {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const z = pd[i * d + t] - gd[J * d + t];
      s += z * z;
    }
    return sq ? s : Math.sqrt(s);
  };
  return swap ? (I, j) => f(j, I) : f;
}

/** Groups of `group` consecutive points along `order`: total mass at the mass-weighted centroid. */
function aggregate(p: Points, w: Float64Array, order: Int32Array, group: number): { points: Points; mass: Float64Array } {
  const d = p.dim;
  const G = Math.ceil(p.n / group);
  const data = new Float64Array(G * d);
  const mass = new Float64Array(G);
  for (let q = 0; q < p.n; q++) {
    const g = Math.floor(q / group);
    const i = order[q];
    mass[g] += w[i];
    for (let c = 0; c < d; c++) data[g * d + c] += w[i] * p.data[i * d + c];
  }
  for (let g = 0; g < G; g++) for (let c = 0; c < d; c++) data[g * d + c] /= mass[g];
  return { points: { data, n: G, dim: d }, mass };
}

/**
 * Greedy plan on the arcs of `ns` in increasing c_ij - u_i - v_j (u = c-transform of v over the
 * arcs), completed by the north-west corner along the orders; positive entries form a forest.
 */
function greedyStart(
  ns: SparseNetworkSimplex,
  a: Float64Array,
  b: Float64Array,
  v: Float64Array,
  rowOrder: Int32Array,
  colOrder: Int32Array,
): { rows: number[]; cols: number[]; mass: number[] } {
  const { arcRow, arcCol, arcCost } = ns.arcArrays();
  const E = ns.arcs;
  const n = a.length;
  const u = new Float64Array(n).fill(Infinity);
  for (let e = 0; e < E; e++) {
    const r = arcCost[e] - v[arcCol[e]];
    if (r < u[arcRow[e]]) u[arcRow[e]] = r;
  }
  const red = new Float64Array(E);
  for (let e = 0; e < E; e++) red[e] = arcCost[e] - u[arcRow[e]] - v[arcCol[e]];
  // increasing reduced cost (the native sort of orderByValues: no comparator to compile in a first call)
  const idx = orderByValues(red);
  const ra = Float64Array.from(a);
  const rb = Float64Array.from(b);
  const rows: number[] = [];
  const cols: number[] = [];
  const mass: number[] = [];
  for (let t = 0; t < E; t++) {
    const e = idx[t];
    const i = arcRow[e];
    const j = arcCol[e];
    const f = Math.min(ra[i], rb[j]);
    if (!(f > 0)) continue;
    rows.push(i);
    cols.push(j);
    mass.push(f);
    // exhaust exactly one side (the smaller), so every entry removes a node from later entries
    if (ra[i] <= rb[j]) {
      rb[j] -= ra[i];
      ra[i] = 0;
    } else {
      ra[i] -= rb[j];
      rb[j] = 0;
    }
  }
  const restR = rowOrder.filter((i) => ra[i] > 0);
  const restC = colOrder.filter((j) => rb[j] > 0);
  if (restR.length > 0 && restC.length > 0) northWest(a, b, restR, restC, rows, cols, mass, ra, rb);
  return { rows, cols, mass };
}
