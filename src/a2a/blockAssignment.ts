/**
 * Exact A2A assignment for grouped conditions: split the rows by their condition pair z, solve
 * one assignment per block, then PROVE that the block-diagonal permutation is optimal for the
 * full N x N problem, or report that it is not.
 *
 * Both sides of the A2A problem carry the same multiset of condition pairs z_i (see coupling.ts),
 * so the block-diagonal permutation is feasible. Optimality certificate (LP duality): each block b
 * gives duals (u, v) with u_i + v_j <= C_ij inside the block and equality on its assignment. Shifting
 * a block's duals by a_b (u + a_b, v - a_b) keeps that; across blocks b -> b' we need
 * a_b - a_b' <= D_bb' = min_{i in b, j in b'} (C_ij - u_i - v_j), a system of difference
 * constraints, feasible iff the graph with edge weights D_bb' has no negative cycle
 * (Bellman-Ford on the K blocks). Feasible shifts make (u, v) dual feasible for all N^2 pairs,
 * with complementary slackness on the permutation: the permutation is optimal.
 */
import { makePoints } from '../core/points.ts';
import { solveAssignment } from '../ot/assignment.ts';

/** Result of {@link blockAssignment}: the permutation when certified, else null. */
export interface BlockAssignmentResult {
  perm: Int32Array | null;
  blocks: number;
  /** Smallest slack of the certificate (>= -tol when certified). */
  minSlack: number;
}

/**
 * @param src, tgt augmented points [x, sqrt(beta) c1, sqrt(beta) c2], n x w, row-major; the last
 *   2 dc coordinates of row i are equal on both sides (the condition pair z_i).
 * @param dx leading x coordinates.
 * @param maxBlocks give up (perm null) when there are more distinct z than this.
 */
export function blockAssignment(src: Float64Array, tgt: Float64Array, n: number, w: number, dx: number, maxBlocks: number): BlockAssignmentResult {
  // group rows by the bits of z
  const keyOf = new Map<string, number>();
  const blockOf = new Int32Array(n);
  const zw = w - dx;
  for (let i = 0; i < n; i++) {
    let key = '';
    for (let k = 0; k < zw; k++) key += `${src[i * w + dx + k]},`;
    let b = keyOf.get(key);
    if (b === undefined) {
      b = keyOf.size;
      keyOf.set(key, b);
      if (b >= maxBlocks) return { perm: null, blocks: b + 1, minSlack: Number.NaN };
    }
    blockOf[i] = b;
  }
  const K = keyOf.size;
  const members: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) members[blockOf[i]].push(i);
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  const perm = new Int32Array(n);
  let maxAbs = 0;
  for (const rows of members) {
    const m = rows.length;
    const xs = new Float64Array(m * dx);
    const ys = new Float64Array(m * dx);
    rows.forEach((r, a) => {
      for (let k = 0; k < dx; k++) {
        xs[a * dx + k] = src[r * w + k];
        ys[a * dx + k] = tgt[r * w + k];
      }
    });
    const res = solveAssignment({ kind: 'sqeuclidean', x: makePoints(xs, m, dx), y: makePoints(ys, m, dx) });
    if (!res.converged) return { perm: null, blocks: K, minSlack: Number.NaN };
    rows.forEach((r, a) => {
      perm[r] = rows[res.rowToCol[a]];
      u[r] = res.u[a];
      v[r] = res.v[a];
      maxAbs = Math.max(maxAbs, Math.abs(res.u[a]), Math.abs(res.v[a]));
    });
  }
  // D[b * K + b'] = min over i in b, j in b' of C_ij - u_i - v_j
  const D = new Float64Array(K * K).fill(Number.POSITIVE_INFINITY);
  let maxCost = 0;
  for (let i = 0; i < n; i++) {
    const bi = blockOf[i] * K;
    const ui = u[i];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < w; k++) {
        const d = src[i * w + k] - tgt[j * w + k];
        s += d * d;
      }
      if (s > maxCost) maxCost = s;
      const slack = s - ui - v[j];
      const e = bi + blockOf[j];
      if (slack < D[e]) D[e] = slack;
    }
  }
  const tol = 1e-12 * (maxCost + 2 * maxAbs);
  let minSlack = Number.POSITIVE_INFINITY;
  for (let b = 0; b < K; b++) minSlack = Math.min(minSlack, D[b * K + b]);
  if (minSlack < -tol) return { perm: null, blocks: K, minSlack };
  // Bellman-Ford: a_b' <= a_b ... written as a_b - a_b' <= D_bb'  <=>  a_b <= a_b' + D_bb' (edge b' -> b)
  const a = new Float64Array(K);
  for (let it = 0; it <= K; it++) {
    let changed = false;
    for (let b = 0; b < K; b++) {
      for (let c = 0; c < K; c++) {
        if (b === c) continue;
        const cand = a[c] + D[b * K + c] + tol;
        if (cand < a[b]) {
          a[b] = cand;
          changed = true;
        }
      }
    }
    if (!changed) {
      // final slack check with the shifts applied
      let worst = Number.POSITIVE_INFINITY;
      for (let b = 0; b < K; b++) for (let c = 0; c < K; c++) worst = Math.min(worst, D[b * K + c] - (a[b] - a[c]));
      return { perm, blocks: K, minSlack: worst };
    }
  }
  return { perm: null, blocks: K, minSlack: Number.NEGATIVE_INFINITY }; // negative cycle: not optimal
}
