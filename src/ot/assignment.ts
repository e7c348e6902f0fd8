/**
 * Exact linear assignment (n x n, min sum_i c_{i, s(i)}) by successive shortest augmenting paths
 * (Dijkstra with potentials, as in Jonker-Volgenant) on a sparse candidate graph, followed by
 * pricing passes over all n^2 pairs that add violated pairs until the duals are feasible
 * everywhere. The result is exact for real costs: when it stops with `converged`, the potentials
 * satisfy u_i + v_j <= c_ij + tol for all pairs (checked in a full pass) and u_i + v_j = c_ij on
 * the assignment, which proves optimality.
 *
 * Memory is O(n k), never n^2: costs are recomputed on the fly from points (or read from a
 * user matrix), so 10^4 points need no 800 MB matrix.
 */
import { type CostSpec, costAt, costRow, costShape } from './costSpec.ts';
import { dualViolation } from './certificate.ts';
import { nearestNeighbours } from './spatialBlocks.ts';

/** Result of {@link solveAssignment}. */
export interface AssignmentResult {
  /** rowToCol[i] = column assigned to row i. */
  rowToCol: Int32Array;
  /** Dual potentials: u_i + v_j <= c_ij (up to `maxDualViolation`), equality on the assignment. */
  u: Float64Array;
  v: Float64Array;
  /** sum_i c_{i, rowToCol[i]} (compensated summation). */
  total: number;
  /** Result of the last full pricing pass (the dual part of the certificate). */
  dual: { max: number; maxAbsCost: number };
  /** The `maxScanned` budget ran out (the result is then not optimal). */
  budgetExceeded: boolean;
  /** Number of pricing passes over all pairs. */
  rounds: number;
  /** Number of augmenting-path searches. */
  augmentations: number;
  /** Columns settled by Dijkstra over all searches (work measure). */
  settledColumns: number;
  /** Edges scanned by Dijkstra over all searches (work measure). */
  scannedEdges: number;
  converged: boolean;
}

/** Options of {@link solveAssignment}. */
export interface AssignmentOptions {
  k?: number;
  relTol?: number;
  maxRounds?: number;
  maxScanned?: number;
  /** Called after each pricing pass with the pass number and the number of violated pairs added. */
  onRound?: (round: number, violations: number) => void;
  /**
   * Candidate lists supplied by the caller (`rowJ[i * k + t]`: columns of row i; `colI[j * k + t]`:
   * rows of column j; -1 = none), e.g. from a coarser level. Replaces the default lists.
   */
  candidates?: { rowJ: Int32Array; colI: Int32Array };
  /** Warm-start column potentials (e.g. c-transforms of coarse duals); row potentials follow by reduction. */
  initV?: Float64Array;
}

/**
 * Solve the square assignment problem exactly.
 * @param cost an n x n cost (points or matrix).
 * @param opts.k candidate neighbours per row and per column (default 24; measured: fewer pricing
 *   passes than 10 or 14 on uniform 2-D clouds, where boundary points travel far).
 * @param opts.relTol pricing tolerance relative to max|u| + max|v| + the largest candidate cost (default 1e-13).
 * @param opts.maxRounds pricing passes before giving up with `converged: false` (default 50).
 * @param opts.maxScanned work budget: edges scanned by Dijkstra over all searches before giving up with
 *   `converged: false` and `budgetExceeded: true` (default unlimited). `emd` uses it to switch to
 *   the network simplex on problems where candidate lists are poor (e.g. noise vs data on curves).
 */
export function solveAssignment(
  cost: CostSpec,
  opts: AssignmentOptions = {},
): AssignmentResult {
  const { n, m } = costShape(cost);
  if (n !== m) throw new RangeError(`solveAssignment needs a square problem, got ${n}x${m}`);
  const k = Math.min(n, opts.k ?? 24);
  const maxRounds = opts.maxRounds ?? 50;
  const relTol = opts.relTol ?? 1e-13;

  // ---- candidate graph: for each row the k columns of least reduced cost c_ij - gv_j, for each
  // column the k rows of least c_ij - gu_i, for a dual guess (gu, gv). The first guess is 0, or for
  // sqeuclidean the exact dual shift of centring both clouds (c_ij = |x'_i - y'_j|^2 + alpha_i + beta_j,
  // which leaves the optimal assignment unchanged), so shifted clouds get local candidates. ----
  const rowBestK = new Float64Array(n * k);
  const rowBestJ = new Int32Array(n * k);
  const colBestK = new Float64Array(n * k);
  const colBestI = new Int32Array(n * k);
  const colWorst = new Float64Array(n);
  const colWorstPos = new Int32Array(n);
  const row = new Float64Array(n);
  // (tried and dropped: rebuilding all lists by reduced cost under the duals of a first solve;
  // on shifted euclidean clouds it tripled the work, because W1 duals make near-ties along the shift)
  const buildCandidates = (keyCost: CostSpec, gu: Float64Array, gv: Float64Array) => {
    colBestK.fill(Infinity);
    colBestI.fill(-1);
    colWorst.fill(Infinity);
    colWorstPos.fill(0);
    for (let i = 0; i < n; i++) {
      costRow(keyCost, i, row);
      const base = i * k;
      const gui = gu[i];
      let filled = 0;
      let worst = Infinity;
      for (let j = 0; j < n; j++) {
        const c = row[j];
        const key = c - gv[j];
        if (filled < k || key < worst) {
          let p = filled < k ? filled++ : k - 1;
          while (p > 0 && rowBestK[base + p - 1] > key) {
            rowBestK[base + p] = rowBestK[base + p - 1];
            rowBestJ[base + p] = rowBestJ[base + p - 1];
            p--;
          }
          rowBestK[base + p] = key;
          rowBestJ[base + p] = j;
          if (filled === k) worst = rowBestK[base + k - 1];
        }
        const ckey = c - gui;
        if (ckey < colWorst[j]) {
          const cb = j * k;
          colBestK[cb + colWorstPos[j]] = ckey;
          colBestI[cb + colWorstPos[j]] = i;
          let wv = -Infinity;
          let wp = 0;
          for (let t = 0; t < k; t++) {
            if (colBestK[cb + t] > wv) {
              wv = colBestK[cb + t];
              wp = t;
            }
          }
          colWorst[j] = wv;
          colWorstPos[j] = wp;
        }
      }
    }
  };
  const zeros = new Float64Array(n);
  if (opts.candidates) {
    if (opts.candidates.rowJ.length !== n * k || opts.candidates.colI.length !== n * k) {
      throw new RangeError(`solveAssignment: candidate lists must hold n k = ${n * k} entries`);
    }
    rowBestJ.set(opts.candidates.rowJ);
    colBestI.set(opts.candidates.colI);
  } else if (cost.kind === 'matrix') buildCandidates(cost, zeros, zeros);
  else {
    // candidates = nearest neighbours between the clouds standardised per coordinate, i.e. after the
    // optimal (monotone, per-axis Gaussian-fit) affine map x -> my + (sy / sx)(x - mx). Centring alone
    // changes every assignment's sqeuclidean cost by one constant; the scaling handles clouds of
    // different spread (noise vs data), where plain neighbours are the wrong partners. Candidates only
    // steer the search: pricing over all pairs makes the result exact whatever they are.
    const d = cost.x.dim;
    const mx = new Float64Array(d);
    const my = new Float64Array(d);
    const sx = new Float64Array(d);
    const sy = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mx[c] += cost.x.data[i * d + c] / n;
    for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) my[c] += cost.y.data[j * d + c] / n;
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) sx[c] += (cost.x.data[i * d + c] - mx[c]) ** 2 / n;
    for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) sy[c] += (cost.y.data[j * d + c] - my[c]) ** 2 / n;
    for (let c = 0; c < d; c++) {
      sx[c] = sx[c] > 0 ? Math.sqrt(sx[c]) : 1;
      sy[c] = sy[c] > 0 ? Math.sqrt(sy[c]) : 1;
    }
    const cx = Float64Array.from(cost.x.data, (v, t) => (v - mx[t % d]) / sx[t % d]);
    const cy = Float64Array.from(cost.y.data, (v, t) => (v - my[t % d]) / sy[t % d]);
    const px = { data: cx, n, dim: d };
    const py = { data: cy, n, dim: d };
    rowBestJ.set(nearestNeighbours(px, py, k));
    colBestI.set(nearestNeighbours(py, px, k));
  }
  // edge lists: row candidates + reverse of column candidates (+ pairs added by pricing)
  let extraRows: number[] = [];
  let extraCols: number[] = [];
  const SLACK = k;
  let start = new Int32Array(n + 1);
  let rowEnd = new Int32Array(n);
  let adj = new Int32Array(0);
  let adjC = new Float64Array(0);
  const buildGraph = () => {
    const deg = new Int32Array(n);
    for (let i = 0; i < n; i++) deg[i] += k;
    for (let t = 0; t < n * k; t++) if (colBestI[t] >= 0) deg[colBestI[t]]++;
    for (let t = 0; t < extraRows.length; t++) deg[extraRows[t]]++;
    start = new Int32Array(n + 1);
    // SLACK free slots per row take edges added between rebuilds (see addEdge)
    for (let i = 0; i < n; i++) start[i + 1] = start[i] + deg[i] + SLACK;
    adj = new Int32Array(start[n]);
    adjC = new Float64Array(start[n]);
    const fill = start.slice(0, n);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < k; t++) {
        const p = fill[i]++;
        adj[p] = rowBestJ[i * k + t];
        adjC[p] = costAt(cost, i, adj[p]);
      }
    }
    for (let t = 0; t < n * k; t++) {
      const i = colBestI[t];
      if (i < 0) continue;
      const p = fill[i]++;
      adj[p] = Math.floor(t / k);
      adjC[p] = costAt(cost, i, adj[p]);
    }
    for (let t = 0; t < extraRows.length; t++) {
      const i = extraRows[t];
      const p = fill[i]++;
      adj[p] = extraCols[t];
      adjC[p] = costAt(cost, i, extraCols[t]);
    }
    rowEnd = fill;
  };
  buildGraph();
  let scale = 0;
  for (let t = 0; t < adjC.length; t++) scale = Math.max(scale, Math.abs(adjC[t]));

  // ---- initial duals (column reduction) and greedy tight matches ----
  const u = new Float64Array(n);
  const v = new Float64Array(n).fill(Infinity);
  const colArg = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let p = start[i]; p < rowEnd[i]; p++) {
      const j = adj[p];
      if (adjC[p] < v[j]) {
        v[j] = adjC[p];
        colArg[j] = i;
      }
    }
  }
  for (let j = 0; j < n; j++) if (v[j] === Infinity) v[j] = 0;
  if (opts.initV) v.set(opts.initV);
  const rowToCol = new Int32Array(n).fill(-1);
  const colToRow = new Int32Array(n).fill(-1);
  const resetRowPotential = (i: number) => {
    let best = Infinity;
    for (let p = start[i]; p < rowEnd[i]; p++) {
      const r = adjC[p] - v[adj[p]];
      if (r < best) best = r;
    }
    u[i] = best;
  };
  for (let i = 0; i < n; i++) resetRowPotential(i);
  if (opts.initV) {
    // warm start: match each row to a free column on which its reduced cost is zero
    for (let i = 0; i < n; i++) {
      for (let p = start[i]; p < rowEnd[i]; p++) {
        const j = adj[p];
        if (colToRow[j] < 0 && adjC[p] - v[j] === u[i]) {
          rowToCol[i] = j;
          colToRow[j] = i;
          break;
        }
      }
    }
  } else for (let j = 0; j < n; j++) {
    const i = colArg[j];
    if (i >= 0 && rowToCol[i] < 0 && u[i] === 0) {
      rowToCol[i] = j;
      colToRow[j] = i;
    }
  }

  // ---- Dijkstra machinery (indexed binary heap over columns) ----
  const ws: Workspace = {
    dist: new Float64Array(n).fill(Infinity),
    pred: new Int32Array(n),
    heap: new Int32Array(n),
    pos: new Int32Array(n).fill(-1),
    touched: new Int32Array(n),
    settled: new Int32Array(n),
    denseRow: new Float64Array(n),
    settledTotal: 0,
    scannedEdges: 0,
  };
  let denseRows: Uint8Array | null = null;
  const denseRow = ws.denseRow;
  let augmentations = 0;
  const augment = (f: number): boolean => {
    augmentations++;
    return augmentFrom(f, n, start, rowEnd, adj, adjC, u, v, rowToCol, colToRow, ws, denseRows, cost);
  };

  const maxScanned = opts.maxScanned ?? Infinity;
  let budgetExceeded = false;
  const augmentAllFree = () => {
    for (let f = 0; f < n; f++) {
      if (rowToCol[f] >= 0) continue;
      if (ws.scannedEdges > maxScanned) {
        budgetExceeded = true;
        return;
      }
      if (augment(f)) continue;
      // No free column is reachable in the sparse graph (a local shortage of columns: the rows
      // reached have all their candidates matched). Give f edges to the k free columns of least
      // reduced cost c_fj - v_j, lower u_f so they are dual feasible, and retry: f now reaches a
      // free column directly. Pricing later repairs any sub-optimality this causes.
      costRow(cost, f, denseRow);
      // the k free columns of least reduced cost (insertion into a sorted list of length <= k)
      const freeJ: number[] = [];
      const freeR: number[] = [];
      for (let j = 0; j < n; j++) {
        if (colToRow[j] >= 0) continue;
        const r = denseRow[j] - v[j];
        if (freeJ.length === k && r >= freeR[k - 1]) continue;
        let p = freeJ.length === k ? k - 1 : freeJ.length;
        if (freeJ.length < k) {
          freeJ.push(0);
          freeR.push(0);
        }
        while (p > 0 && freeR[p - 1] > r) {
          freeR[p] = freeR[p - 1];
          freeJ[p] = freeJ[p - 1];
          p--;
        }
        freeR[p] = r;
        freeJ[p] = j;
      }
      let overflow = false;
      for (const j of freeJ) {
        extraRows.push(f);
        extraCols.push(j);
        u[f] = Math.min(u[f], denseRow[j] - v[j]);
        if (rowEnd[f] < start[f + 1]) {
          adj[rowEnd[f]] = j;
          adjC[rowEnd[f]] = denseRow[j];
          rowEnd[f]++;
        } else overflow = true;
      }
      if (overflow) buildGraph();
      if (augment(f)) continue;
      // cannot happen (f has an edge to a free column); kept as a guarded fallback
      if (denseRows === null) denseRows = new Uint8Array(n);
      denseRows[f] = 1;
      let best = Infinity;
      for (let j = 0; j < n; j++) best = Math.min(best, denseRow[j] - v[j]);
      u[f] = best;
      if (!augment(f)) throw new Error('solveAssignment: no augmenting path from a dense row (internal error)');
    }
  };


  // ---- main loop: augment, price all pairs, add violated pairs, repeat ----
  let rounds = 0;
  let converged = false;
  let dual = { max: Infinity, maxAbsCost: scale };
  while (rounds < maxRounds) {
    augmentAllFree();
    if (budgetExceeded) break;
    rounds++;
    let potScale = scale;
    let umax = 0;
    let vmax = 0;
    for (let t = 0; t < n; t++) {
      umax = Math.max(umax, Math.abs(u[t]));
      vmax = Math.max(vmax, Math.abs(v[t]));
    }
    potScale += umax + vmax;
    const collect = { threshold: relTol * potScale, perRow: 16, rows: [] as number[], cols: [] as number[] };
    dual = dualViolation(cost, u, v, collect);
    opts.onRound?.(rounds, collect.rows.length);
    if (collect.rows.length === 0) {
      converged = true;
      break;
    }
    const bad = new Uint8Array(n);
    for (const i of collect.rows) bad[i] = 1;
    extraRows = extraRows.concat(collect.rows);
    extraCols = extraCols.concat(collect.cols);
    buildGraph();
    for (let i = 0; i < n; i++) {
      if (bad[i] === 0) continue;
      const j = rowToCol[i];
      if (j >= 0) colToRow[j] = -1;
      rowToCol[i] = -1;
      resetRowPotential(i);
      if (denseRows !== null && denseRows[i] === 1) {
        costRow(cost, i, denseRow);
        let best = Infinity;
        for (let jj = 0; jj < n; jj++) best = Math.min(best, denseRow[jj] - v[jj]);
        u[i] = best;
      }
    }
  }

  if (budgetExceeded) {
    // unmatched rows remain: report a complete (arbitrary) assignment so callers never index -1
    const usedCol = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (rowToCol[i] >= 0) usedCol[rowToCol[i]] = 1;
    let nextFree = 0;
    for (let i = 0; i < n; i++) {
      if (rowToCol[i] >= 0) continue;
      while (usedCol[nextFree]) nextFree++;
      rowToCol[i] = nextFree;
      usedCol[nextFree] = 1;
    }
  }
  // total with compensated summation
  let total = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const y = costAt(cost, i, rowToCol[i]) - comp;
    const t = total + y;
    comp = t - total - y;
    total = t;
  }
    return { rowToCol, u, v, total, dual, rounds, augmentations, settledColumns: ws.settledTotal, scannedEdges: ws.scannedEdges, converged, budgetExceeded };
}

interface Workspace {
  dist: Float64Array;
  pred: Int32Array;
  heap: Int32Array;
  /** -1 never touched, -2 settled, >= 0 heap slot */
  pos: Int32Array;
  touched: Int32Array;
  settled: Int32Array;
  denseRow: Float64Array;
  settledTotal: number;
  scannedEdges: number;
}

/**
 * One shortest augmenting path from free row f (Dijkstra on reduced costs c_ij - u_i - v_j >= 0),
 * then the potential update that keeps reduced costs non-negative and makes the path tight, then
 * the augmentation. Returns false (changing nothing) if no free column is reachable.
 */
function augmentFrom(
  f: number,
  n: number,
  start: Int32Array,
  rowEnd: Int32Array,
  adj: Int32Array,
  adjC: Float64Array,
  u: Float64Array,
  v: Float64Array,
  rowToCol: Int32Array,
  colToRow: Int32Array,
  ws: Workspace,
  denseRows: Uint8Array | null,
  cost: CostSpec,
): boolean {
  const { dist, pred, heap, pos, touched, settled, denseRow } = ws;
  let nTouched = 0;
  let nSettled = 0;
  let heapSize = 0;
  let found = -1;
  let D = 0;
  let i = f;
  let di = 0;
  for (;;) {
    const ui = u[i];
    const dense = denseRows !== null && denseRows[i] === 1;
    if (dense) costRow(cost, i, denseRow);
    const pEnd = dense ? n : rowEnd[i];
    ws.scannedEdges += dense ? n : pEnd - start[i];
    for (let p = dense ? 0 : start[i]; p < pEnd; p++) {
      const j = dense ? p : adj[p];
      const pj = pos[j];
      if (pj === -2) continue;
      const nd = di + (dense ? denseRow[p] : adjC[p]) - ui - v[j];
      let slot: number;
      if (pj === -1) {
        touched[nTouched++] = j;
        slot = heapSize++;
      } else if (nd < dist[j]) {
        slot = pj;
      } else continue;
      dist[j] = nd;
      pred[j] = i;
      // sift up
      while (slot > 0) {
        const par = (slot - 1) >> 1;
        const qj = heap[par];
        if (dist[qj] <= nd) break;
        heap[slot] = qj;
        pos[qj] = slot;
        slot = par;
      }
      heap[slot] = j;
      pos[j] = slot;
    }
    if (heapSize === 0) break;
    // pop the minimum
    const j = heap[0];
    const last = heap[--heapSize];
    if (heapSize > 0) {
      const dl = dist[last];
      let slot = 0;
      for (;;) {
        let c = 2 * slot + 1;
        if (c >= heapSize) break;
        if (c + 1 < heapSize && dist[heap[c + 1]] < dist[heap[c]]) c++;
        if (dist[heap[c]] >= dl) break;
        heap[slot] = heap[c];
        pos[heap[c]] = slot;
        slot = c;
      }
      heap[slot] = last;
      pos[last] = slot;
    }
    pos[j] = -2;
    settled[nSettled++] = j;
    if (colToRow[j] < 0) {
      found = j;
      D = dist[j];
      break;
    }
    i = colToRow[j];
    di = dist[j];
  }
  ws.settledTotal += nSettled;
  if (found >= 0) {
    // new u_i = u_i + D - d_i, v_j = v_j + d_j - D on settled nodes (others unchanged):
    // reduced costs become r_ij + d_i - d_j >= 0 and vanish along the shortest path
    for (let t = 0; t < nSettled; t++) {
      const j = settled[t];
      const dj = dist[j];
      v[j] += dj - D;
      const r = colToRow[j];
      if (r >= 0) u[r] += D - dj;
    }
    u[f] += D;
    let j = found;
    for (;;) {
      const r = pred[j];
      const nj = rowToCol[r];
      rowToCol[r] = j;
      colToRow[j] = r;
      if (r === f) break;
      j = nj;
    }
  }
  for (let t = 0; t < nTouched; t++) {
    const j = touched[t];
    dist[j] = Infinity;
    pos[j] = -1;
  }
  return found >= 0;
}
