/**
 * W1 between two densities from their values on regular node lattices (the quadrature estimator's
 * W1, docs/multid.md "Quadrature"): the staggered lattice and the extrapolation in the node spacing.
 *
 * The exact OT value between the point masses p(x_i) h^d and q(x_i) h^d of one lattice overestimates
 * W1(p, q) by a lattice excess that is not a power series in h: where the optimal flux vanishes (the
 * kink of the Kantorovich potential, e.g. the centre of two centred Gaussians) the excess depends on
 * where that point falls between the nodes, so it jumps with the node count (3-D cosine case: +3.94 %
 * at 16 nodes per axis, +5.85 % at 17, +3.22 % at 18). The mean over the lattice and its copy shifted
 * by h/2 on every axis cancels most of that dependence; the averaged excess then falls smoothly, with
 * an order that depends on the problem: 2.8-3.0 in 2-D, in 3-D 2.4-2.8 for isotropic scalings, up to 3.2
 * under anisotropic maps and 1.25-3.5 for translations (see {@link LATTICE_W1_ORDER},
 * {@link LATTICE_W1_ORDER_3D}, {@link LATTICE_W1_SMOOTH_ORDER}).
 */

import { certifyPlan, type SparsePlan } from '../ot/certificate.ts';
import { type CostSpec, costAt, costShape } from '../ot/costSpec.ts';
import { emd } from '../ot/emd.ts';
import { sparseTransport } from '../ot/sparseTransport.ts';
import { certifiedCost } from '../ot/w1Points.ts';

/** Fraction of the total variation sum |a_i - b_i| that {@link w1Signed} may drop (the smallest entries). */
export const W1_SIGNED_DROP = 1e-7;

/**
 * W1 between two weightings a, b (each of total 1) of the same nodes: the exact OT value between
 * the positive and the negative part of a - b (a metric cost never moves the common part min(a, b)).
 * The smallest entries of |a - b|, together at most {@link W1_SIGNED_DROP} of sum |a - b|, are dropped
 * and each part renormalised: that moves the answer by at most the dropped mass times the node
 * cloud's diameter (relative error <= 2e-7 diameter / spacing, < 1e-5 for the quadrature lattices),
 * and it removes the far tails (about half of a 3-D lattice), which the dense exact OT pays for
 * quadratically.
 */
export function w1Signed(x: Float64Array, a: Float64Array, b: Float64Array, n: number, dim: number, sparseStart?: 'coarse-plan' | 'coarse-duals'): number {
  return w1SignedPlan(x, a, b, n, dim, undefined, sparseStart).value;
}

/**
 * The optimal plan of one {@link w1Signed} call, in indices of the kept positive and negative nodes
 * (`pos`, `neg`: node indices, the same for every call with the same a and b).
 */
export interface SignedPlan {
  pos: Int32Array;
  neg: Int32Array;
  rows: Int32Array;
  cols: Int32Array;
  mass: Float64Array;
}

/**
 * {@link w1Signed} that also returns its optimal plan, and first tries `prev`, the plan of an earlier
 * call with the same a and b (the same nodes at other positions: the quadrature lattice at the
 * previous W1 time). Potentials are recomputed from the current costs along that plan's support
 * (u_i + v_j = |x_i - y_j| on it; one free constant per connected component, fixed by the component's
 * first row), and the plan is kept when it passes the same certificate as the exact solver's answer
 * (dual feasibility over all pairs, slackness, marginals, relative tolerance 1e-9): it is then an optimal
 * plan for the current positions, so its cost equals the exact OT value (to rounding, ~1e-15 relative,
 * when the solver would have returned a different optimal plan of the same cost). Otherwise the exact
 * solver runs from that plan (the sparse network simplex's `warmStart`, a feasible forest for the same
 * masses), with the cold {@link w1Signed} solve as the fallback if that is not certified. Under a flow map that is the same scaling of every node (isotropic
 * linear processes) the plan stays optimal at every time.
 * @throws NumericalError if the exact solver's answer is not certified optimal.
 */
export function w1SignedPlan(
  x: Float64Array,
  a: Float64Array,
  b: Float64Array,
  n: number,
  dim: number,
  prev?: SignedPlan,
  sparseStart?: 'coarse-plan' | 'coarse-duals',
): { value: number; plan: SignedPlan | undefined; reused: boolean } {
  const abs = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    abs[i] = Math.abs(a[i] - b[i]);
    total += abs[i];
  }
  if (total === 0) return { value: 0, plan: undefined, reused: false };
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => abs[i] - abs[j]);
  const drop = new Uint8Array(n);
  let cum = 0;
  for (const i of order) {
    cum += abs[i];
    if (cum > W1_SIGNED_DROP * total) break;
    drop[i] = 1;
  }
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < n; i++) {
    if (drop[i] || abs[i] === 0) continue;
    if (a[i] > b[i]) pos.push(i);
    else neg.push(i);
  }
  const pick = (idx: number[], sign: number) => {
    const pts = new Float64Array(idx.length * dim);
    const w = new Float64Array(idx.length);
    let s = 0;
    idx.forEach((i, r) => {
      for (let d = 0; d < dim; d++) pts[r * dim + d] = x[i * dim + d];
      w[r] = sign * (a[i] - b[i]);
      s += w[r];
    });
    for (let r = 0; r < w.length; r++) w[r] /= s;
    return { pts, w, s };
  };
  const p = pick(pos, 1);
  const q = pick(neg, -1);
  const cost = { kind: 'euclidean', x: { data: p.pts, n: pos.length, dim }, y: { data: q.pts, n: neg.length, dim } } as const;
  const scale = 0.5 * (p.s + q.s);
  if (prev && sameIndices(prev.pos, pos) && sameIndices(prev.neg, neg)) {
    const pl = { rows: prev.rows, cols: prev.cols, mass: prev.mass };
    const pot = supportPotentials(cost, pl);
    if (certifyPlan(p.w, q.w, cost, pl, pot).optimal) return { value: scale * planCost(cost, pl), plan: prev, reused: true };
    // not optimal any more: the sparse network simplex from that plan (a feasible forest for these masses)
    const r = sparseTransport(p.w, q.w, cost, { warmStart: pl });
    const plan = { rows: r.rows, cols: r.cols, mass: r.mass };
    if (r.converged && certifyPlan(p.w, q.w, cost, plan, { u: r.u, v: r.v }).optimal) return { value: scale * planCost(cost, plan), plan: { pos: prev.pos, neg: prev.neg, ...plan }, reused: false };
  }
  const r = emd(p.w, q.w, cost, { sparseStart });
  const value = scale * certifiedCost(r);
  return { value, plan: { pos: Int32Array.from(pos), neg: Int32Array.from(neg), ...r.plan }, reused: false };
}

function sameIndices(s: Int32Array, t: number[]): boolean {
  if (s.length !== t.length) return false;
  for (let i = 0; i < t.length; i++) if (s[i] !== t[i]) return false;
  return true;
}

/**
 * Potentials with u_i + v_j = c_ij on every plan entry (breadth-first over the support, which the exact
 * solver returns as a forest): each component's first row gets u = 0; rows and columns outside the
 * support get the c-transform of the others (min_j c_ij - v_j, resp. min_i c_ij - u_i).
 */
function supportPotentials(cost: CostSpec, plan: SparsePlan): { u: Float64Array; v: Float64Array } {
  const { n, m } = costShape(cost);
  const deg = new Int32Array(n + m + 1);
  const k = plan.rows.length;
  for (let t = 0; t < k; t++) {
    deg[plan.rows[t] + 1]++;
    deg[n + plan.cols[t] + 1]++;
  }
  for (let i = 0; i < n + m; i++) deg[i + 1] += deg[i];
  const adj = new Int32Array(2 * k);
  const fill = deg.slice(0, n + m);
  for (let t = 0; t < k; t++) {
    adj[fill[plan.rows[t]]++] = n + plan.cols[t];
    adj[fill[n + plan.cols[t]]++] = plan.rows[t];
  }
  const pot = new Float64Array(n + m);
  const seen = new Uint8Array(n + m);
  const queue = new Int32Array(n + m);
  for (let root = 0; root < n + m; root++) {
    if (seen[root] || deg[root + 1] === deg[root]) continue;
    seen[root] = 1;
    pot[root] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = root;
    while (head < tail) {
      const node = queue[head++];
      for (let e = deg[node]; e < deg[node + 1]; e++) {
        const o = adj[e];
        if (seen[o]) continue;
        seen[o] = 1;
        // u_i + v_j = c_ij
        pot[o] = node < n ? costAt(cost, node, o - n) - pot[node] : costAt(cost, o, node - n) - pot[node];
        queue[tail++] = o;
      }
    }
  }
  const u = pot.slice(0, n);
  const v = pot.slice(n);
  for (let j = 0; j < m; j++) {
    if (seen[n + j]) continue;
    let best = Infinity;
    for (let i = 0; i < n; i++) if (seen[i]) best = Math.min(best, costAt(cost, i, j) - u[i]);
    v[j] = best;
  }
  for (let i = 0; i < n; i++) {
    if (seen[i]) continue;
    let best = Infinity;
    for (let j = 0; j < m; j++) best = Math.min(best, costAt(cost, i, j) - v[j]);
    u[i] = best;
  }
  return { u, v };
}

/** sum_t mass_t c(row_t, col_t), compensated (Kahan) as in the exact solver. */
function planCost(cost: CostSpec, plan: SparsePlan): number {
  let total = 0;
  let comp = 0;
  for (let t = 0; t < plan.mass.length; t++) {
    const y = plan.mass[t] * costAt(cost, plan.rows[t], plan.cols[t]) - comp;
    const s = total + y;
    comp = s - total - y;
    total = s;
  }
  return total;
}

/** Offsets (fractions of the node spacing, the same on every axis) of the lattices whose W1 values are averaged. */
export const LATTICE_W1_OFFSETS = [0, 0.5] as const;

/**
 * Order p of the lattice excess of the staggered W1 (excess ~ C h^p) used to extrapolate in 2-D: the
 * reported value uses `value`, and the error estimate is half the spread between the values with
 * `lo` and `hi`. Measured local orders of the averaged excess: 2-D 2.8-3.0 (24-64 nodes per axis).
 */
export const LATTICE_W1_ORDER = { value: 2.625, lo: 2.25, hi: 3 } as const;

/**
 * 3-D order band of the staggered-lattice excess: the reported W1 is the midpoint of the
 * extrapolations with `lo` and `hi`, its error half their spread (plus the smooth-potential allowance,
 * {@link LATTICE_W1_SMOOTH_ORDER}). Measured effective orders (2026-12-06, exact OT on static lattices,
 * 14-28 nodes per axis, pairs with coarse/fine 0.65-0.8): centred isotropic Gaussians of width ratios
 * 0.5-1.3 2.40-2.76; the same pushed by the linear map of full-covariance data (eigenvalues 0.36, 0.09,
 * 0.01, width ratio 0.7 / 0.5; the 3-D cosine case at t = 0) 2.65-3.0 / 3.0-3.17. Over all these cases and
 * pairs (and the translations below) the midpoint's true error is at most 0.83x the stated one. A band
 * narrowed to [2.4, 2.85] understated the full-covariance case at t = 0 (true -0.23 %, stated 0.21 % at
 * 22/16); the 2-D rule (order 2.625, band [2.25, 3]) misses the width-ratio-0.5 full-covariance case
 * (-0.63 % against 0.62 % at 22/16) and states the 3-D cosine c1 above 1 % at 20/14 and 22/16 (1.6 / 1.2 %).
 */
export const LATTICE_W1_ORDER_3D = { lo: 2.4, hi: 3.2 } as const;

/**
 * Lowest order assumed for the part of the lattice excess that comes from a smooth Kantorovich
 * potential (a translation: potential e.x, no kink). That excess is small (3-D, 20 nodes per axis:
 * 0.30-0.40 % of W1 for shifts of 0.09-0.95 standard deviations in a generic direction; 0 along an axis)
 * but its local order ranges from 1.25 to 3.5 (N(mu, I) vs N(0, I), |mu| = 0.09, 0.37, 0.95, 12-28
 * nodes per axis), so the order band of the kink excess understated it (|mu| = 0.37 at 20/14: true
 * +0.156 %, stated 0.051 %).
 */
export const LATTICE_W1_SMOOTH_ORDER = 1.25;

/** The nodes of one lattice and the normalised point masses of the two densities on it. */
export interface LatticeWeights {
  /** Node positions, n x dim row-major. */
  x: Float64Array;
  /** Normalised masses of the first and the second density (each of total 1). */
  a: Float64Array;
  b: Float64Array;
  n: number;
  /** Indices of the kept nodes in the full lattice (k_0 + cells k_1 + ...). */
  kept: Int32Array;
  /** Unnormalised masses: sum over kept nodes of exp(logA - maxLogA) (resp. B), and the shifts. */
  sumA: number;
  sumB: number;
  maxLogA: number;
  maxLogB: number;
}

/**
 * The nodes lo_d + (k + 1/2 + offset) h_d (k = 0..cells-1 on every axis) whose masses under one of
 * the two log-densities exceed 1e-16 of that density's largest node value, with the normalised
 * masses exp(logA) and exp(logB) (the product trapezoid rule).
 * @throws RangeError if a log-density callback returns the wrong length.
 */
export function latticeWeights(
  lo: number[],
  h: number[],
  cells: number,
  offset: number,
  logA: (x: Float64Array, n: number) => Float64Array,
  logB: (x: Float64Array, n: number) => Float64Array,
): LatticeWeights {
  const dim = lo.length;
  const total = cells ** dim;
  const all = new Float64Array(total * dim);
  for (let q = 0; q < total; q++) {
    let r = q;
    for (let d = 0; d < dim; d++) {
      all[q * dim + d] = lo[d] + ((r % cells) + 0.5 + offset) * h[d];
      r = Math.floor(r / cells);
    }
  }
  const la = logA(all, total);
  const lb = logB(all, total);
  if (la.length !== total || lb.length !== total) throw new RangeError(`expected ${total} log-density values, got ${la.length} and ${lb.length}`);
  let maxA = -Infinity;
  let maxB = -Infinity;
  for (let q = 0; q < total; q++) {
    maxA = Math.max(maxA, la[q]);
    maxB = Math.max(maxB, lb[q]);
  }
  const cut = Math.log(1e-16);
  const kept: number[] = [];
  for (let q = 0; q < total; q++) if (la[q] - maxA > cut || lb[q] - maxB > cut) kept.push(q);
  const n = kept.length;
  const x = new Float64Array(n * dim);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    const q = kept[i];
    for (let d = 0; d < dim; d++) x[i * dim + d] = all[q * dim + d];
    a[i] = Math.exp(la[q] - maxA);
    b[i] = Math.exp(lb[q] - maxB);
    sa += a[i];
    sb += b[i];
  }
  for (let i = 0; i < n; i++) {
    a[i] /= sa;
    b[i] /= sb;
  }
  return { x, a, b, n, kept: Int32Array.from(kept), sumA: sa, sumB: sb, maxLogA: maxA, maxLogB: maxB };
}

/**
 * Staggered lattice W1: the mean of {@link w1Signed} over lattices whose current node positions are
 * the consecutive blocks of `x` (block k holds `lattices[k].n` nodes, in the order of `lattices`).
 * With `plans` (one slot per lattice, kept by the caller between W1 times of one run), each lattice's
 * previous optimal plan is tried first and the slot updated ({@link w1SignedPlan}): the same exact
 * value (certified), without re-solving when the plan is still optimal.
 */
export function staggeredW1(x: Float64Array, lattices: LatticeWeights[], dim: number, plans?: (SignedPlan | undefined)[]): number {
  let s = 0;
  let start = 0;
  lattices.forEach((L, k) => {
    const xk = x.subarray(start * dim, (start + L.n) * dim);
    if (plans) {
      const r = w1SignedPlan(xk, L.a, L.b, L.n, dim, plans[k]);
      plans[k] = r.plan;
      s += r.value;
    } else s += w1Signed(xk, L.a, L.b, L.n, dim);
    start += L.n;
  });
  return s / lattices.length;
}

/**
 * Extrapolation of lattice W1 values in the node spacing: W(p) = W_h + (W_h - W_H) / ((H/h)^p - 1)
 * (h = 1/cells, H = 1/coarseCells) at every time.
 *  - 1-D (one lattice; the excess is the midpoint rule's O(h^2) error of int |F - G|): `value` is the
 *    p = 2 Richardson value and `lo`, `hi` are W_h and its mirror image, so that half their spread is
 *    the size of the correction.
 *  - 2-D: `value`, `lo` and `hi` use p = {@link LATTICE_W1_ORDER}.value, .lo and .hi.
 *  - 3-D: `lo`, `hi` = W({@link LATTICE_W1_ORDER_3D}.lo, .hi), widened on both sides by the
 *    smooth-potential allowance f |W_H - W_h| (1/((H/h)^q - 1) - 1/((H/h)^lo - 1)), q =
 *    {@link LATTICE_W1_SMOOTH_ORDER}, where f = min(1, lower / W_h) is the share of W1 that the rigorous
 *    lower bound `lower` (|difference of the two means|, the dual value of a linear potential) explains:
 *    that share of the excess may converge with any order from q up (a translation's does). `value` =
 *    (lo + hi) / 2 (the band's midpoint, not moved by the allowance), so half the spread is its error.
 *    Without `lower` the allowance is 0.
 * @throws RangeError if the lists differ in length or coarseCells >= cells.
 */
export function extrapolateLatticeW1(
  fine: number[],
  coarse: number[],
  cells: number,
  coarseCells: number,
  dim: number,
  lower?: number[],
): { value: number[]; lo: number[]; hi: number[] } {
  if (fine.length !== coarse.length) throw new RangeError(`expected equally many fine and coarse W1 values, got ${fine.length} and ${coarse.length}`);
  if (lower !== undefined && lower.length !== fine.length) throw new RangeError(`expected ${fine.length} lower bounds, got ${lower.length}`);
  if (!(coarseCells < cells)) throw new RangeError(`expected coarseCells < cells, got ${coarseCells} and ${cells}`);
  const r = cells / coarseCells;
  const at = (p: number) => fine.map((w, i) => w + (w - coarse[i]) / (r ** p - 1));
  if (dim === 1) {
    const value = at(2);
    return { value, lo: fine.slice(), hi: value.map((v, i) => 2 * v - fine[i]) };
  }
  if (dim === 2) return { value: at(LATTICE_W1_ORDER.value), lo: at(LATTICE_W1_ORDER.lo), hi: at(LATTICE_W1_ORDER.hi) };
  const { lo: pLo, hi: pHi } = LATTICE_W1_ORDER_3D;
  const widen = 1 / (r ** LATTICE_W1_SMOOTH_ORDER - 1) - 1 / (r ** pLo - 1);
  const bandLo = at(pLo);
  const bandHi = at(pHi);
  const value = bandLo.map((l, i) => (l + bandHi[i]) / 2);
  const allowance = fine.map((w, i) => (lower && w > 0 ? Math.min(1, Math.max(0, lower[i] / w)) : 0) * Math.abs(coarse[i] - w) * widen);
  return { value, lo: bandLo.map((l, i) => l - allowance[i]), hi: bandHi.map((h, i) => h + allowance[i]) };
}
