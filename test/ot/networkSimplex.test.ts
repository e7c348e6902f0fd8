import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { networkSimplex } from '../../src/ot/networkSimplex.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

/**
 * Reference: successive shortest paths (Bellman-Ford on the residual graph, all rows with supply
 * left as sources), an exact min-cost-flow method independent of the simplex. Tiny problems only.
 */
function sspCost(C: Float64Array, n: number, m: number, a: Float64Array, b: Float64Array): number {
  const flow = new Float64Array(n * m);
  const ra = Float64Array.from(a);
  const rb = Float64Array.from(b);
  let total = 0;
  for (const x of a) total += x;
  const eps = 1e-15 * total;
  for (let round = 0; round < 10000; round++) {
    let left = 0;
    for (const x of rb) left += x;
    if (left <= 1e-13 * total) break;
    const dist = new Float64Array(n + m).fill(Infinity);
    const pred = new Int32Array(n + m).fill(-1);
    for (let i = 0; i < n; i++) if (ra[i] > eps) dist[i] = 0;
    for (let it = 0; it < n + m; it++) {
      let changed = false;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          const c = C[i * m + j];
          if (dist[i] + c < dist[n + j]) {
            dist[n + j] = dist[i] + c;
            pred[n + j] = i;
            changed = true;
          }
          if (flow[i * m + j] > eps && dist[n + j] - c < dist[i]) {
            dist[i] = dist[n + j] - c;
            pred[i] = n + j;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    let t = -1;
    for (let j = 0; j < m; j++) if (rb[j] > eps && (t < 0 || dist[n + j] < dist[n + t])) t = j;
    // bottleneck along the path back to a source row
    let amount = rb[t];
    let x = n + t;
    while (pred[x] >= 0) {
      const p = pred[x];
      if (x < n) amount = Math.min(amount, flow[x * m + (p - n)]);
      x = p;
    }
    amount = Math.min(amount, ra[x]);
    ra[x] -= amount;
    rb[t] -= amount;
    x = n + t;
    while (pred[x] >= 0) {
      const p = pred[x];
      if (x >= n) flow[p * m + (x - n)] += amount;
      else flow[x * m + (p - n)] -= amount;
      x = p;
    }
  }
  let cost = 0;
  for (let e = 0; e < n * m; e++) cost += flow[e] * C[e];
  return cost;
}

function permutation(rng: Rng, k: number): Int32Array {
  const p = Int32Array.from({ length: k }, (_, i) => i);
  for (let i = k - 1; i > 0; i--) {
    const r = rng.int(i + 1);
    const t = p[i];
    p[i] = p[r];
    p[r] = t;
  }
  return p;
}

/** Solve and check: converged, marginals to 1e-12, <= n + m - 1 entries, dual feasibility, slackness. */
function solveChecked(C: Float64Array, n: number, m: number, a: Float64Array, b: Float64Array, rng: Rng, what: string) {
  let maxAbs = 0;
  for (const c of C) maxAbs = Math.max(maxAbs, Math.abs(c));
  const r = networkSimplex(C, n, m, a, b, permutation(rng, n), permutation(rng, m), { tol: 1e-14 * maxAbs });
  assert.ok(r.converged, `${what}: not converged`);
  assert.ok(r.mass.length <= n + m - 1, `${what}: ${r.mass.length} entries > n + m - 1`);
  const rows = new Float64Array(n);
  const cols = new Float64Array(m);
  let cost = 0;
  for (let k = 0; k < r.mass.length; k++) {
    assert.ok(r.mass[k] > 0, `${what}: non-positive mass`);
    rows[r.rows[k]] += r.mass[k];
    cols[r.cols[k]] += r.mass[k];
    const c = C[r.rows[k] * m + r.cols[k]];
    cost += r.mass[k] * c;
    // complementary slackness: rounding of a few potential sums (1e-12 of the largest cost)
    expectClose(r.u[r.rows[k]] + r.v[r.cols[k]], c, { atol: 1e-12 * (maxAbs + 1) }, `${what}: slack`);
  }
  // marginals: sums of a few exact differences of the weights
  for (let i = 0; i < n; i++) expectClose(rows[i], a[i], { atol: 1e-12 }, `${what}: row ${i}`);
  for (let j = 0; j < m; j++) expectClose(cols[j], b[j], { atol: 1e-12 }, `${what}: col ${j}`);
  let viol = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) viol = Math.max(viol, r.u[i] + r.v[j] - C[i * m + j]);
  assert.ok(viol <= 1e-12 * (maxAbs + 1), `${what}: dual violation ${viol}`);
  return { r, cost };
}

function weights(rng: Rng, k: number, kind: 'random' | 'uneven' | 'uniform'): Float64Array {
  const w = new Float64Array(k);
  for (let i = 0; i < k; i++) w[i] = kind === 'uniform' ? 1 : kind === 'uneven' ? (rng.uniform() < 0.3 ? 1e-9 : 1) * (0.5 + rng.uniform()) : rng.uniform() + 1e-3;
  let s = 0;
  for (const x of w) s += x;
  for (let i = 0; i < k; i++) w[i] /= s;
  return w;
}

test('network simplex equals successive shortest paths on tiny degenerate problems (ties, zero rows, n or m = 1, uneven weights), any start order', () => {
  const rng = new Rng(TEST_SEED + 31);
  for (let trial = 0; trial < 240; trial++) {
    const n = 1 + rng.int(trial % 4 === 0 ? 2 : 7);
    const m = 1 + rng.int(trial % 4 === 1 ? 2 : 7);
    const costKind = trial % 5;
    const C = new Float64Array(n * m);
    for (let e = 0; e < n * m; e++) {
      // 0: real; 1: integers 0..3 (many ties); 2: all zero; 3: a zero row and column; 4: duplicated points (equal rows)
      C[e] = costKind === 0 ? rng.uniform() : costKind === 1 ? rng.int(4) : costKind === 2 ? 0 : rng.int(10) / 8;
    }
    if (costKind === 3) {
      const zi = rng.int(n);
      const zj = rng.int(m);
      for (let j = 0; j < m; j++) C[zi * m + j] = 0;
      for (let i = 0; i < n; i++) C[i * m + zj] = 0;
    }
    if (costKind === 4 && n > 1) for (let i = 1; i < n; i += 2) C.copyWithin(i * m, (i - 1) * m, i * m);
    const wk = (['random', 'uneven', 'uniform'] as const)[trial % 3];
    const a = weights(rng, n, wk);
    const b = weights(rng, m, trial % 2 === 0 ? wk : 'random');
    let sb = 0;
    for (const x of b) sb += x;
    let sa = 0;
    for (const x of a) sa += x;
    for (let j = 0; j < m; j++) b[j] *= sa / sb;
    const ref = sspCost(C, n, m, a, b);
    const what = `trial ${trial} (${n} x ${m}, cost kind ${costKind}, ${wk})`;
    const { cost } = solveChecked(C, n, m, a, b, rng, what);
    // both exact optima, summed in different orders (a few roundings of numbers <= 10)
    expectClose(cost, ref, { atol: 1e-13 }, `${what}: cost vs SSP`);
  }
});

test('network simplex on larger random problems: certificate conditions from any start order; same optimum', () => {
  const rng = new Rng(TEST_SEED + 32);
  for (const [n, m] of [
    [40, 1],
    [1, 40],
    [60, 45],
    [90, 120],
  ]) {
    const C = new Float64Array(n * m);
    for (let e = 0; e < n * m; e++) C[e] = rng.int(3) === 0 ? rng.int(5) : rng.uniform();
    const a = weights(rng, n, 'uneven');
    const b = weights(rng, m, 'random');
    const first = solveChecked(C, n, m, a, b, rng, `${n} x ${m}`).cost;
    for (let rep = 0; rep < 3; rep++) {
      const again = solveChecked(C, n, m, a, b, rng, `${n} x ${m} rep ${rep}`).cost;
      expectClose(again, first, { rtol: 1e-12 }, `${n} x ${m}: start order changes the optimum`); // rounding only
    }
  }
});

test('network simplex: an iteration cap gives converged = false', () => {
  const rng = new Rng(TEST_SEED + 33);
  const n = 30;
  const m = 20;
  const C = Float64Array.from({ length: n * m }, () => rng.uniform());
  const a = weights(rng, n, 'random');
  const b = weights(rng, m, 'uniform');
  const r = networkSimplex(C, n, m, a, b, permutation(rng, n), permutation(rng, m), { maxIter: 3 });
  assert.equal(r.iterations, 3);
  assert.equal(r.converged, false);
});
