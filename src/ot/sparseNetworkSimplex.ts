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
 * problem is always feasible without artificial arcs. Pricing is block search over the arc list.
 *
 * Optimality of the restricted problem is not optimality of the full one: the caller prices all
 * pairs with the returned duals (dualPricing.ts), adds the violated pairs and runs again
 * (see sparseTransport.ts).
 */

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
  private arcRow: Int32Array;
  private arcCol: Int32Array;
  private arcCost: Float64Array;
  private arcInTree: Uint8Array;
  private arcCount = 0;
  private readonly seen = new Set<number>();
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
   * Start from the north-west-corner plan along `rowOrder` x `colOrder`; its arcs join the arc set.
   * @param a source masses (> 0), b target masses (> 0), equal sums.
   * @param cost c(i, j) of a pair (called once per arc added).
   */
  constructor(
    a: Float64Array,
    b: Float64Array,
    rowOrder: Int32Array,
    colOrder: Int32Array,
    private readonly cost: (i: number, j: number) => number,
    capacity = 1024,
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
    const parent = (this.parent = new Int32Array(N));
    const treeArc = (this.treeArc = new Int32Array(N).fill(-1));
    const flow = (this.flow = new Float64Array(N));
    const pi = (this.pi = new Float64Array(N));
    this.thread = new Int32Array(N);
    this.revThread = new Int32Array(N);
    this.succNum = new Int32Array(N);
    this.lastSucc = new Int32Array(N);
    let ri = 0;
    let cj = 0;
    const root = rowOrder[0];
    parent[root] = -1;
    let ra = a[root];
    let rb = b[colOrder[0]];
    let e = this.addArc(root, colOrder[0]);
    parent[n + colOrder[0]] = root;
    treeArc[n + colOrder[0]] = e;
    pi[n + colOrder[0]] = this.arcCost[e];
    this.arcInTree[e] = 1;
    let newNode = n + colOrder[0];
    for (;;) {
      const f = ra < rb ? ra : rb;
      flow[newNode] = f;
      ra -= f;
      rb -= f;
      if (ri === n - 1 && cj === m - 1) break;
      const r = rowOrder[ri];
      const c = colOrder[cj];
      if ((ra > 0 && cj < m - 1) || ri === n - 1) {
        cj++;
        const c2 = colOrder[cj];
        e = this.addArc(r, c2);
        parent[n + c2] = r;
        treeArc[n + c2] = e;
        pi[n + c2] = pi[r] + this.arcCost[e];
        this.arcInTree[e] = 1;
        rb = b[c2];
        newNode = n + c2;
      } else {
        ri++;
        const r2 = rowOrder[ri];
        e = this.addArc(r2, c);
        parent[r2] = n + c;
        treeArc[r2] = e;
        pi[r2] = pi[n + c] - this.arcCost[e];
        this.arcInTree[e] = 1;
        ra = a[r2];
        newNode = r2;
      }
    }
    buildThread(parent, root, this.thread, this.revThread, this.succNum, this.lastSucc);
  }

  /** Number of arcs in the set. */
  get arcs(): number {
    return this.arcCount;
  }

  /** Add arc (i, j) unless present; returns its index. */
  addArc(i: number, j: number): number {
    const key = i * this.m + j;
    if (this.seen.has(key)) return -1;
    this.seen.add(key);
    if (this.arcCount === this.arcRow.length) {
      const cap = 2 * this.arcRow.length;
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(old: T, make: (k: number) => T): T => {
        const t = make(cap);
        t.set(old);
        return t;
      };
      this.arcRow = grow(this.arcRow, (k) => new Int32Array(k));
      this.arcCol = grow(this.arcCol, (k) => new Int32Array(k));
      this.arcCost = grow(this.arcCost, (k) => new Float64Array(k));
      this.arcInTree = grow(this.arcInTree, (k) => new Uint8Array(k));
    }
    const e = this.arcCount++;
    this.arcRow[e] = i;
    this.arcCol[e] = j;
    this.arcCost[e] = this.cost(i, j);
    return e;
  }

  /**
   * Pivot until no arc of the set has reduced cost below -tol, or `maxIter` pivots in all.
   * @returns true when optimal on the arc set.
   */
  run(maxIter: number, tol: number): boolean {
    const n = this.n;
    const { parent, treeArc, flow, pi, thread, revThread, succNum, lastSucc } = this;
    const arcRow = this.arcRow;
    const arcCol = this.arcCol;
    const arcCost = this.arcCost;
    const arcInTree = this.arcInTree;
    const arcNum = this.arcCount;
    const N = parent.length;
    const block = Math.max(10, Math.ceil(Math.sqrt(arcNum)));
    const path = new Int32Array(N);
    const pathLast = new Int32Array(N);
    const pathSucc = new Int32Array(N);
    const pathFlow = new Float64Array(N);
    const pathArc = new Int32Array(N);
    const pathPrev = new Int32Array(N);
    const pathNext = new Int32Array(N);
    let next = this.nextArc < arcNum ? this.nextArc : 0;
    while (this.iterations < maxIter) {
      // block search from where the last one stopped
      let minRc = -tol;
      let eIn = -1;
      let scanned = 0;
      let e = next;
      while (scanned < arcNum) {
        let stop = e + block;
        if (stop > arcNum) stop = arcNum;
        if (stop - e > arcNum - scanned) stop = e + (arcNum - scanned);
        for (let t = e; t < stop; t++) {
          const rc = arcCost[t] + pi[arcRow[t]] - pi[n + arcCol[t]];
          if (rc < minRc && arcInTree[t] === 0) {
            minRc = rc;
            eIn = t;
          }
        }
        scanned += stop - e;
        e = stop === arcNum ? 0 : stop;
        if (eIn >= 0) break;
      }
      next = e;
      if (eIn < 0) {
        this.nextArc = next;
        return true;
      }
      this.iterations++;
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
      for (let x = uIn, c = sizeS; c > 0; c--, x = thread[x]) pi[x] += sigma;
    }
    this.nextArc = next;
    return false;
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

/** Preorder thread (circular), reverse thread, subtree sizes and last descendants from parents. */
function buildThread(
  parent: Int32Array,
  root: number,
  thread: Int32Array,
  revThread: Int32Array,
  succNum: Int32Array,
  lastSucc: Int32Array,
): void {
  const N = parent.length;
  const start = new Int32Array(N + 1);
  for (let x = 0; x < N; x++) if (x !== root) start[parent[x] + 1]++;
  for (let x = 0; x < N; x++) start[x + 1] += start[x];
  const fill = start.slice(0, N);
  const child = new Int32Array(Math.max(1, N - 1));
  for (let x = 0; x < N; x++) if (x !== root) child[fill[parent[x]]++] = x;
  const order = new Int32Array(N);
  const stack = new Int32Array(N);
  let top = 0;
  let len = 0;
  stack[top++] = root;
  while (top > 0) {
    const x = stack[--top];
    order[len++] = x;
    for (let t = start[x + 1] - 1; t >= start[x]; t--) stack[top++] = child[t];
  }
  for (let t = 0; t < N; t++) {
    const x = order[t];
    const y = order[(t + 1) % N];
    thread[x] = y;
    revThread[y] = x;
    succNum[x] = 1;
    lastSucc[x] = x;
  }
  for (let t = N - 1; t > 0; t--) {
    const x = order[t];
    succNum[parent[x]] += succNum[x];
  }
  for (let t = 0; t < N; t++) {
    const x = order[t];
    lastSucc[x] = order[t + succNum[x] - 1];
  }
}
