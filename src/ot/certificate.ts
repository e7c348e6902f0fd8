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
  const row = new Float64Array(m);
  let max = 0;
  let maxAbs = 0;
  const cand: number[] = [];
  for (let i = 0; i < n; i++) {
    costRow(cost, i, row);
    const ui = u[i];
    let rowMax = -Infinity;
    for (let j = 0; j < m; j++) {
      const c = row[j];
      const viol = ui + v[j] - c;
      if (viol > rowMax) rowMax = viol;
      const ac = c < 0 ? -c : c;
      if (ac > maxAbs) maxAbs = ac;
    }
    if (rowMax > max) max = rowMax;
    if (collect && rowMax > collect.threshold) {
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
  const dual = known ?? dualViolation(cost, u, v);
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
    if (w > 0) {
      const s = Math.abs(c - u[i] - v[j]);
      if (s > slack) slack = s;
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
  const optimal = dual.max <= tolerance && slack <= tolerance && marg <= relTol * massA;
  return {
    maxDualViolation: dual.max,
    maxSlackViolation: slack,
    marginalError: marg,
    dualityGap: primal - dualObj,
    tolerance,
    optimal,
  };
}
