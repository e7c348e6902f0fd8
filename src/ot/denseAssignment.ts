/** Auction eps schedule, relative to the cost range max C - min C (see phase 3). */
const AUCTION_EPS_START = 1 / 16;
const AUCTION_EPS_FACTOR = 1 / 5;
const AUCTION_EPS_END = 1e-4;
/** Auction bids allowed per row in all (each is O(B)); phase 4 finishes exactly whatever is left. */
const AUCTION_BUDGET = 200;
/** Augmenting row reduction: passes, and row visits allowed per row (phase 3b). */
const ARR_PASSES = 2;
const ARR_BUDGET = 2;

/**
 * Exact square assignment for minibatch OT couplings: min over permutations pi of
 * sum_i C[i, pi(i)] for a dense, row-major B x B cost.
 *
 * Column duals v only; the row dual of a matched row i is implicit, u_i = C[i, x_i] - v[x_i].
 * Exactness rests on one invariant, which holds on entry to phase 4 and which phase 4 keeps:
 * every matched row is matched to a column of least reduced cost C[i, j] - v[j] in its row
 * (dual feasibility plus complementary slackness; with all rows matched it proves optimality).
 * Phases:
 * 1. column reduction: v_j = min_i C_ij; each column goes to its argmin row when that row has
 *    no column yet (columns visited last to first);
 * 2. reduction transfer: a row that owns exactly one column lowers that column's dual to the
 *    row's second-least reduced cost (still a tie for least, but cheaper for others to take);
 * 3. a forward auction with eps-scaling (Bertsekas), eps = range/16, range/80, ... down to
 *    1e-4 range: a free row bids for its least-reduced-cost column, lowering its dual v_j to
 *    make it eps worse than the row's second choice, and evicts the owner. It only serves to move
 *    v close to optimal duals cheaply (the plain Jonker-Volgenant start, column reduction plus
 *    augmenting row reduction, left ~170 of 256 rows free with duals so far off for shifted
 *    clouds that phase 4 scanned ~100 rows per augmentation). It ends with eps-complementary
 *    slackness only, so afterwards every row whose column is not exactly a least reduced cost
 *    is freed, which restores the invariant. A work budget bounds it;
 * 3b. augmenting row reduction (Jonker-Volgenant, two passes, also budgeted): a free row takes
 *    its least-reduced-cost column and lowers that column's dual until the row's second-least
 *    column ties with it, evicting the owner, which is retried at once. With no gap (or one that
 *    rounding swallows) the row takes the second column instead, and the evicted row waits for
 *    the next pass. This is the auction with eps = 0, and it keeps the invariant exactly;
 * 4. for each free row, a Dijkstra shortest augmenting path on reduced costs (Jonker-Volgenant
 *    style): it scans only unsettled columns kept in a compact list, settles all columns at the
 *    current minimum distance at once, and stops as soon as a free column is reached at that
 *    distance; then the duals of the scanned columns are updated and the path is flipped.
 * Phase 4 alone is exact from any start satisfying the invariant; phases 1-3b only shorten it.
 * Rounding: reduced costs are recomputed from C and v, so ties may be resolved differently, but
 * the total equals the optimum to rounding (the tests compare with `emd` and munkres at 1e-12).
 * Non-finite costs give a permutation without guarantee. Typed arrays only, no allocation after
 * setup.
 * Used by `emd` for dense square uniform problems (a cost matrix) and by the minibatch couplings of
 * training (`minibatchAssignment`, `src/nn/train`) and A2A-FM.
 * @returns `rowToCol` (Int32Array of length B) and the column duals `v` (Float64Array of length B);
 *   the row duals are u_i = C[i, rowToCol[i]] - v[rowToCol[i]], so u_i + v_j <= C_ij for all pairs up to
 *   rounding (the invariant above), which `emd` then certifies over all pairs.
 * @throws RangeError if B is not a non-negative integer or cost has fewer than B * B entries.
 */
export function denseAssignment(cost: Float64Array, B: number): { rowToCol: Int32Array; v: Float64Array } {
  if (!Number.isInteger(B) || B < 0) throw new RangeError(`denseAssignment: B must be a non-negative integer, got ${B}`);
  if (cost.length < B * B) throw new RangeError(`denseAssignment: cost has ${cost.length} entries, expected ${B * B}`);
  const INF = Number.POSITIVE_INFINITY;
  const rowToCol = new Int32Array(B).fill(-1);
  const v = new Float64Array(B);
  if (B === 0) return { rowToCol, v };
  if (B === 1) {
    rowToCol[0] = 0;
    return { rowToCol, v };
  }
  const colToRow = new Int32Array(B).fill(-1);
  const free = new Int32Array(B);
  // reused by phase 1 as a per-row count of owned columns, by phase 4 as the predecessor row
  const pred = new Int32Array(B);
  const d = new Float64Array(B);
  const cols = new Int32Array(B);

  // ---- 1. column reduction ----
  const owned = pred;
  for (let j = B - 1; j >= 0; j--) {
    let m = cost[j];
    let imin = 0;
    for (let i = 1, k = B + j; i < B; i++, k += B) {
      const c = cost[k];
      if (c < m) {
        m = c;
        imin = i;
      }
    }
    v[j] = m;
    if (owned[imin]++ === 0) {
      rowToCol[imin] = j;
      colToRow[j] = imin;
    }
  }

  // ---- 2. reduction transfer ----
  let numFree = 0;
  for (let i = 0; i < B; i++) {
    if (owned[i] === 0) {
      free[numFree++] = i;
    } else if (owned[i] === 1) {
      const j1 = rowToCol[i];
      const row = i * B;
      let m = INF;
      for (let j = 0; j < B; j++) {
        if (j === j1) continue;
        const h = cost[row + j] - v[j];
        if (h < m) m = h;
      }
      // C[i, j1] - v_j1 = 0 and every other reduced cost in row i is >= 0, so m >= 0
      v[j1] -= m;
    }
  }

  // ---- 3. auction with eps-scaling (only to get near-optimal column duals) ----
  let cmin = INF;
  let cmax = -INF;
  let amax = 0;
  // phases 3 and 3b assume finite costs (c - c is NaN for NaN and +-Infinity); phase 4 copes
  let finite = true;
  for (let k = 0; k < B * B; k++) {
    const c = cost[k];
    if (c < cmin) cmin = c;
    if (c > cmax) cmax = c;
    if (Math.abs(c) > amax) amax = Math.abs(c);
    if (c - c !== 0) finite = false;
  }
  /**
   * Unmatch every row whose column's reduced cost exceeds the row's least one by more than `slack`;
   * the free rows (unmatched before or now) go to `free`; returns their count. (slack 0: x - 0 = x, so
   * the exact invariant is tested on the same values as before this was shared.)
   */
  const releaseRows = (slack: number): number => {
    let count = 0;
    for (let i = 0; i < B; i++) {
      const j0 = rowToCol[i];
      if (j0 < 0) {
        free[count++] = i;
        continue;
      }
      const row = i * B;
      const lim = cost[row + j0] - v[j0] - slack;
      let ok = true;
      for (let j = 0; j < B; j++) {
        if (cost[row + j] - v[j] < lim) {
          ok = false;
          break;
        }
      }
      if (!ok) {
        rowToCol[i] = -1;
        colToRow[j0] = -1;
        free[count++] = i;
      }
    }
    return count;
  };
  const range = cmax - cmin;
  if (finite && range > 0) {
    // eps from range/16 down to range*1e-4 in steps of 1/5 (measured on the bench costs: smaller
    // final eps costs more bids than it saves in phase 4), never below 1e-10 max|C|, so that
    // every bid changes v by far more than its rounding
    const epsEnd = Math.max(range * AUCTION_EPS_END, amax * 1e-10);
    let budget = AUCTION_BUDGET * B;
    for (let eps = range * AUCTION_EPS_START; eps >= epsEnd && budget > 0; eps *= AUCTION_EPS_FACTOR) {
      // free every row whose column is not within eps of its least reduced cost
      numFree = releaseRows(eps);
      while (numFree > 0) {
        if (budget-- <= 0) break;
        const i = free[--numFree];
        const row = i * B;
        let u1 = cost[row] - v[0];
        let j1 = 0;
        let u2 = INF;
        for (let j = 1; j < B; j++) {
          const h = cost[row + j] - v[j];
          if (h < u2) {
            if (h >= u1) {
              u2 = h;
            } else {
              u2 = u1;
              u1 = h;
              j1 = j;
            }
          }
        }
        v[j1] -= u2 - u1 + eps;
        const i0 = colToRow[j1];
        rowToCol[i] = j1;
        colToRow[j1] = i;
        if (i0 >= 0) {
          rowToCol[i0] = -1;
          free[numFree++] = i0;
        }
      }
    }
    // exact invariant for phase 4: keep a row matched only if its column is a least reduced cost
    numFree = releaseRows(0);
  }

  // ---- 3b. augmenting row reduction (exact: keeps the invariant; measured 8-15% faster overall
  // than going straight to phase 4 with the rows freed above) ----
  // budget on row visits: each visit is O(B); beyond it the Dijkstra phase is cheaper
  let arrBudget = finite ? ARR_BUDGET * B : 0;
  for (let pass = 0; pass < ARR_PASSES && numFree > 0 && arrBudget > 0; pass++) {
    const prevFree = numFree;
    numFree = 0;
    let k = 0;
    while (k < prevFree) {
      if (arrBudget-- <= 0) {
        // hand the unprocessed rows to phase 4 (numFree <= k, so the copy runs forward safely)
        while (k < prevFree) free[numFree++] = free[k++];
        break;
      }
      const i = free[k++];
      const row = i * B;
      let u1 = cost[row] - v[0];
      let j1 = 0;
      let u2 = INF;
      let j2 = -1;
      for (let j = 1; j < B; j++) {
        const h = cost[row + j] - v[j];
        if (h < u2) {
          if (h >= u1) {
            u2 = h;
            j2 = j;
          } else {
            u2 = u1;
            j2 = j1;
            u1 = h;
            j1 = j;
          }
        }
      }
      let i0 = colToRow[j1];
      const lowered = v[j1] - (u2 - u1);
      // lowering v_j1 by the gap u2 - u1 leaves j1 and j2 tied for least in row i; when there is
      // no gap, or rounding swallows it, the tie rule applies: take j2 rather than an owned j1
      const lowers = lowered < v[j1];
      if (lowers) {
        v[j1] = lowered;
      } else if (i0 >= 0) {
        j1 = j2;
        i0 = colToRow[j1];
      }
      rowToCol[i] = j1;
      colToRow[j1] = i;
      if (i0 >= 0) {
        rowToCol[i0] = -1;
        // after a decrease the evicted row is retried at once (it tends to find a free column);
        // otherwise it waits for the next pass
        if (lowers) free[--k] = i0;
        else free[numFree++] = i0;
      }
    }
  }

  // ---- 4. shortest augmenting paths ----
  for (let f = 0; f < numFree; f++) {
    const start = free[f];
    const srow = start * B;
    for (let j = 0; j < B; j++) {
      d[j] = cost[srow + j] - v[j];
      pred[j] = start;
      cols[j] = j;
    }
    // cols[0, low): settled and scanned; cols[low, up): settled at distance dmin, to scan;
    // cols[up, B): not settled
    let low = 0;
    let up = 0;
    let dmin = 0;
    let end = -1;
    while (end < 0) {
      if (up === low) {
        // settle every column at the least tentative distance
        dmin = d[cols[up]];
        up++;
        for (let k = up; k < B; k++) {
          const j = cols[k];
          const h = d[j];
          if (h <= dmin) {
            if (h < dmin) {
              up = low;
              dmin = h;
            }
            cols[k] = cols[up];
            cols[up++] = j;
          }
        }
        for (let k = low; k < up; k++) {
          if (colToRow[cols[k]] < 0) {
            end = cols[k];
            break;
          }
        }
        if (end >= 0) break;
      }
      // scan the row matched to the next settled column
      const j1 = cols[low++];
      const i = colToRow[j1];
      const row = i * B;
      const shift = cost[row + j1] - v[j1] - dmin;
      for (let k = up; k < B; k++) {
        const j = cols[k];
        const h = cost[row + j] - v[j] - shift;
        if (h < d[j]) {
          d[j] = h;
          pred[j] = i;
          if (h <= dmin) {
            if (colToRow[j] < 0) {
              end = j;
              break;
            }
            cols[k] = cols[up];
            cols[up++] = j;
          }
        }
      }
    }
    // dual update on the scanned columns (those settled but unscanned have d = dmin: no change)
    for (let k = 0; k < low; k++) {
      const j = cols[k];
      v[j] += d[j] - dmin;
    }
    // flip the path
    let j = end;
    for (;;) {
      const i = pred[j];
      colToRow[j] = i;
      const next = rowToCol[i];
      rowToCol[i] = j;
      if (i === start) break;
      j = next;
    }
  }
  return { rowToCol, v };
}
