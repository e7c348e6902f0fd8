/**
 * Exact OT on the line by the monotone (sorted) coupling: for costs that are convex functions of
 * x - y (|x - y| and |x - y|^2), the north-west-corner plan along both sorted orders is optimal, for
 * any weights. Potentials come from the staircase spanning tree (complementary slackness on its
 * arcs) and c-transforms for zero-weight points; the caller certifies them over all pairs.
 */
import type { Points } from '../core/points.ts';
import type { SparsePlan } from './certificate.ts';

/**
 * Sorted-coupling plan and potentials for 1-D clouds.
 * @param wa, wb non-negative weights with equal totals.
 * @param sq true for |x - y|^2, false for |x - y|.
 */
export function emdSorted1d(
  x: Points,
  y: Points,
  wa: Float64Array,
  wb: Float64Array,
  sq: boolean,
): { plan: SparsePlan; u: Float64Array; v: Float64Array } {
  const xd = x.data;
  const yd = y.data;
  const c = (i: number, j: number) => {
    const t = xd[i] - yd[j];
    return sq ? t * t : Math.abs(t);
  };
  const rows = Int32Array.from({ length: x.n }, (_, i) => i)
    .filter((i) => wa[i] > 0)
    .sort((p, q) => xd[p] - xd[q]);
  const cols = Int32Array.from({ length: y.n }, (_, j) => j)
    .filter((j) => wb[j] > 0)
    .sort((p, q) => yd[p] - yd[q]);
  const u = new Float64Array(x.n).fill(Number.NaN);
  const v = new Float64Array(y.n).fill(Number.NaN);
  const pr: number[] = [];
  const pc: number[] = [];
  const pm: number[] = [];
  let ri = 0;
  let cj = 0;
  let r = rows[0];
  let col = cols[0];
  u[r] = 0;
  v[col] = c(r, col);
  let ra = wa[r];
  let rb = wb[col];
  for (;;) {
    const f = ra < rb ? ra : rb;
    if (f > 0) {
      pr.push(r);
      pc.push(col);
      pm.push(f);
    }
    ra -= f;
    rb -= f;
    if (ri === rows.length - 1 && cj === cols.length - 1) break;
    if ((ra > 0 && cj < cols.length - 1) || ri === rows.length - 1) {
      col = cols[++cj];
      v[col] = c(r, col) - u[r]; // tree arc (r, col): u_r + v_col = c
      rb = wb[col];
    } else {
      r = rows[++ri];
      u[r] = c(r, col) - v[col];
      ra = wa[r];
    }
  }
  // zero-weight points: c-transforms keep the duals feasible
  for (let j = 0; j < y.n; j++) {
    if (!Number.isNaN(v[j])) continue;
    let best = Infinity;
    for (const i of rows) best = Math.min(best, c(i, j) - u[i]);
    v[j] = best;
  }
  for (let i = 0; i < x.n; i++) {
    if (!Number.isNaN(u[i])) continue;
    let best = Infinity;
    for (let j = 0; j < y.n; j++) best = Math.min(best, c(i, j) - v[j]);
    u[i] = best;
  }
  return { plan: { rows: Int32Array.from(pr), cols: Int32Array.from(pc), mass: Float64Array.from(pm) }, u, v };
}
