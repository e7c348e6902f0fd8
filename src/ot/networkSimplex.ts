/**
 * Primal network simplex for the transportation problem
 *   min sum_ij c_ij P_ij  s.t.  sum_j P_ij = a_i,  sum_i P_ij = b_j,  P >= 0
 * on a dense n x m cost matrix, with block-search pricing.
 *
 * Design (written for thermodiff; the classical method of Dantzig, with Cunningham's strongly
 * feasible trees against cycling):
 * - Nodes 0..n-1 are sources, n..n+m-1 sinks; arc (i, j) has index i*m + j, unbounded capacity.
 * - The initial basis is the north-west-corner solution along a caller-given order of rows and
 *   columns (a good order, e.g. sorted along a line, gives a good start). It is a spanning tree
 *   rooted at the first row; ties (row and column exhausted together) step down, which makes every
 *   zero-flow arc point towards the root, i.e. the tree is strongly feasible.
 * - The tree is kept as parent / predecessor-arc / depth arrays plus child lists; a pivot re-roots
 *   the subtree cut off by the leaving arc and shifts its potentials (cost O(subtree size)).
 * - Potentials pi satisfy c_ij + pi_i - pi_{n+j} = 0 on tree arcs; the basis is optimal when no
 *   arc has reduced cost below -tol. Dual variables returned: u_i = -pi_i, v_j = pi_{n+j}.
 */

const UP = 1; // the predecessor arc goes from the node to its parent
const DOWN = -1; // the predecessor arc goes from the parent to the node

/** Result of {@link networkSimplex}: the basic flows and the duals. */
export interface NetworkSimplexResult {
  rows: Int32Array;
  cols: Int32Array;
  mass: Float64Array;
  u: Float64Array;
  v: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * Solve a balanced transportation problem exactly (up to `tol` in reduced costs).
 * @param C row-major n x m costs.
 * @param a source masses (> 0), b target masses (> 0), equal sums.
 * @param rowOrder, colOrder orders used for the north-west-corner start (permutations).
 * @param opts.maxIter pivot cap; on reaching it `converged` is false (never silently).
 * @param opts.tol a non-tree arc enters when its reduced cost is below -tol.
 */
export function networkSimplex(
  C: Float64Array,
  n: number,
  m: number,
  a: Float64Array,
  b: Float64Array,
  rowOrder: Int32Array,
  colOrder: Int32Array,
  opts: { maxIter?: number; tol?: number } = {},
): NetworkSimplexResult {
  const maxIter = opts.maxIter ?? 1e9;
  const tol = opts.tol ?? 0;
  const N = n + m;
  const parent = new Int32Array(N);
  const predArc = new Float64Array(N); // arc index (may exceed 2^31 for huge problems)
  const predDir = new Int8Array(N);
  const flow = new Float64Array(N); // flow on the predecessor arc
  const depth = new Int32Array(N);
  const firstChild = new Int32Array(N).fill(-1);
  const nextSib = new Int32Array(N).fill(-1);
  const prevSib = new Int32Array(N).fill(-1);
  const pi = new Float64Array(N);
  const inTree = new Uint8Array(n * m);

  const attach = (w: number, p: number) => {
    parent[w] = p;
    const f = firstChild[p];
    nextSib[w] = f;
    prevSib[w] = -1;
    if (f >= 0) prevSib[f] = w;
    firstChild[p] = w;
  };
  const detach = (w: number) => {
    const p = parent[w];
    const ps = prevSib[w];
    const ns = nextSib[w];
    if (ps >= 0) nextSib[ps] = ns;
    else firstChild[p] = ns;
    if (ns >= 0) prevSib[ns] = ps;
    prevSib[w] = -1;
    nextSib[w] = -1;
  };

  // ---- north-west corner start ----
  let ri = 0;
  let cj = 0;
  const root = rowOrder[0];
  parent[root] = -1;
  predArc[root] = -1;
  depth[root] = 0;
  pi[root] = 0;
  let ra = a[root];
  let rb = b[colOrder[0]];
  // the column colOrder[0] hangs below the root row
  {
    const c = n + colOrder[0];
    attach(c, root);
    predArc[c] = root * m + colOrder[0];
    predDir[c] = DOWN;
    depth[c] = 1;
    pi[c] = pi[root] + C[root * m + colOrder[0]];
    inTree[root * m + colOrder[0]] = 1;
  }
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
      // column exhausted: step right, the new column hangs below row r
      cj++;
      const c2 = colOrder[cj];
      const e = r * m + c2;
      attach(n + c2, r);
      predArc[n + c2] = e;
      predDir[n + c2] = DOWN;
      depth[n + c2] = depth[r] + 1;
      pi[n + c2] = pi[r] + C[e];
      inTree[e] = 1;
      rb = b[c2];
      newNode = n + c2;
    } else {
      // row exhausted (or both): step down, the new row hangs below column c
      ri++;
      const r2 = rowOrder[ri];
      const e = r2 * m + c;
      attach(r2, n + c);
      predArc[r2] = e;
      predDir[r2] = UP;
      depth[r2] = depth[n + c] + 1;
      pi[r2] = pi[n + c] - C[e];
      inTree[e] = 1;
      ra = a[r2];
      newNode = r2;
    }
  }

  // ---- pivots ----
  const arcNum = n * m;
  const block = Math.max(10, Math.ceil(Math.sqrt(arcNum)));
  let nextRow = 0;
  let nextCol = 0;
  let iterations = 0;
  let converged = false;
  const stack = new Int32Array(N);
  while (iterations < maxIter) {
    // block search for the entering arc
    let minRc = -tol;
    let inI = -1;
    let inJ = -1;
    let i = nextRow;
    let j = nextCol;
    let cnt = 0;
    let scanned = 0;
    let rowBase = i * m;
    let pii = pi[i];
    while (scanned < arcNum) {
      const e = rowBase + j;
      if (inTree[e] === 0) {
        const rc = C[e] + pii - pi[n + j];
        if (rc < minRc) {
          minRc = rc;
          inI = i;
          inJ = j;
        }
      }
      scanned++;
      cnt++;
      if (++j === m) {
        j = 0;
        if (++i === n) i = 0;
        rowBase = i * m;
        pii = pi[i];
      }
      if (cnt === block) {
        if (inI >= 0) break;
        cnt = 0;
      }
    }
    nextRow = i;
    nextCol = j;
    if (inI < 0) {
      converged = true;
      break;
    }
    iterations++;
    const first = inI;
    const second = n + inJ;
    // join node
    let p = first;
    let q = second;
    while (p !== q) {
      if (depth[p] > depth[q]) p = parent[p];
      else if (depth[q] > depth[p]) q = parent[q];
      else {
        p = parent[p];
        q = parent[q];
      }
    }
    const join = p;
    // leaving arc
    let delta = Infinity;
    let uOut = -1;
    let side = 0;
    for (let w = first; w !== join; w = parent[w]) {
      if (predDir[w] === UP && flow[w] < delta) {
        delta = flow[w];
        uOut = w;
        side = 1;
      }
    }
    for (let w = second; w !== join; w = parent[w]) {
      if (predDir[w] === DOWN && flow[w] <= delta) {
        delta = flow[w];
        uOut = w;
        side = 2;
      }
    }
    if (uOut < 0) throw new Error('networkSimplex: unbounded cycle (internal error)');
    // change flow around the cycle
    if (delta > 0) {
      for (let w = first; w !== join; w = parent[w]) flow[w] -= predDir[w] * delta;
      for (let w = second; w !== join; w = parent[w]) flow[w] += predDir[w] * delta;
    }
    const uIn = side === 1 ? first : second;
    const vIn = side === 1 ? second : first;
    const eIn = inI * m + inJ;
    inTree[predArc[uOut]] = 0;
    inTree[eIn] = 1;
    // re-root the subtree of uOut at uIn and hang it below vIn
    let prevNode = vIn;
    let prevArc = eIn;
    let prevDirV = uIn === first ? UP : DOWN; // uIn is the arc's source (a row) -> arc points to parent
    let prevFlow = delta;
    let w = uIn;
    for (;;) {
      const nextW = parent[w];
      const wArc = predArc[w];
      const wDir = predDir[w];
      const wFlow = flow[w];
      detach(w);
      attach(w, prevNode);
      predArc[w] = prevArc;
      predDir[w] = prevDirV;
      flow[w] = prevFlow;
      if (w === uOut) break;
      prevNode = w;
      prevArc = wArc;
      prevDirV = -wDir;
      prevFlow = wFlow;
      w = nextW;
    }
    // potentials and depths in the moved subtree
    const newPi = uIn === first ? pi[vIn] - C[eIn] : pi[vIn] + C[eIn];
    const sigma = newPi - pi[uIn];
    let top = 0;
    stack[top++] = uIn;
    depth[uIn] = depth[vIn] + 1;
    while (top > 0) {
      const x = stack[--top];
      pi[x] += sigma;
      const dx = depth[x] + 1;
      for (let ch = firstChild[x]; ch >= 0; ch = nextSib[ch]) {
        depth[ch] = dx;
        stack[top++] = ch;
      }
    }
  }

  // ---- output ----
  let count = 0;
  for (let x = 0; x < N; x++) if (parent[x] >= 0 && flow[x] > 0) count++;
  const rows = new Int32Array(count);
  const cols = new Int32Array(count);
  const mass = new Float64Array(count);
  let k = 0;
  for (let x = 0; x < N; x++) {
    if (parent[x] >= 0 && flow[x] > 0) {
      const e = predArc[x];
      const ii = Math.floor(e / m);
      rows[k] = ii;
      cols[k] = e - ii * m;
      mass[k] = flow[x];
      k++;
    }
  }
  const u = new Float64Array(n);
  const v = new Float64Array(m);
  for (let x = 0; x < n; x++) u[x] = -pi[x];
  for (let x = 0; x < m; x++) v[x] = pi[n + x];
  return { rows, cols, mass, u, v, iterations, converged };
}
