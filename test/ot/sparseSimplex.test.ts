import assert from 'node:assert/strict';
import { test } from 'node:test';
import { munkres } from 'munkres';
import type { Points } from '../../src/core/points.ts';
import { Rng } from '../../src/core/rng.ts';
import { certifyPlan } from '../../src/ot/certificate.ts';
import { refineCoarsePlan } from '../../src/ot/coarseRefine.ts';
import type { CostSpec } from '../../src/ot/costSpec.ts';
import { dualViolationSqEuclidean } from '../../src/ot/dualPricing.ts';
import { emd } from '../../src/ot/emd.ts';
import { hilbertKeys, orderByKeys } from '../../src/ot/hilbertOrder.ts';
import { networkSimplex } from '../../src/ot/networkSimplex.ts';
import { SparseNetworkSimplex } from '../../src/ot/sparseNetworkSimplex.ts';
import { sparseTransport } from '../../src/ot/sparseTransport.ts';
import { spatialBlocks } from '../../src/ot/spatialBlocks.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';
import { loadFixture, potValues, randomWeights, uniformCloud } from './otFixtures.ts';

type CloudCost = Extract<CostSpec, { kind: 'sqeuclidean' | 'euclidean' }>;

/** sum_k mass_k c(rows_k, cols_k), the plan's cost. */
function planCost(cost: CloudCost, r: { rows: Int32Array; cols: Int32Array; mass: Float64Array }): number {
  const d = cost.x.dim;
  let total = 0;
  for (let t = 0; t < r.mass.length; t++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (cost.x.data[r.rows[t] * d + c] - cost.y.data[r.cols[t] * d + c]) ** 2;
    total += r.mass[t] * (cost.kind === 'sqeuclidean' ? s : Math.sqrt(s));
  }
  return total;
}

// Options that force every code path on small inputs: coarse levels from 8 points per side, a
// single nearest neighbour (so the first restricted optimum is far from the full one and the
// all-pairs pricing passes must add the missing arcs).
const forced = { coarseMin: 8, k: 1, perRow: 2 };

test('sparse simplex matches POT 0.8.2 emd2 on the weighted 80 x 120 fixture (both costs, with and without coarse levels)', () => {
  const { x, y, a, b } = loadFixture('weighted80x120_2d');
  assert.ok(a && b);
  for (const kind of ['sqeuclidean', 'euclidean'] as const) {
    for (const opts of [{}, forced]) {
      const cost: CloudCost = { kind, x, y };
      const r = sparseTransport(a, b, cost, opts);
      assert.ok(r.converged, r.stopReason);
      const cert = certifyPlan(a, b, cost, r, { u: r.u, v: r.v });
      assert.ok(cert.optimal, JSON.stringify(cert));
      // both are exact LP optima; they differ by rounding in sums of ~200 terms (1e-16 each), and by
      // POT's own tolerance on its reduced costs: 1e-12 relative covers both with margin
      expectClose(planCost(cost, r), potValues.weighted80x120_2d[kind].emd2, { rtol: 1e-12 }, `${kind} vs POT`);
    }
  }
});

test('integer weights: equals munkres on the points repeated by their multiplicities', () => {
  const rng = new Rng(TEST_SEED);
  for (let trial = 0; trial < 12; trial++) {
    const n = 3 + rng.int(10);
    const m = 3 + rng.int(10);
    const ka = Array.from({ length: n }, () => 1 + rng.int(4));
    const N = ka.reduce((s, k) => s + k, 0);
    if (N < m) continue;
    const kb = new Array(m).fill(1);
    for (let t = m; t < N; t++) kb[rng.int(m)]++;
    const x = uniformCloud(rng, n, 2);
    const y = uniformCloud(rng, m, 2);
    const a = Float64Array.from(ka, (k) => k / N);
    const b = Float64Array.from(kb, (k) => k / N);
    const cost: CloudCost = { kind: 'sqeuclidean', x, y };
    const r = sparseTransport(a, b, cost, forced);
    assert.ok(r.converged && certifyPlan(a, b, cost, r, { u: r.u, v: r.v }).optimal);
    // munkres (an independent Hungarian implementation) on the N x N expanded matrix
    const rep = (p: Points, k: number[]) => k.flatMap((c, i) => Array<number>(c).fill(i)).map((i) => [p.data[2 * i], p.data[2 * i + 1]]);
    const X = rep(x, ka);
    const Y = rep(y, kb);
    const rows = X.map((p) => Y.map((q) => (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2));
    const ref = munkres(rows).reduce((s, [i, j]) => s + rows[i][j], 0) / N;
    // exact optima of the same LP; rounding of <= 2N terms of size <= 2: 1e-13 relative is generous
    expectClose(planCost(cost, r), ref, { rtol: 1e-13, atol: 1e-15 }, `trial ${trial}`);
  }
});

test('emd on weighted 800 x 650 3-D clouds: the sparse path equals the dense network simplex, certified', () => {
  const rng = new Rng(TEST_SEED + 1);
  const x = uniformCloud(rng, 800, 3);
  const y = uniformCloud(rng, 650, 3);
  const a = randomWeights(rng, 800);
  const b = randomWeights(rng, 650);
  for (const kind of ['sqeuclidean', 'euclidean'] as const) {
    const cost: CloudCost = { kind, x, y };
    const s = emd(a, b, cost);
    const d = emd(a, b, cost, { method: 'network-simplex' });
    assert.equal(s.algorithm, 'sparse-simplex');
    assert.equal(d.algorithm, 'network-simplex');
    assert.ok(s.certificate.optimal && d.certificate.optimal);
    assert.ok(s.levels >= 2, 'coarse level used');
    assert.ok(s.plan.mass.length <= 800 + 650 - 1, 'basic plan');
    // two exact solvers (different code: dense arcs vs candidate arcs + pricing): rounding only
    expectClose(s.cost, d.cost, { rtol: 1e-12 }, kind);
    // the dual objective equals the cost (strong duality) to the same rounding
    expectClose(s.certificate.dualityGap, 0, { atol: 1e-12 * s.cost }, `${kind} duality gap`);
  }
});

test('invariances: permuting points, translating both clouds, scaling coordinates', () => {
  const rng = new Rng(TEST_SEED + 2);
  const n = 90;
  const m = 70;
  const x = uniformCloud(rng, n, 2);
  const y = uniformCloud(rng, m, 2);
  const a = randomWeights(rng, n);
  const b = randomWeights(rng, m);
  const base = planCost({ kind: 'sqeuclidean', x, y }, sparseTransport(a, b, { kind: 'sqeuclidean', x, y }, forced));
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const xp = { data: new Float64Array(2 * n), n, dim: 2 };
  const ap = new Float64Array(n);
  perm.forEach((p, i) => {
    xp.data[2 * i] = x.data[2 * p];
    xp.data[2 * i + 1] = x.data[2 * p + 1];
    ap[i] = a[p];
  });
  const shift = (p: Points, s: number) => ({ ...p, data: p.data.map((v, t) => v + (t % 2 === 0 ? s : -2 * s)) });
  const scale = (p: Points, s: number) => ({ ...p, data: p.data.map((v) => v * s) });
  const cases: [string, number][] = [
    ['permuted rows', planCost({ kind: 'sqeuclidean', x: xp, y }, sparseTransport(ap, b, { kind: 'sqeuclidean', x: xp, y }, forced))],
    ['translated', planCost({ kind: 'sqeuclidean', x: shift(x, 3), y: shift(y, 3) }, sparseTransport(a, b, { kind: 'sqeuclidean', x: shift(x, 3), y: shift(y, 3) }, forced))],
    ['scaled by 2 (cost / 4)', planCost({ kind: 'sqeuclidean', x: scale(x, 2), y: scale(y, 2) }, sparseTransport(a, b, { kind: 'sqeuclidean', x: scale(x, 2), y: scale(y, 2) }, forced)) / 4],
  ];
  for (const [what, c] of cases) {
    // the optimum is invariant; translation by 3 rounds coordinates at ~1e-15 absolute, so costs of
    // size ~0.1 agree to ~1e-13 relative; permutation and scaling by 2 only reorder sums (1e-14)
    expectClose(c, base, { rtol: 1e-12 }, what);
  }
});

test('degenerate weights: zeros (dropped, c-transform duals), one point, coincident points', () => {
  const rng = new Rng(TEST_SEED + 3);
  // zeros through emd's sparse path (n m >= 250000)
  const n = 600;
  const m = 500;
  const x = uniformCloud(rng, n, 2);
  const y = uniformCloud(rng, m, 2);
  const a = randomWeights(rng, n);
  const b = randomWeights(rng, m);
  for (let i = 0; i < n; i += 7) a[i] = 0;
  for (let j = 3; j < m; j += 11) b[j] = 0;
  const sb = b.reduce((p, q) => p + q, 0);
  const sa = a.reduce((p, q) => p + q, 0);
  for (let j = 0; j < m; j++) b[j] *= sa / sb;
  const cost: CloudCost = { kind: 'sqeuclidean', x, y };
  const s = emd(a, b, cost);
  const d = emd(a, b, cost, { method: 'network-simplex' });
  assert.equal(s.algorithm, 'sparse-simplex');
  assert.ok(s.certificate.optimal, JSON.stringify(s.certificate));
  expectClose(s.cost, d.cost, { rtol: 1e-12 }, 'zeros: sparse vs dense'); // rounding only
  for (let t = 0; t < s.plan.rows.length; t++) assert.ok(a[s.plan.rows[t]] > 0 && b[s.plan.cols[t]] > 0, 'no mass on zero-weight points');
  // one source point: the only plan sends b_j to every y_j
  const one = { data: Float64Array.of(0.3, 0.7), n: 1, dim: 2 };
  const bw = randomWeights(rng, 40);
  const y40 = uniformCloud(rng, 40, 2);
  const r1 = sparseTransport(Float64Array.of(1), bw, { kind: 'euclidean', x: one, y: y40 }, forced);
  let ref = 0;
  for (let j = 0; j < 40; j++) ref += bw[j] * Math.hypot(0.3 - y40.data[2 * j], 0.7 - y40.data[2 * j + 1]);
  expectClose(planCost({ kind: 'euclidean', x: one, y: y40 }, r1), ref, { rtol: 1e-14 }, 'one point'); // same sum, reordered
  // all points equal on both sides: cost 0 exactly
  const same = (k: number) => ({ data: new Float64Array(2 * k).fill(0.25), n: k, dim: 2 });
  const r0 = sparseTransport(randomWeights(rng, 30), randomWeights(rng, 20), { kind: 'sqeuclidean', x: same(30), y: same(20) }, forced);
  assert.ok(r0.converged);
  assert.equal(planCost({ kind: 'sqeuclidean', x: same(30), y: same(20) }, r0), 0);
});

test('the certificate detects a perturbed dual and a budget cut is reported, never silent', () => {
  const rng = new Rng(TEST_SEED + 4);
  const x = uniformCloud(rng, 120, 3);
  const y = uniformCloud(rng, 100, 3);
  const a = randomWeights(rng, 120);
  const b = randomWeights(rng, 100);
  const cost: CloudCost = { kind: 'sqeuclidean', x, y };
  const r = sparseTransport(a, b, cost, forced);
  const ok = certifyPlan(a, b, cost, r, { u: r.u, v: r.v });
  assert.ok(ok.optimal);
  // raising one u_i by 1e-6 (>> the 1e-9 x max cost tolerance) breaks complementary slackness on its
  // plan entries; lowering it does too, and raising it enough creates a dual violation
  for (const delta of [1e-6, -1e-6, 0.5]) {
    const u = Float64Array.from(r.u);
    u[r.rows[0]] += delta;
    const bad = certifyPlan(a, b, cost, r, { u, v: r.v });
    assert.equal(bad.optimal, false, `perturbation ${delta}`);
    if (delta === 0.5) assert.ok(bad.maxDualViolation > 0.1);
  }
  const cut = sparseTransport(a, b, cost, { ...forced, maxIter: 5 });
  assert.equal(cut.converged, false);
  assert.match(cut.stopReason ?? '', /pivot budget/);
  // through emd's sparse path (600 x 500 >= 250000 pairs): converged false, with the reason
  const big: CloudCost = { kind: 'sqeuclidean', x: uniformCloud(rng, 600, 2), y: uniformCloud(rng, 500, 2) };
  const e = emd(randomWeights(rng, 600), randomWeights(rng, 500), big, { maxIter: 5 });
  assert.equal(e.algorithm, 'sparse-simplex');
  assert.equal(e.converged, false);
  assert.match(e.stopReason ?? '', /pivot budget/);
});

test('arc hash: duplicates refused across many rehashes; the full arc set solves to the dense network simplex optimum', () => {
  const rng = new Rng(TEST_SEED);
  const n = 37;
  const m = 29;
  const x = uniformCloud(rng, n, 3);
  const y = uniformCloud(rng, m, 3);
  const a = randomWeights(rng, n);
  const b = randomWeights(rng, m);
  const cost: CloudCost = { kind: 'sqeuclidean', x, y };
  const c = (i: number, j: number) => (x.data[3 * i] - y.data[3 * j]) ** 2 + (x.data[3 * i + 1] - y.data[3 * j + 1]) ** 2 + (x.data[3 * i + 2] - y.data[3 * j + 2]) ** 2;
  // capacity 0: the arc arrays and the hash grow eight times (16, 32, ..., 2048 arcs for 1073)
  const ns = new SparseNetworkSimplex(a, b, c, 0);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const cols = Int32Array.from({ length: m }, (_, j) => j);
  ns.startNorthWest(rows, cols);
  const pairs = Array.from({ length: n * m }, (_, t) => t);
  for (let t = pairs.length - 1; t > 0; t--) {
    const s = rng.int(t + 1);
    [pairs[t], pairs[s]] = [pairs[s], pairs[t]];
  }
  const startArcs = ns.arcs;
  let added = 0;
  for (const p of pairs) if (ns.addArc(Math.floor(p / m), p % m) >= 0) added++;
  assert.equal(ns.arcs, n * m);
  assert.equal(added, n * m - startArcs);
  for (const p of pairs) assert.equal(ns.addArc(Math.floor(p / m), p % m), -1);
  const { arcRow, arcCol, arcCost } = ns.arcArrays();
  const seen = new Set<number>();
  for (let e = 0; e < ns.arcs; e++) {
    seen.add(arcRow[e] * m + arcCol[e]);
    assert.equal(arcCost[e], c(arcRow[e], arcCol[e]));
  }
  assert.equal(seen.size, n * m);
  assert.ok(ns.run(1e6, 1e-14 * 3));
  const C = Float64Array.from({ length: n * m }, (_, t) => c(Math.floor(t / m), t % m));
  const dense = networkSimplex(C, n, m, a, b, rows, cols, { tol: 1e-14 * 3 });
  // two exact LP optima: equal up to rounding in sums of ~65 terms; 1e-13 relative covers it
  expectClose(planCost(cost, ns.plan()), planCost(cost, dense), { rtol: 1e-13 }, 'hash-backed solve vs dense');
});

test('block-pair pricing with blocks built once from the Hilbert orders equals the pass that builds its own', () => {
  const rng = new Rng(TEST_SEED);
  for (const dim of [2, 3]) {
    const x = uniformCloud(rng, 300, dim);
    const y = uniformCloud(rng, 250, dim);
    const a = randomWeights(rng, 300);
    const b = randomWeights(rng, 250);
    const r = sparseTransport(a, b, { kind: 'sqeuclidean', x, y });
    const u = r.u.map((t, i) => t + 1e-3 * Math.sin(3.7 * i));
    const [kx, ky] = hilbertKeys([x, y], 8);
    const blocks = { x: spatialBlocks(x, 8, orderByKeys(kx)), y: spatialBlocks(y, 8, orderByKeys(ky)) };
    const c1 = { threshold: 1e-9, perRow: 4, rows: [] as number[], cols: [] as number[] };
    const c2 = { threshold: 1e-9, perRow: 4, rows: [] as number[], cols: [] as number[] };
    const one = dualViolationSqEuclidean(x, y, u, r.v, c1, 8, blocks);
    const two = dualViolationSqEuclidean(x, y, u, r.v, c2, 8);
    // a pair is skipped only when its block bound is below -margin, so every violated pair is
    // evaluated either way with the same arithmetic: equal maxima and equal collected sets
    assert.ok(one.max > 1e-6, `perturbed duals violate (${one.max})`);
    assert.equal(one.max, two.max);
    const set = (c: typeof c1) => new Set(c.rows.map((i, t) => `${i},${c.cols[t]}`));
    assert.deepEqual(set(c1), set(c2));
  }
});

test('coarse-plan start: the split of an optimal coarse plan is a feasible forest on the coarse support', () => {
  const rng = new Rng(TEST_SEED + 7);
  for (let trial = 0; trial < 8; trial++) {
    const dim = 2 + (trial % 2);
    const n = 9 + rng.int(40);
    const m = 9 + rng.int(40);
    const group = 2 + rng.int(4);
    const x = uniformCloud(rng, n, dim);
    const y = uniformCloud(rng, m, dim);
    const a = randomWeights(rng, n);
    const b = randomWeights(rng, m);
    // groups of consecutive points along a random order (the start needs no spatial order to be feasible)
    const shuffled = (k: number) => {
      const o = Int32Array.from({ length: k }, (_, i) => i);
      for (let i = k - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [o[i], o[j]] = [o[j], o[i]];
      }
      return o;
    };
    const rowOrder = shuffled(n);
    const colOrder = shuffled(m);
    const GI = Math.ceil(n / group);
    const GJ = Math.ceil(m / group);
    const centroids = (p: Points, w: Float64Array, order: Int32Array, G: number) => {
      const mass = new Float64Array(G);
      const data = new Float64Array(G * dim);
      order.forEach((i, q) => {
        const g = Math.floor(q / group);
        mass[g] += w[i];
        for (let c = 0; c < dim; c++) data[g * dim + c] += w[i] * p.data[i * dim + c];
      });
      for (let g = 0; g < G; g++) for (let c = 0; c < dim; c++) data[g * dim + c] /= mass[g];
      return { points: { data, n: G, dim }, mass };
    };
    const gx = centroids(x, a, rowOrder, GI);
    const gy = centroids(y, b, colOrder, GJ);
    const sqd = (p: Points, i: number, q: Points, j: number) => {
      let s = 0;
      for (let c = 0; c < dim; c++) s += (p.data[i * dim + c] - q.data[j * dim + c]) ** 2;
      return s;
    };
    // the coarse problem solved by the dense network simplex (an independent solver of this file's sparse one)
    const CC = Float64Array.from({ length: GI * GJ }, (_, t) => sqd(gx.points, Math.floor(t / GJ), gy.points, t % GJ));
    const id = (k: number) => Int32Array.from({ length: k }, (_, i) => i);
    const coarse = networkSimplex(CC, GI, GJ, gx.mass, gy.mass, id(GI), id(GJ));
    assert.ok(coarse.converged);
    const keep = Array.from(coarse.mass.keys()).filter((t) => coarse.mass[t] > 0);
    const level = {
      rows: Int32Array.from(keep, (t) => coarse.rows[t]),
      cols: Int32Array.from(keep, (t) => coarse.cols[t]),
      mass: Float64Array.from(keep, (t) => coarse.mass[t]),
      u: coarse.u,
      v: coarse.v,
      x: gx.points,
      y: gy.points,
      rowOrder,
      colOrder,
      group,
    };
    const start = refineCoarsePlan(
      a,
      b,
      level,
      (i, j) => sqd(x, i, y, j),
      (i, J) => sqd(x, i, gy.points, J),
      (I, j) => sqd(gx.points, I, y, j),
    );
    // marginals: every entry is a min of two remainders, so each row / column total equals its
    // weight up to the rounding of the subtractions and of the coarse plan (sums of <= 60 terms of
    // size <= 1, ~1e-16 each): 1e-14 absolute (weights sum to 1)
    const rowSum = new Float64Array(n);
    const colSum = new Float64Array(m);
    const groupOfRow = new Int32Array(n);
    const groupOfCol = new Int32Array(m);
    rowOrder.forEach((i, q) => {
      groupOfRow[i] = Math.floor(q / group);
    });
    colOrder.forEach((j, q) => {
      groupOfCol[j] = Math.floor(q / group);
    });
    const onSupport = new Map<number, number>();
    for (let t = 0; t < level.rows.length; t++) onSupport.set(level.rows[t] * GJ + level.cols[t], level.mass[t]);
    const perCoarse = new Map<number, number>();
    for (let t = 0; t < start.rows.length; t++) {
      assert.ok(start.mass[t] > 0, 'positive entries');
      rowSum[start.rows[t]] += start.mass[t];
      colSum[start.cols[t]] += start.mass[t];
      const key = groupOfRow[start.rows[t]] * GJ + groupOfCol[start.cols[t]];
      assert.ok(onSupport.has(key), 'entry inside a coarse support pair');
      perCoarse.set(key, (perCoarse.get(key) ?? 0) + start.mass[t]);
    }
    for (let i = 0; i < n; i++) expectClose(rowSum[i], a[i], { atol: 1e-14 }, `trial ${trial} row ${i}`);
    for (let j = 0; j < m; j++) expectClose(colSum[j], b[j], { atol: 1e-14 }, `trial ${trial} column ${j}`);
    // each coarse entry's mass is split exactly among its member pairs (same rounding bound)
    for (const [key, F] of onSupport) expectClose(perCoarse.get(key) ?? 0, F, { atol: 1e-14 }, `trial ${trial} coarse entry ${key}`);
    // a forest: at most n + m - 1 entries, and no entry closes a cycle (union-find over the n + m nodes)
    assert.ok(start.rows.length <= n + m - 1);
    const root = Int32Array.from({ length: n + m }, (_, t) => t);
    const find = (t: number): number => (root[t] === t ? t : (root[t] = find(root[t])));
    for (let t = 0; t < start.rows.length; t++) {
      const p = find(start.rows[t]);
      const q = find(n + start.cols[t]);
      assert.notEqual(p, q, `trial ${trial}: entry ${t} closes a cycle`);
      root[p] = q;
    }
  }
});

test('both fine starts (coarse plan, coarse duals) reach the dense network simplex optimum, 2-D and 3-D', () => {
  const rng = new Rng(TEST_SEED + 8);
  for (const dim of [2, 3]) {
    const n = 160;
    const m = 130;
    const x = uniformCloud(rng, n, dim);
    const y = uniformCloud(rng, m, dim);
    const a = randomWeights(rng, n);
    const b = randomWeights(rng, m);
    const C = Float64Array.from({ length: n * m }, (_, t) => {
      let s = 0;
      for (let c = 0; c < dim; c++) s += (x.data[Math.floor(t / m) * dim + c] - y.data[(t % m) * dim + c]) ** 2;
      return s;
    });
    const id = (k: number) => Int32Array.from({ length: k }, (_, i) => i);
    const dense = networkSimplex(C, n, m, a, b, id(n), id(m), { tol: 1e-14 * 3 });
    assert.ok(dense.converged);
    for (const start of ['coarse-plan', 'coarse-duals'] as const) {
      for (const group of [2, 4]) {
        const cost: CloudCost = { kind: 'sqeuclidean', x, y };
        const r = sparseTransport(a, b, cost, { ...forced, group, start });
        assert.ok(r.converged, r.stopReason);
        assert.ok(r.levels >= 2, 'coarse level used');
        assert.ok(certifyPlan(a, b, cost, r, { u: r.u, v: r.v }).optimal);
        // two exact LP optima (different solvers): rounding in sums of <= 290 terms; 1e-12 relative
        expectClose(planCost(cost, r), planCost(cost, dense), { rtol: 1e-12 }, `${dim}-D, ${start}, groups of ${group}`);
      }
    }
  }
});

test('warmStart: started from the optimal plan of the same weights at moved points, the sparse simplex reaches the cold optimum, certified', () => {
  // same weights, points moved by a smooth non-linear map: the old plan is feasible (same marginals) but
  // not optimal. Both answers are certified optimal plans of the same LP, so their costs agree to rounding
  // (1e-12 relative; the plans may differ where the optimum is not unique).
  const rng = new Rng(TEST_SEED + 7);
  const x = uniformCloud(rng, 700, 3);
  const y = uniformCloud(rng, 500, 3);
  const a = randomWeights(rng, 700);
  const b = randomWeights(rng, 500);
  const move = (p: Points): Points => ({ ...p, data: p.data.map((v, t) => (t % 3 === 0 ? v + 0.3 * Math.sin(3 * p.data[t + 1]) : v)) });
  for (const kind of ['sqeuclidean', 'euclidean'] as const) {
    const before = sparseTransport(a, b, { kind, x, y });
    const cost: CloudCost = { kind, x: move(x), y: move(y) };
    const cold = sparseTransport(a, b, cost);
    const warm = sparseTransport(a, b, cost, { warmStart: before });
    assert.ok(cold.converged && warm.converged, `${kind} converged`);
    assert.equal(warm.levels, 1, `${kind}: no coarse level under a warm start`);
    assert.ok(certifyPlan(a, b, cost, warm, { u: warm.u, v: warm.v }).optimal, `${kind} warm certified`);
    assert.ok(warm.iterations > 0, `${kind}: the old plan needed pivots (the map changed the optimum)`);
    expectClose(planCost(cost, warm), planCost(cost, cold), { rtol: 1e-12 }, `${kind} warm vs cold`);
  }
});

test('potentials after subtree or smaller-side updates and re-centring: f_i + g_j <= c_ij over all pairs, sum a f + sum b g equals the cost', () => {
  const rng = new Rng(TEST_SEED + 11);
  for (const dim of [2, 3]) {
    const n = 140;
    const m = 110;
    const x = uniformCloud(rng, n, dim);
    const y = uniformCloud(rng, m, dim);
    const a = randomWeights(rng, n);
    const b = randomWeights(rng, m);
    const cost: CloudCost = { kind: 'sqeuclidean', x, y };
    const c = (i: number, j: number) => {
      let s = 0;
      for (let t = 0; t < dim; t++) s += (x.data[i * dim + t] - y.data[j * dim + t]) ** 2;
      return s;
    };
    // all n m arcs, started from the north-west corner by index: the simplex alone must reach the
    // optimum. Subtree updates (the default), smaller-side updates, and smaller-side updates with
    // re-centring after every update of the root's side (recentreAt 0)
    const plans: { rows: Int32Array; cols: Int32Array; mass: Float64Array }[] = [];
    for (const options of [{}, { smallerSide: true }, { smallerSide: true, recentreAt: 0 }]) {
      const ns = new SparseNetworkSimplex(a, b, c, n * m, options);
      ns.startNorthWest(Int32Array.from({ length: n }, (_, i) => i), Int32Array.from({ length: m }, (_, j) => j));
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) ns.addArc(i, j);
      assert.ok(ns.run(1e7, 1e-14 * dim));
      // the root's side was the smaller one at least once (only then can a re-centring happen)
      if (options.recentreAt === 0) assert.ok(ns.recentrings > 0, `${ns.recentrings} re-centrings`);
      const { u, v } = ns.duals();
      const plan = ns.plan();
      plans.push(plan);
      let maxC = 0;
      let maxF = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) maxC = Math.max(maxC, c(i, j));
      for (const t of u) maxF = Math.max(maxF, Math.abs(t));
      for (const t of v) maxF = Math.max(maxF, Math.abs(t));
      // each potential is a sum of at most (pivots + 1) shifts, each rounded with relative error
      // eps on values below maxF + maxC in magnitude: worst case (pivots + 1) eps (maxF + maxC)
      const tol = (ns.iterations + 1) * Number.EPSILON * (maxF + maxC);
      let worst = -Infinity;
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) worst = Math.max(worst, u[i] + v[j] - c(i, j));
      assert.ok(worst <= tol, `dim ${dim}: max f + g - c = ${worst} > ${tol}`);
      let dualObj = 0;
      for (let i = 0; i < n; i++) dualObj += a[i] * u[i];
      for (let j = 0; j < m; j++) dualObj += b[j] * v[j];
      // strong duality: f + g = c on the plan (to tol, masses sum to 1), plus the rounding of the
      // two sums (n + m terms below maxF, plan entries below maxC)
      const total = planCost(cost, plan);
      expectClose(dualObj, total, { atol: tol + (n + m) * Number.EPSILON * (maxF + maxC) }, `dim ${dim} dual objective`);
      const cert = certifyPlan(a, b, cost, plan, { u, v });
      assert.ok(cert.optimal, JSON.stringify(cert));
    }
    // potentials differ only by rounding (~1e-16) and this instance has no ties, so the three runs
    // take the same pivots: same plan
    assert.deepEqual(plans[1], plans[0]);
    assert.deepEqual(plans[2], plans[0]);
    // through the sparse solver with coarse levels and pricing (smaller-side updates, default re-centring)
    const r = sparseTransport(a, b, cost, { ...forced, smallerSide: true });
    assert.ok(r.converged, r.stopReason);
    let dualObj = 0;
    for (let i = 0; i < n; i++) dualObj += a[i] * r.u[i];
    for (let j = 0; j < m; j++) dualObj += b[j] * r.v[j];
    // both are optimal values of the same LP (different arc sets and pivots): rounding only
    expectClose(dualObj, planCost(cost, r), { rtol: 1e-12 }, `dim ${dim} sparseTransport dual objective`);
    expectClose(planCost(cost, r), planCost(cost, plans[0]), { rtol: 1e-12 }, `dim ${dim} sparseTransport vs full arc set`);
    assert.ok(certifyPlan(a, b, cost, r, { u: r.u, v: r.v }).optimal);
  }
});
