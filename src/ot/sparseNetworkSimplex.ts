/**
 * Primal network simplex for the transportation problem
 *   min sum c_ij P_ij  s.t.  sum_j P_ij = a_i,  sum_i P_ij = b_j,  P >= 0
 * restricted to a growable sparse set of arcs (i, j), warm-started across calls: arcs may be added
 * between runs and the current basis stays feasible (the tree arcs never leave the set).
 *
 * Same tree machinery as the dense {@link networkSimplex} (networkSimplex.ts: north-west-corner
 * start along caller-given orders, strongly feasible tree with Cunningham's leaving-arc rule, parent /
 * preorder-thread / subtree-size representation, re-rooting by splicing preorder segments); the
 * differences are that every node also records the index of its tree arc (arcs are no longer implied
 * by their endpoints) and that the north-west-corner arcs are part of the arc set, so the restricted
 * problem is always feasible without artificial arcs. Pricing keeps a candidate list: each pivot
 * re-prices the listed arcs (dropping those no longer eligible) and takes the most negative; when
 * fewer than a tenth of its capacity (0.5 sqrt(#arcs)) remain, blocks of sqrt(#arcs) arcs are scanned
 * from where the last scan stopped, adding eligible arcs, until the list is refilled (or every arc
 * was scanned). Against the block search of the dense simplex (the best arc of the first block with
 * an eligible one) it needs 8 % fewer pivots at 2000 x 1500 (3-D) and 28 % fewer at 8000 x 6000
 * (3-D); in 2-D at 4000-8000 points per side 43-48 % more, at equal (4000) or 12 % lower (8000) CPU
 * time (docs/ot.md).
 * After a pivot the potentials of the re-rooted subtree move; with the option `smallerSide`, those of
 * the smaller side of the cut (the subtree, or every other node, which moves the root's potential
 * too; 30 % fewer updates on the bench instances, docs/ot.md); the root's potential is then kept
 * within [-max |c_ij|, max |c_ij|] by re-centring, and is 0 again when {@link SparseNetworkSimplex.run}
 * returns. The option is off by default: the potentials then differ by rounding, which on degenerate
 * instances (ties) can change the pivot path and end in another optimal basis (costs 1 ulp apart).
 *
 * Optimality of the restricted problem is not optimality of the full one: the caller prices all
 * pairs with the returned duals (dualPricing.ts), adds the violated pairs and runs again
 * (see sparseTransport.ts).
 */

import { buildThread } from './simplexThread.ts';

/** Duals of the current basis: u_i + v_j = c_ij on tree arcs. */
export interface SparseSimplexDuals {
  u: Float64Array;
  v: Float64Array;
}

/** Warm-startable network simplex on a sparse arc set (see the file comment). */
export class SparseNetworkSimplex {
  readonly n: number;
  readonly m: number;
  /** pivots done so far (all runs) */
  iterations = 0;
  /** times the potentials were re-centred on the root inside a run (option `smallerSide`, see {@link run}) */
  recentrings = 0;
  /** largest |c_ij| over the arcs added so far */
  private maxAbsCost = 0;
  private arcRow: Int32Array;
  private arcCol: Int32Array;
  private arcCost: Float64Array;
  private arcInTree: Uint8Array;
  private arcCount = 0;
  private slots: Int32Array;
  private readonly parent: Int32Array;
  private readonly treeArc: Int32Array;
  private readonly flow: Float64Array;
  private readonly pi: Float64Array;
  private readonly thread: Int32Array;
  private readonly revThread: Int32Array;
  private readonly succNum: Int32Array;
  private readonly lastSucc: Int32Array;
  private nextArc = 0;

  /**
   * An empty arc set over n rows and m columns; call {@link startNorthWest} or {@link startFromForest}
   * before {@link run}.
   * @param a source masses (> 0), b target masses (> 0), equal sums.
   * @param cost c(i, j) of a pair (called once per arc added).
   * @param capacity initial arc capacity (grows by doubling).
   * @param options `smallerSide`: after a pivot shift the potentials of the smaller side of the cut
   *   (default false: the re-rooted subtree's, as before); `recentreAt`: with `smallerSide`, the
   *   potentials are re-centred on the root when the root's potential leaves [-recentreAt, recentreAt]
   *   during a run (default: the largest |c_ij| of the arc set; tests pass 0 to re-centre after every
   *   update of the root's side).
   */
  constructor(
    private readonly a: Float64Array,
    private readonly b: Float64Array,
    private readonly cost: (i: number, j: number) => number,
    capacity = 1024,
    private readonly options: { smallerSide?: boolean; recentreAt?: number } = {},
  ) {
    const n = a.length;
    const m = b.length;
    this.n = n;
    this.m = m;
    const N = n + m;
    this.arcRow = new Int32Array(capacity);
    this.arcCol = new Int32Array(capacity);
    this.arcCost = new Float64Array(capacity);
    this.arcInTree = new Uint8Array(capacity);
    this.slots = new Int32Array(2 ** Math.ceil(Math.log2(2 * capacity + 2)));
    this.parent = new Int32Array(N);
    this.treeArc = new Int32Array(N).fill(-1);
    this.flow = new Float64Array(N);
    this.pi = new Float64Array(N);
    this.thread = new Int32Array(N);
    this.revThread = new Int32Array(N);
    this.succNum = new Int32Array(N);
    this.lastSucc = new Int32Array(N);
  }

  /** Start from the north-west-corner plan along `rowOrder` x `colOrder` (its arcs join the set). */
  startNorthWest(rowOrder: Int32Array, colOrder: Int32Array): void {
    const rows: number[] = [];
    const cols: number[] = [];
    const mass: number[] = [];
    northWest(this.a, this.b, rowOrder, colOrder, rows, cols, mass);
    this.startFromForest(rows, cols, mass);
  }

  /**
   * Start from a feasible plan whose positive entries form a forest (no cycle), e.g. one where
   * every entry exhausted a row or a column when it was set. Its arcs join the set; the components
   * are joined into one spanning tree by zero-flow arcs from a row of each component to a column of
   * the first, with the row as the child, so the tree is strongly feasible (every zero-flow arc
   * points towards the root, which is a row).
   */
  startFromForest(rows: ArrayLike<number>, cols: ArrayLike<number>, mass: ArrayLike<number>): void {
    const { n, m, parent, treeArc, flow, pi } = this;
    const N = n + m;
    const K = rows.length;
    // adjacency (CSR) of the forest
    const deg = new Int32Array(N + 1);
    for (let t = 0; t < K; t++) {
      deg[rows[t] + 1]++;
      deg[n + cols[t] + 1]++;
    }
    for (let x = 0; x < N; x++) deg[x + 1] += deg[x];
    const fill = deg.slice(0, N);
    const adjArc = new Int32Array(2 * K);
    const arcIdx = new Int32Array(K);
    for (let t = 0; t < K; t++) {
      let e = this.addArc(rows[t], cols[t]);
      if (e < 0) e = this.indexOf(rows[t], cols[t]);
      arcIdx[t] = e;
      adjArc[fill[rows[t]]++] = t;
      adjArc[fill[n + cols[t]]++] = t;
    }
    // (connecting arcs are added below: refresh the array references after each addArc)
    const seen = new Uint8Array(N);
    const queue = new Int32Array(N);
    let head = 0;
    let tail = 0;
    let anchorCol = -1;
    const root = 0;
    const visit = (s: number) => {
      seen[s] = 1;
      queue[tail++] = s;
      while (head < tail) {
        const x = queue[head++];
        if (x >= n && anchorCol < 0) anchorCol = x - n;
        for (let q = deg[x]; q < deg[x + 1]; q++) {
          const t = adjArc[q];
          const y = x < n ? n + cols[t] : rows[t];
          if (seen[y]) continue;
          seen[y] = 1;
          parent[y] = x;
          treeArc[y] = arcIdx[t];
          this.arcInTree[arcIdx[t]] = 1;
          flow[y] = mass[t];
          pi[y] = x < n ? pi[x] + this.arcCost[arcIdx[t]] : pi[x] - this.arcCost[arcIdx[t]];
          queue[tail++] = y;
        }
      }
    };
    parent[root] = -1;
    pi[root] = 0;
    visit(root);
    if (anchorCol < 0) anchorCol = 0;
    for (let x = 0; x < N; x++) {
      if (seen[x]) continue;
      // a component without the root: hang one of its rows (or, if it has none, the column itself) below the tree
      let r = x;
      if (x >= n) {
        // find a row of this component, if any, by a walk over its forest arcs
        r = findRow(x, n, deg, adjArc, rows, cols, seen);
      }
      let e: number;
      if (r < n) {
        e = this.addArc(r, anchorCol);
        if (e < 0) e = this.indexOf(r, anchorCol);
        parent[r] = n + anchorCol;
        pi[r] = pi[n + anchorCol] - this.arcCost[e];
      } else {
        e = this.addArc(root, r - n);
        if (e < 0) e = this.indexOf(root, r - n);
        parent[r] = root;
        pi[r] = pi[root] + this.arcCost[e];
      }
      treeArc[r] = e;
      this.arcInTree[e] = 1;
      flow[r] = 0;
      visit(r);
    }
    buildThread(parent, root, this.thread, this.revThread, this.succNum, this.lastSucc);
  }

  /** Index of an arc already in the set. */
  private indexOf(i: number, j: number): number {
    const e = this.find(i, j);
    if (e < 0) throw new Error('SparseNetworkSimplex: arc not found (internal error)');
    return e;
  }

  /** Slot of arc (i, j) in the hash: its own slot when present, else the empty slot where it goes. */
  private slotOf(i: number, j: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let h = (Math.imul(i, 0x9e3779b1) ^ Math.imul(j, 0x85ebca77)) >>> 0;
    h = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const e1 = slots[h];
      if (e1 === 0 || (this.arcRow[e1 - 1] === i && this.arcCol[e1 - 1] === j)) return h;
      h = (h + 1) & mask;
    }
  }

  /** Index of arc (i, j), or -1 when absent. */
  private find(i: number, j: number): number {
    return this.slots[this.slotOf(i, j)] - 1;
  }

  /** The arc arrays (valid until the next {@link addArc}; the first {@link arcs} entries). */
  arcArrays(): { arcRow: Int32Array; arcCol: Int32Array; arcCost: Float64Array } {
    return { arcRow: this.arcRow, arcCol: this.arcCol, arcCost: this.arcCost };
  }

  /** Number of arcs in the set. */
  get arcs(): number {
    return this.arcCount;
  }

  /** Add arc (i, j) unless present; returns its index, or -1 when it was present. */
  addArc(i: number, j: number): number {
    let h = this.slotOf(i, j);
    if (this.slots[h] !== 0) return -1;
    if (this.arcCount === this.arcRow.length) {
      this.grow();
      h = this.slotOf(i, j);
    }
    const e = this.arcCount++;
    this.arcRow[e] = i;
    this.arcCol[e] = j;
    const ce = this.cost(i, j);
    this.arcCost[e] = ce;
    if (Math.abs(ce) > this.maxAbsCost) this.maxAbsCost = Math.abs(ce);
    this.slots[h] = e + 1;
    return e;
  }

  /** Double the arc capacity and rebuild the hash. */
  private grow(): void {
    const cap = Math.max(16, 2 * this.arcRow.length);
    const row = new Int32Array(cap);
    const col = new Int32Array(cap);
    const cost = new Float64Array(cap);
    const inTree = new Uint8Array(cap);
    row.set(this.arcRow);
    col.set(this.arcCol);
    cost.set(this.arcCost);
    inTree.set(this.arcInTree);
    this.arcRow = row;
    this.arcCol = col;
    this.arcCost = cost;
    this.arcInTree = inTree;
    this.slots = new Int32Array(2 ** Math.ceil(Math.log2(2 * cap + 2)));
    for (let e = 0; e < this.arcCount; e++) this.slots[this.slotOf(row[e], col[e])] = e + 1;
  }

  /**
   * Pivot until no arc of the set has reduced cost below -tol, or `maxIter` pivots in all.
   * After each pivot the re-rooted subtree's potentials shift by +sigma; with `smallerSide`, when
   * the subtree holds more than half of the nodes, all other nodes shift by -sigma instead (which
   * moves the root's potential); when the root's potential leaves [-recentreAt, recentreAt] all
   * potentials are re-centred on it, and on return the root's potential is 0 again (so
   * {@link duals} are as if only subtrees had moved, up to rounding).
   * @returns true when optimal on the arc set.
   */
  run(maxIter: number, tol: number): boolean {
    const next = SparseNetworkSimplex.pivots(this, maxIter, tol, this.options.smallerSide === true, this.options.recentreAt ?? this.maxAbsCost);
    this.nextArc = next < 0 ? 0 : next;
    recentre(this.pi);
    return next >= 0;
  }

  /**
   * The pivot loop of {@link run}: returns where the pricing stopped (>= 0) when optimal on the arc
   * set, -1 at the pivot cap. (A separate function whose exits store nothing: V8 compiles the loop
   * while it runs, and a store after the loop that never ran before would throw that code away at
   * the first exit; measured ~100 ms of recompilation per process.)
   */
  private static pivots(s: SparseNetworkSimplex, maxIter: number, tol: number, smallerSide: boolean, recentreAt: number): number {
    const n = s.n;
    const { parent, treeArc, flow, pi, thread, revThread, succNum, lastSucc } = s;
    const arcRow = s.arcRow;
    const arcCol = s.arcCol;
    const arcCost = s.arcCost;
    const arcInTree = s.arcInTree;
    const arcNum = s.arcCount;
    const N = parent.length;
    const block = Math.max(10, Math.ceil(Math.sqrt(arcNum)));
    const path = new Int32Array(N);
    const pathLast = new Int32Array(N);
    const pathSucc = new Int32Array(N);
    const pathFlow = new Float64Array(N);
    const pathArc = new Int32Array(N);
    const pathPrev = new Int32Array(N);
    const pathNext = new Int32Array(N);
    let next = s.nextArc < arcNum ? s.nextArc : 0;
    const listCap = Math.max(4, Math.ceil(0.5 * Math.sqrt(arcNum)));
    const refillBelow = Math.max(1, Math.floor(listCap / 10));
    const cand = new Int32Array(listCap);
    const inCand = new Uint8Array(arcNum);
    let nCand = 0;
    while (s.iterations < maxIter) {
      let minRc = -tol;
      let eIn = -1;
      let keep = 0;
      for (let c = 0; c < nCand; c++) {
        const t = cand[c];
        if (arcInTree[t] !== 0) {
          inCand[t] = 0;
          continue;
        }
        const rc = arcCost[t] + pi[arcRow[t]] - pi[n + arcCol[t]];
        if (rc < -tol) {
          cand[keep++] = t;
          if (rc < minRc) {
            minRc = rc;
            eIn = t;
          }
        } else inCand[t] = 0;
      }
      nCand = keep;
      let e = next;
      if (nCand < refillBelow) {
        let scanned = 0;
        let found = 0;
        while (scanned < arcNum) {
          let stop = e + block;
          if (stop > arcNum) stop = arcNum;
          if (stop - e > arcNum - scanned) stop = e + (arcNum - scanned);
          for (let t = e; t < stop; t++) {
            const rc = arcCost[t] + pi[arcRow[t]] - pi[n + arcCol[t]];
            if (rc < -tol && arcInTree[t] === 0) {
              found++;
              if (rc < minRc) {
                minRc = rc;
                eIn = t;
              }
              if (inCand[t] === 0 && nCand < listCap) {
                inCand[t] = 1;
                cand[nCand++] = t;
              }
            }
          }
          scanned += stop - e;
          e = stop === arcNum ? 0 : stop;
          if (found > 0 && nCand >= refillBelow) break;
        }
      }
      next = e;
      if (eIn < 0) return next;
      s.iterations++;
      const first = arcRow[eIn];
      const second = n + arcCol[eIn];
      let p = first;
      let q = second;
      while (p !== q) {
        if (succNum[p] < succNum[q]) p = parent[p];
        else q = parent[q];
      }
      const join = p;
      // leaving arc: Cunningham's rule (the last blocking arc along the cycle from the join)
      let delta = Infinity;
      let uOut = -1;
      let side = 0;
      for (let w = first; w !== join; w = parent[w]) {
        if (w < n && flow[w] < delta) {
          delta = flow[w];
          uOut = w;
          side = 1;
        }
      }
      for (let w = second; w !== join; w = parent[w]) {
        if (w >= n && flow[w] <= delta) {
          delta = flow[w];
          uOut = w;
          side = 2;
        }
      }
      if (uOut < 0) throw new Error('SparseNetworkSimplex: unbounded cycle (internal error)');
      if (delta > 0) {
        for (let w = first; w !== join; w = parent[w]) flow[w] += w < n ? -delta : delta;
        for (let w = second; w !== join; w = parent[w]) flow[w] += w < n ? delta : -delta;
      }
      const uIn = side === 1 ? first : second;
      const vIn = side === 1 ? second : first;
      const pOut = parent[uOut];
      arcInTree[treeArc[uOut]] = 0;
      arcInTree[eIn] = 1;
      // tree update: the subtree S of uOut is cut off, re-rooted at uIn and hung below vIn
      const sizeS = succNum[uOut];
      const lastS = lastSucc[uOut];
      const prevS = revThread[uOut];
      const nextS = thread[lastS];
      let k = 0;
      for (let w = uIn; ; w = parent[w]) {
        path[k] = w;
        pathLast[k] = lastSucc[w];
        pathSucc[k] = succNum[w];
        pathFlow[k] = flow[w];
        pathArc[k] = treeArc[w];
        pathPrev[k] = revThread[w];
        pathNext[k] = thread[lastSucc[w]];
        k++;
        if (w === uOut) break;
      }
      thread[prevS] = nextS;
      revThread[nextS] = prevS;
      for (let x = pOut; x !== join; x = parent[x]) succNum[x] -= sizeS;
      for (let x = vIn; x !== join; x = parent[x]) succNum[x] += sizeS;
      for (let x = pOut; x >= 0 && lastSucc[x] === lastS; x = parent[x]) lastSucc[x] = prevS;
      let end = pathLast[0];
      for (let t = 1; t < k; t++) {
        const w = path[t];
        const cutEnd = pathLast[t - 1];
        const s1End = pathPrev[t - 1];
        thread[end] = w;
        revThread[w] = end;
        end = s1End;
        if (pathLast[t] !== cutEnd) {
          const s2Start = pathNext[t - 1];
          thread[end] = s2Start;
          revThread[s2Start] = end;
          end = pathLast[t];
        }
      }
      const afterV = thread[vIn];
      thread[vIn] = uIn;
      revThread[uIn] = vIn;
      thread[end] = afterV;
      revThread[afterV] = end;
      for (let x = vIn; x >= 0 && lastSucc[x] === vIn; x = parent[x]) lastSucc[x] = end;
      parent[uIn] = vIn;
      treeArc[uIn] = eIn;
      flow[uIn] = delta;
      succNum[uIn] = sizeS;
      lastSucc[uIn] = end;
      for (let t = 1; t < k; t++) {
        const w = path[t];
        parent[w] = path[t - 1];
        treeArc[w] = pathArc[t - 1];
        flow[w] = pathFlow[t - 1];
        succNum[w] = sizeS - pathSucc[t - 1];
        lastSucc[w] = end;
      }
      const newPi = uIn < n ? pi[vIn] - arcCost[eIn] : pi[vIn] + arcCost[eIn];
      const sigma = newPi - pi[uIn];
      // potentials are defined up to a constant: shift the subtree (uIn .. end along the thread) or,
      // with smallerSide, the smaller side of the cut (the rest, thread[end] .. vIn, holds the root 0)
      if (!smallerSide || 2 * sizeS <= N) {
        for (let x = uIn, c = sizeS; c > 0; c--, x = thread[x]) pi[x] += sigma;
      } else {
        for (let x = thread[end], c = N - sizeS; c > 0; c--, x = thread[x]) pi[x] -= sigma;
        if (!(Math.abs(pi[0]) <= recentreAt)) {
          s.recentrings++;
          recentre(pi);
        }
      }
    }
    return -1;
  }

  /** Duals u_i = -pi_i, v_j = pi_{n+j} of the current basis. */
  duals(): SparseSimplexDuals {
    const { n, m, pi } = this;
    const u = new Float64Array(n);
    const v = new Float64Array(m);
    for (let i = 0; i < n; i++) u[i] = -pi[i];
    for (let j = 0; j < m; j++) v[j] = pi[n + j];
    return { u, v };
  }

  /** The basic flows with mass > 0 (at most n + m - 1 entries). */
  plan(): { rows: Int32Array; cols: Int32Array; mass: Float64Array } {
    const { parent, flow, treeArc } = this;
    const N = parent.length;
    let count = 0;
    for (let x = 0; x < N; x++) if (parent[x] >= 0 && flow[x] > 0) count++;
    const rows = new Int32Array(count);
    const cols = new Int32Array(count);
    const mass = new Float64Array(count);
    let k = 0;
    for (let x = 0; x < N; x++) {
      if (parent[x] >= 0 && flow[x] > 0) {
        rows[k] = this.arcRow[treeArc[x]];
        cols[k] = this.arcCol[treeArc[x]];
        mass[k] = flow[x];
        k++;
      }
    }
    return { rows, cols, mass };
  }
}

/** Shift potentials so that the root's (node 0) is 0. */
function recentre(pi: Float64Array): void {
  const p0 = pi[0];
  if (p0 === 0) return;
  for (let x = 0; x < pi.length; x++) pi[x] -= p0;
}

/**
 * North-west-corner plan along the orders, positive entries only (each exhausts a row or a column,
 * so they form a forest); leftovers of rounding (totals equal to ~1e-16) are dropped.
 */
export function northWest(
  a: Float64Array,
  b: Float64Array,
  rowOrder: ArrayLike<number>,
  colOrder: ArrayLike<number>,
  rows: number[],
  cols: number[],
  mass: number[],
  ra0?: Float64Array,
  rb0?: Float64Array,
): void {
  let ri = 0;
  let cj = 0;
  let ra = ra0 ? ra0[rowOrder[0]] : a[rowOrder[0]];
  let rb = rb0 ? rb0[colOrder[0]] : b[colOrder[0]];
  while (ri < rowOrder.length && cj < colOrder.length) {
    const f = Math.min(ra, rb);
    if (f > 0) {
      rows.push(rowOrder[ri]);
      cols.push(colOrder[cj]);
      mass.push(f);
    }
    ra -= f;
    rb -= f;
    if (ra <= 0 && ++ri < rowOrder.length) ra = ra0 ? ra0[rowOrder[ri]] : a[rowOrder[ri]];
    if (rb <= 0 && ++cj < colOrder.length) rb = rb0 ? rb0[colOrder[cj]] : b[colOrder[cj]];
  }
}

/** A row in the forest component of column node x (BFS over unvisited nodes), or x when none. */
function findRow(
  x: number,
  n: number,
  deg: Int32Array,
  adjArc: Int32Array,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
  seen: Uint8Array,
): number {
  const stack = [x];
  const local = new Set<number>([x]);
  while (stack.length > 0) {
    const y = stack.pop() as number;
    if (y < n) return y;
    for (let q = deg[y]; q < deg[y + 1]; q++) {
      const t = adjArc[q];
      const z = y < n ? n + cols[t] : rows[t];
      if (!seen[z] && !local.has(z)) {
        local.add(z);
        stack.push(z);
      }
    }
  }
  return x;
}
