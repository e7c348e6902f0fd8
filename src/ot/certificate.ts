/**
 * Optimality certificate of a discrete transport plan (linear-programming duality).
 *
 * A plan P >= 0 with marginals (a, b) is optimal for min <C, P> iff there are potentials (u, v) with
 *   dual feasibility        u_i + v_j <= c_ij            for every (i, j),
 *   complementary slackness u_i + v_j  = c_ij            wherever P_ij > 0.
 * Then <C, P> = sum_i a_i u_i + sum_j b_j v_j. The certificate measures the three residuals
 * (the dual check is a full pass over all n m pairs, costs computed on the fly).
 */
import { type CostSpec, costAt, costRow, costShape } from './costSpec.ts';
import { dualViolationSqEuclidean } from './dualPricing.ts';
import { spatialBlocks } from './spatialBlocks.ts';

/** Sparse plan: `mass[k]` is moved from source `rows[k]` to target `cols[k]`. */
export interface SparsePlan {
  rows: Int32Array;
  cols: Int32Array;
  mass: Float64Array;
}

/** Residuals of the optimality conditions and the verdict. */
export interface Certificate {
  /** max over all (i, j) of max(0, u_i + v_j - c_ij). */
  maxDualViolation: number;
  /** max over plan entries with mass > 0 of |c_ij - u_i - v_j|. */
  maxSlackViolation: number;
  /** max over rows and columns of |plan marginal - given weight|. */
  marginalError: number;
  /** primal cost <C, P> minus the dual objective sum a u + sum b v. */
  dualityGap: number;
  /** tolerance used for the verdict: `relTol * max |c_ij|` for the duals, `relTol * sum a` for marginals. */
  tolerance: number;
  /** all three residuals within tolerance. */
  optimal: boolean;
}

/**
 * Largest dual violation max(0, max_ij u_i + v_j - c_ij) and the largest |c_ij|, in one pass.
 * When `collect` is given, pairs with u_i + v_j - c_ij > `threshold` are pushed to it
 * (at most `perRow` per row, the worst first).
 */
export function dualViolation(
  cost: CostSpec,
  u: Float64Array,
  v: Float64Array,
  collect?: { threshold: number; perRow: number; rows: number[]; cols: number[] },
): { max: number; maxAbsCost: number } {
  const { n, m } = costShape(cost);
  if (cost.kind === 'sqeuclidean' && n * m >= 4e6 && m >= 256 && n >= 256) {
    const r = dualViolationSqEuclidean(cost.x, cost.y, u, v, collect);
    return { max: r.max, maxAbsCost: r.maxAbsCost };
  }
  if (cost.kind !== 'matrix' && n * m >= 4e6 && m >= 256) return dualViolationPruned(cost, u, v, collect);
  const row = new Float64Array(m);
  let max = 0;
  let maxAbs = 0;
  const cand: number[] = [];
  const fused2d = cost.kind === 'sqeuclidean' && cost.x.dim === 2;
  const xd = fused2d ? cost.x.data : row;
  const yd = fused2d ? cost.y.data : row;
  for (let i = 0; i < n; i++) {
    const ui = u[i];
    let rowMax = -Infinity;
    let cMax = 0;
    let cMin = 0;
    if (fused2d) {
      // same arithmetic as costRow, fused to avoid a pass through memory
      const a0 = xd[2 * i];
      const a1 = xd[2 * i + 1];
      for (let j = 0; j < m; j++) {
        const t0 = a0 - yd[2 * j];
        const t1 = a1 - yd[2 * j + 1];
        const c = t0 * t0 + t1 * t1;
        const viol = ui + v[j] - c;
        rowMax = viol > rowMax ? viol : rowMax;
        cMax = c > cMax ? c : cMax;
      }
    } else {
      costRow(cost, i, row);
      for (let j = 0; j < m; j++) {
        const c = row[j];
        const viol = ui + v[j] - c;
        rowMax = viol > rowMax ? viol : rowMax;
        cMax = c > cMax ? c : cMax;
        cMin = c < cMin ? c : cMin;
      }
    }
    if (cMax > maxAbs) maxAbs = cMax;
    if (-cMin > maxAbs) maxAbs = -cMin;
    if (rowMax > max) max = rowMax;
    if (collect && rowMax > collect.threshold) {
      if (fused2d) costRow(cost, i, row);
      cand.length = 0;
      for (let j = 0; j < m; j++) if (ui + v[j] - row[j] > collect.threshold) cand.push(j);
      if (cand.length > collect.perRow) {
        cand.sort((p, q) => ui + v[q] - row[q] - (ui + v[p] - row[p]));
        cand.length = collect.perRow;
      }
      for (const j of cand) {
        collect.rows.push(i);
        collect.cols.push(j);
      }
    }
  }
  return { max, maxAbsCost: maxAbs };
}

/**
 * Check a plan and potentials against the optimality conditions.
 * @param a, b weights (length n and m).
 * @param relTol relative tolerance of the verdict (default 1e-9).
 * @param known a precomputed {@link dualViolation} result for the same (cost, u, v), to skip the O(nm) pass.
 */
export function certifyPlan(
  a: Float64Array,
  b: Float64Array,
  cost: CostSpec,
  plan: SparsePlan,
  potentials: { u: Float64Array; v: Float64Array },
  relTol = 1e-9,
  known?: { max: number; maxAbsCost: number },
): Certificate {
  const { n, m } = costShape(cost);
  const { u, v } = potentials;
  let finite = u.length === n && v.length === m;
  for (let i = 0; finite && i < n; i++) finite = Number.isFinite(u[i]);
  for (let j = 0; finite && j < m; j++) finite = Number.isFinite(v[j]);
  // non-finite potentials certify nothing: report an infinite violation instead of comparing NaNs
  const dual = finite ? (known ?? dualViolation(cost, u, v)) : { max: Infinity, maxAbsCost: Infinity };
  const rowSum = new Float64Array(n);
  const colSum = new Float64Array(m);
  let slack = 0;
  let primal = 0;
  for (let k = 0; k < plan.mass.length; k++) {
    const i = plan.rows[k];
    const j = plan.cols[k];
    const w = plan.mass[k];
    rowSum[i] += w;
    colSum[j] += w;
    const c = costAt(cost, i, j);
    primal += w * c;
    if (!(w >= 0) || !Number.isFinite(w)) slack = Infinity;
    if (w > 0) {
      const s = Math.abs(c - u[i] - v[j]);
      if (!(s <= slack)) slack = s;
    }
  }
  let marg = 0;
  let dualObj = 0;
  let massA = 0;
  for (let i = 0; i < n; i++) {
    marg = Math.max(marg, Math.abs(rowSum[i] - a[i]));
    dualObj += a[i] * u[i];
    massA += a[i];
  }
  for (let j = 0; j < m; j++) {
    marg = Math.max(marg, Math.abs(colSum[j] - b[j]));
    dualObj += b[j] * v[j];
  }
  const tolerance = relTol * Math.max(dual.maxAbsCost, Number.MIN_VALUE);
  const optimal = finite && dual.max <= tolerance && slack <= tolerance && marg <= relTol * massA;
  return {
    maxDualViolation: dual.max,
    maxSlackViolation: slack,
    marginalError: marg,
    dualityGap: primal - dualObj,
    tolerance,
    optimal,
  };
}

/**
 * {@link dualViolation} for point clouds with block pruning: columns are grouped into spatial
 * blocks of 32 with bounding boxes; a block is skipped for row i when
 *   u_i + max_{j in block} v_j - (distance from x_i to the box)^p <= 0,
 * since then no pair in it can violate u_i + v_j <= c_ij (the box distance is a lower bound of
 * every c_ij in the block; a relative 1e-12 safety margin covers its rounding). Every other pair is
 * evaluated exactly as in the full pass, so the returned maximum is that of the full pass.
 * `maxAbsCost` is here an upper bound of max c_ij (distance to the farthest box corner).
 */
function dualViolationPruned(
  cost: Extract<CostSpec, { kind: 'sqeuclidean' | 'euclidean' }>,
  u: Float64Array,
  v: Float64Array,
  collect?: { threshold: number; perRow: number; rows: number[]; cols: number[] },
): { max: number; maxAbsCost: number } {
  const B = 32;
  const { x, y } = cost;
  const d = x.dim;
  const n = x.n;
  const m = y.n;
  const sq = cost.kind === 'sqeuclidean';
  const { order, count: nb, lo, hi } = spatialBlocks(y, B);
  const vmax = new Float64Array(nb).fill(-Infinity);
  for (let t = 0; t < m; t++) {
    const b = Math.floor(t / B);
    const vj = v[order[t]];
    if (vj > vmax[b]) vmax[b] = vj;
  }
  const xd = x.data;
  const yd = y.data;
  let max = 0;
  let maxUpper = 0;
  const candJ: number[] = [];
  const candV: number[] = [];
  for (let i = 0; i < n; i++) {
    const ui = u[i];
    const xb = i * d;
    candJ.length = 0;
    candV.length = 0;
    for (let b = 0; b < nb; b++) {
      let lb = 0;
      let ub = 0;
      const bb = b * d;
      for (let c = 0; c < d; c++) {
        const xc = xd[xb + c];
        const l = lo[bb + c];
        const h = hi[bb + c];
        const gap = xc < l ? l - xc : xc > h ? xc - h : 0;
        lb += gap * gap;
        const far = xc - l > h - xc ? xc - l : h - xc;
        ub += far * far;
      }
      if (ub > maxUpper) maxUpper = ub;
      const lbc = (sq ? lb : Math.sqrt(lb)) * (1 - 1e-12);
      if (ui + vmax[b] - lbc <= 0) continue;
      const tEnd = Math.min(m, (b + 1) * B);
      for (let t = b * B; t < tEnd; t++) {
        const j = order[t];
        const jb = j * d;
        let s = 0;
        for (let c = 0; c < d; c++) {
          const q = xd[xb + c] - yd[jb + c];
          s += q * q;
        }
        const cij = sq ? s : Math.sqrt(s);
        const viol = ui + v[j] - cij;
        if (viol > max) max = viol;
        if (collect && viol > collect.threshold) {
          candJ.push(j);
          candV.push(viol);
        }
      }
    }
    if (collect && candJ.length > 0) {
      const idx = candJ.map((_, t) => t);
      if (idx.length > collect.perRow) {
        idx.sort((p, q) => candV[q] - candV[p]);
        idx.length = collect.perRow;
      }
      for (const t of idx) {
        collect.rows.push(i);
        collect.cols.push(candJ[t]);
      }
    }
  }
  return { max, maxAbsCost: sq ? maxUpper : Math.sqrt(maxUpper) };
}
