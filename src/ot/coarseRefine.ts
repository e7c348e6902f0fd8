/**
 * A fine transport plan refined from an optimal coarse one (the start of the multiscale network
 * simplex, sparseTransport.ts): each coarse entry's mass F_IJ is split among the member points of
 * its row group I and column group J, so the fine plan has the coarse plan's mass on every pair of
 * groups and, up to rounding, the fine marginals.
 *
 * Three small greedy transports per coarse group / entry, each setting entries that exhaust one of
 * their two sides (so each is a forest):
 * 1. rows of I against the coarse entries (I, J) (capacities F_IJ), in increasing
 *    c(x_i, ybar_J) - V_J (V: coarse column duals, ybar_J: the group's centroid);
 * 2. columns of J against the entries (I, J), in increasing c(xbar_I, y_j) - U_I;
 * 3. inside each entry (I, J), its share of the rows against its share of the columns, in
 *    increasing c(x_i, y_j).
 * The result is a forest: steps 1 and 2 glue the fine points to the coarse entries along a forest
 * (the coarse support is one, and each group's split is one), and step 3 replaces each coarse
 * entry, joined to its shares, by a forest on those shares. It has at most n + m - 1 entries.
 */
import type { Points } from '../core/points.ts';

/** The coarse problem's solution and grouping, as used by {@link refineCoarsePlan}. */
export interface CoarseLevel {
  /** coarse plan entries (group indices, mass > 0) */
  rows: Int32Array;
  cols: Int32Array;
  mass: Float64Array;
  /** coarse duals */
  u: Float64Array;
  v: Float64Array;
  /** group centroids */
  x: Points;
  y: Points;
  /** fine points along their group order: group g holds order[g * group ... (g + 1) * group - 1] */
  rowOrder: Int32Array;
  colOrder: Int32Array;
  group: number;
}

/**
 * Split the coarse plan among the fine points (see the file comment).
 * @param a fine row masses (n), b fine column masses (m); group totals equal the coarse marginals.
 * @param c fine cost c(i, j); `cx(i, J)` and `cy(I, j)`: cost of fine point to coarse centroid.
 * @returns plan entries (fine indices), a forest with marginals (a, b) up to rounding.
 */
export function refineCoarsePlan(
  a: Float64Array,
  b: Float64Array,
  coarse: CoarseLevel,
  c: (i: number, j: number) => number,
  cx: (i: number, J: number) => number,
  cy: (I: number, j: number) => number,
): { rows: number[]; cols: number[]; mass: number[] } {
  const K = coarse.rows.length;
  const GI = coarse.x.n;
  const GJ = coarse.y.n;
  // row shares: (entry, fine row, mass), then column shares
  const rowShare = splitGroups(a, coarse.rows, coarse.cols, coarse.mass, GI, coarse.rowOrder, coarse.group, (i, J) => cx(i, J) - coarse.v[J]);
  const colShare = splitGroups(b, coarse.cols, coarse.rows, coarse.mass, GJ, coarse.colOrder, coarse.group, (j, I) => cy(I, j) - coarse.u[I]);
  const rs = byEntry(rowShare, K);
  const cs = byEntry(colShare, K);
  const rows: number[] = [];
  const cols: number[] = [];
  const mass: number[] = [];
  const keys: number[] = [];
  const pi: number[] = [];
  const pj: number[] = [];
  for (let t = 0; t < K; t++) {
    const r0 = rs.start[t];
    const r1 = rs.start[t + 1];
    const c0 = cs.start[t];
    const c1 = cs.start[t + 1];
    keys.length = 0;
    pi.length = 0;
    pj.length = 0;
    for (let p = r0; p < r1; p++) {
      for (let q = c0; q < c1; q++) {
        keys.push(c(rs.point[p], cs.point[q]));
        pi.push(p);
        pj.push(q);
      }
    }
    greedy(keys, pi, pj, rs.amount, cs.amount, (p, q, f) => {
      rows.push(rs.point[p]);
      cols.push(cs.point[q]);
      mass.push(f);
    });
  }
  return { rows, cols, mass };
}

/** Shares of each group's members in the coarse entries of the group (step 1 or 2 of the file comment). */
function splitGroups(
  w: Float64Array,
  own: Int32Array,
  other: Int32Array,
  F: Float64Array,
  G: number,
  order: Int32Array,
  group: number,
  key: (point: number, otherGroup: number) => number,
): { entry: number[]; point: number[]; amount: number[] } {
  const K = own.length;
  const start = new Int32Array(G + 1);
  for (let t = 0; t < K; t++) start[own[t] + 1]++;
  for (let g = 0; g < G; g++) start[g + 1] += start[g];
  const fill = start.slice(0, G);
  const entries = new Int32Array(K);
  for (let t = 0; t < K; t++) entries[fill[own[t]]++] = t;
  const out = { entry: [] as number[], point: [] as number[], amount: [] as number[] };
  const keys: number[] = [];
  const pp: number[] = [];
  const pe: number[] = [];
  const ra: number[] = [];
  const rc: number[] = [];
  const n = order.length;
  for (let g = 0; g < G; g++) {
    const p0 = g * group;
    const p1 = Math.min(n, p0 + group);
    keys.length = 0;
    pp.length = 0;
    pe.length = 0;
    ra.length = 0;
    rc.length = 0;
    for (let p = p0; p < p1; p++) ra.push(w[order[p]]);
    for (let s = start[g]; s < start[g + 1]; s++) rc.push(F[entries[s]]);
    for (let p = p0; p < p1; p++) {
      for (let s = start[g]; s < start[g + 1]; s++) {
        keys.push(key(order[p], other[entries[s]]));
        pp.push(p - p0);
        pe.push(s - start[g]);
      }
    }
    greedy(keys, pp, pe, ra, rc, (p, s, f) => {
      out.entry.push(entries[start[g] + s]);
      out.point.push(order[p0 + p]);
      out.amount.push(f);
    });
  }
  return out;
}

/** Shares grouped by coarse entry (CSR). */
function byEntry(share: { entry: number[]; point: number[]; amount: number[] }, K: number): { start: Int32Array; point: Int32Array; amount: Float64Array } {
  const L = share.entry.length;
  const start = new Int32Array(K + 1);
  for (let s = 0; s < L; s++) start[share.entry[s] + 1]++;
  for (let t = 0; t < K; t++) start[t + 1] += start[t];
  const fill = start.slice(0, K);
  const point = new Int32Array(L);
  const amount = new Float64Array(L);
  for (let s = 0; s < L; s++) {
    const at = fill[share.entry[s]]++;
    point[at] = share.point[s];
    amount[at] = share.amount[s];
  }
  return { start, point, amount };
}

/**
 * Greedy transport on a small candidate list: pairs (pi[k], pj[k]) in increasing keys[k] get
 * min(remaining supply, remaining demand), exhausting one side (the smaller; rows on ties). Supplies
 * `ra` and demands `rb` are consumed (indices local to the caller's lists).
 */
function greedy(
  keys: number[],
  pi: number[],
  pj: number[],
  ra: { [k: number]: number },
  rb: { [k: number]: number },
  emitEntry: (p: number, q: number, f: number) => void,
): void {
  const L = keys.length;
  // insertion sort of the pair indices by key (lists of a few tens of pairs)
  const idx = new Int32Array(L);
  for (let k = 0; k < L; k++) {
    let t = k;
    while (t > 0 && keys[idx[t - 1]] > keys[k]) {
      idx[t] = idx[t - 1];
      t--;
    }
    idx[t] = k;
  }
  for (let t = 0; t < L; t++) {
    const k = idx[t];
    const p = pi[k];
    const q = pj[k];
    const f = Math.min(ra[p], rb[q]);
    if (!(f > 0)) continue;
    emitEntry(p, q, f);
    if (ra[p] <= rb[q]) {
      rb[q] -= ra[p];
      ra[p] = 0;
    } else {
      ra[p] -= rb[q];
      rb[q] = 0;
    }
  }
}
