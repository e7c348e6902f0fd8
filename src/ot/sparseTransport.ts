/**
 * Exact OT between weighted point clouds without the dense cost matrix: the network simplex runs on
 * a sparse candidate arc set and all n m pairs are priced with its duals, by blocks, until none
 * violates dual feasibility (then the plan is optimal for the full problem, by LP duality).
 *
 * Candidates: the north-west-corner arcs along the clouds sorted by the first coordinate (these make
 * the restricted problem feasible and are the starting basis), plus for each point its `k` nearest
 * points of the other cloud. Each pricing pass adds up to `perRow` most violated pairs per row; the
 * simplex resumes from its current basis (still feasible: tree arcs never leave the set).
 * The last pricing pass, which finds no violation above `threshold`, is the dual part of the
 * certificate.
 */
import { dualViolation } from './certificate.ts';
import type { CostSpec } from './costSpec.ts';
import { dualViolationSqEuclidean } from './dualPricing.ts';
import { hilbertKeys, orderByKeys } from './hilbertOrder.ts';
import { SparseNetworkSimplex } from './sparseNetworkSimplex.ts';
import { nearestNeighbours } from './spatialBlocks.ts';

/** Result of {@link sparseTransport}. */
export interface SparseTransportResult {
  rows: Int32Array;
  cols: Int32Array;
  mass: Float64Array;
  u: Float64Array;
  v: Float64Array;
  /** last full pricing pass: max violation and an upper bound of max c_ij */
  dual: { max: number; maxAbsCost: number };
  iterations: number;
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
  /** nearest neighbours per point in the initial arc set (default 8) */
  k?: number;
  /** violated pairs added per row and pricing pass (default 8) */
  perRow?: number;
  /** pivot cap over all rounds (default 1e9) */
  maxIter?: number;
  /** pricing passes cap (default 100) */
  maxRounds?: number;
  onRound?: (round: number, violated: number, arcs: number, pivots: number) => void;
}

/**
 * Solve min sum c_ij P_ij over plans with marginals (a, b) > 0 for point-cloud costs.
 * @param cost `sqeuclidean` or `euclidean` clouds (n = a.length, m = b.length).
 */
export function sparseTransport(
  a: Float64Array,
  b: Float64Array,
  cost: Extract<CostSpec, { kind: 'sqeuclidean' | 'euclidean' }>,
  opts: SparseTransportOptions = {},
): SparseTransportResult {
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
  const [kx, ky] = hilbertKeys([x, y]);
  const rowOrder = orderByKeys(kx);
  const colOrder = orderByKeys(ky);
  const k = Math.min(opts.k ?? 8, n, m);
  const perRow = opts.perRow ?? 8;
  const maxIter = opts.maxIter ?? 1e9;
  const maxRounds = opts.maxRounds ?? 100;
  const ns = new SparseNetworkSimplex(a, b, rowOrder, colOrder, c, (n + m) * (2 * k + 2));
  if (k > 0) {
    const nnY = nearestNeighbours(x, y, k);
    for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) ns.addArc(i, nnY[i * k + t]);
    const nnX = nearestNeighbours(y, x, k);
    for (let j = 0; j < m; j++) for (let t = 0; t < k; t++) ns.addArc(nnX[j * k + t], j);
  }
  // scale of the costs for the tolerances: the largest cost on the initial arcs, then the pricing bound
  let scale = 0;
  for (let t = 0; t < Math.min(n, m); t++) scale = Math.max(scale, c(rowOrder[t], colOrder[t]));
  let pricingRounds = 0;
  let dual = { max: Infinity, maxAbsCost: 0 };
  let converged = false;
  let duals = ns.duals();
  let stopReason: string | undefined;
  for (;;) {
    const solved = ns.run(maxIter, 1e-14 * scale);
    duals = ns.duals();
    if (!solved) {
      stopReason = `pivot budget of ${maxIter} exhausted`;
      break;
    }
    if (pricingRounds >= maxRounds) {
      stopReason = `${maxRounds} pricing passes without dual feasibility`;
      break;
    }
    const rows: number[] = [];
    const cols: number[] = [];
    const threshold = 1e-13 * Math.max(scale, dual.maxAbsCost);
    const collect = { threshold, perRow, rows, cols };
    const r = sq && n >= 64 && m >= 64 ? dualViolationSqEuclidean(x, y, duals.u, duals.v, collect) : dualViolation(cost, duals.u, duals.v, collect);
    pricingRounds++;
    dual = { max: r.max, maxAbsCost: r.maxAbsCost };
    if (r.maxAbsCost > scale) scale = r.maxAbsCost;
    let added = 0;
    for (let t = 0; t < rows.length; t++) if (ns.addArc(rows[t], cols[t]) >= 0) added++;
    opts.onRound?.(pricingRounds, rows.length, ns.arcs, ns.iterations);
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
  return { ...plan, u: duals.u, v: duals.v, dual, iterations: ns.iterations, pricingRounds, arcs: ns.arcs, levels: 1, converged, stopReason };
}

