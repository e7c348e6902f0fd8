/**
 * Multiscale exact assignment and the block-pair dual pricing: against munkres (exact Hungarian
 * oracle) and brute force over all permutations, invariances, degenerate inputs, and detection of a
 * perturbed dual by the blockwise all-pairs check.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { munkres } from 'munkres';
import type { Points } from '../../src/core/points.ts';
import { Rng } from '../../src/core/rng.ts';
import { swissRoll } from '../../src/data/swissRoll.ts';
import { certifyPlan } from '../../src/ot/certificate.ts';
import { dualViolationSqEuclidean } from '../../src/ot/dualPricing.ts';
import { emd } from '../../src/ot/emd.ts';
import { multiscaleAssignment } from '../../src/ot/multiscaleAssignment.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

const sq = (x: Points, i: number, y: Points, j: number) => {
  let s = 0;
  for (let c = 0; c < x.dim; c++) s += (x.data[i * x.dim + c] - y.data[j * y.dim + c]) ** 2;
  return s;
};
const normalCloud = (rng: Rng, n: number, dim: number, scale = 1): Points => ({ data: Float64Array.from({ length: n * dim }, () => scale * rng.normal()), n, dim });
const munkresCost = (x: Points, y: Points) => {
  const rows = Array.from({ length: x.n }, (_, i) => Array.from({ length: y.n }, (_, j) => sq(x, i, y, j)));
  return munkres(rows).reduce((acc, [i, j]) => acc + rows[i][j], 0);
};

/** Certificate of an assignment result, checked by brute force over all pairs (independent of the block pass). */
function bruteCertificate(x: Points, y: Points, r: { rowToCol: Int32Array; u: Float64Array; v: Float64Array }) {
  let worst = -Infinity;
  let cmax = 0;
  for (let i = 0; i < x.n; i++) {
    for (let j = 0; j < y.n; j++) {
      const c = sq(x, i, y, j);
      cmax = Math.max(cmax, c);
      worst = Math.max(worst, r.u[i] + r.v[j] - c);
    }
  }
  let slack = 0;
  for (let i = 0; i < x.n; i++) slack = Math.max(slack, Math.abs(sq(x, i, y, r.rowToCol[i]) - r.u[i] - r.v[r.rowToCol[i]]));
  const seen = new Set(r.rowToCol);
  return { worst, slack, cmax, permutation: seen.size === x.n };
}

test('multiscale assignment equals munkres (3 levels) and brute force over all permutations', () => {
  const rng = new Rng(TEST_SEED);
  for (const [n, dim] of [[300, 2], [200, 3]]) {
    const x = n === 300 ? swissRoll(n, rng) : normalCloud(rng, n, dim, 0.5);
    const y = normalCloud(rng, n, dim);
    const r = multiscaleAssignment(x, y, { base: 20, stride: 4, k: 8 });
    assert.ok(r.levels >= 3, `levels ${r.levels}`);
    assert.equal(r.converged, true);
    // 1e-12 relative: both are exact; only the summation order differs
    expectClose(r.total, munkresCost(x, y), { rtol: 1e-12 }, `n = ${n} vs munkres`);
    const c = bruteCertificate(x, y, r);
    // duals feasible and tight to 1e-12 of the largest cost (exact solver, rounding only)
    assert.ok(c.permutation && c.worst <= 1e-12 * c.cmax && c.slack <= 1e-12 * c.cmax, JSON.stringify(c));
  }
  // brute force over all 7! permutations, several random instances, base 2 forces 2-3 levels
  const perms: number[][] = [];
  const permute = (p: number[], rest: number[]) => {
    if (rest.length === 0) perms.push(p);
    for (let t = 0; t < rest.length; t++) permute([...p, rest[t]], [...rest.slice(0, t), ...rest.slice(t + 1)]);
  };
  permute([], [0, 1, 2, 3, 4, 5, 6]);
  for (let rep = 0; rep < 5; rep++) {
    const x = normalCloud(rng, 7, 2);
    const y = normalCloud(rng, 7, 2, 2);
    let best = Infinity;
    for (const p of perms) best = Math.min(best, p.reduce((acc, j, i) => acc + sq(x, i, y, j), 0));
    const r = multiscaleAssignment(x, y, { base: 2, stride: 2, k: 3 });
    expectClose(r.total, best, { rtol: 1e-12 }, `brute force rep ${rep}`); // exact vs exact
  }
});

test('invariances: permuting points, translating both clouds, scaling costs (also by 2^600 through the internal rescaling)', () => {
  const rng = new Rng(TEST_SEED + 1);
  const n = 5000;
  const x = swissRoll(n, rng);
  const y = normalCloud(rng, n, 2);
  const base = emd(null, null, { kind: 'sqeuclidean', x, y });
  assert.equal(base.certificate.optimal, true);
  assert.equal(base.algorithm, 'multiscale');
  // permutation of the source points (a fixed shuffle)
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const xp = { data: new Float64Array(2 * n), n, dim: 2 };
  for (let i = 0; i < n; i++) xp.data.set(x.data.subarray(2 * perm[i], 2 * perm[i] + 2), 2 * i);
  const rp = emd(null, null, { kind: 'sqeuclidean', x: xp, y });
  // 1e-12 relative: the optimum is the same set of pairs; the sum runs in another order
  expectClose(rp.cost, base.cost, { rtol: 1e-12 }, 'permuted');
  // common translation by (3, -2): coordinates change by rounding only (1e-12 relative on the cost)
  const shift = (p: Points): Points => ({ data: p.data.map((v, t) => v + (t % 2 === 0 ? 3 : -2)), n: p.n, dim: 2 });
  expectClose(emd(null, null, { kind: 'sqeuclidean', x: shift(x), y: shift(y) }).cost, base.cost, { rtol: 1e-12 }, 'translated');
  // scaling points by 2 scales every cost by exactly 4 (powers of two are exact)
  const scale = (p: Points, s: number): Points => ({ data: p.data.map((v) => v * s), n: p.n, dim: 2 });
  expectClose(emd(null, null, { kind: 'sqeuclidean', x: scale(x, 2), y: scale(y, 2) }).cost, 4 * base.cost, { rtol: 1e-14 }, 'cost x 4');
  const huge = emd(null, null, { kind: 'sqeuclidean', x: scale(x, 2 ** 300), y: scale(y, 2 ** 300) });
  expectClose(huge.cost, base.cost * 2 ** 600, { rtol: 1e-14 }, 'cost x 2^600');
  assert.equal(huge.certificate.optimal, true);
});

test('degenerate inputs: duplicate points, all points equal, n = 1, ties on a lattice', () => {
  const rng = new Rng(TEST_SEED + 2);
  // duplicates: every source point twice
  const half = normalCloud(rng, 60, 2);
  const dup = { data: new Float64Array(240), n: 120, dim: 2 };
  dup.data.set(half.data, 0);
  dup.data.set(half.data, 120);
  const y = normalCloud(rng, 120, 2, 2);
  const r1 = multiscaleAssignment(dup, y, { base: 10, k: 6 });
  expectClose(r1.total, munkresCost(dup, y), { rtol: 1e-12 }, 'duplicates'); // exact vs exact
  // all source points equal: every assignment costs sum_j |x0 - y_j|^2
  const same = { data: new Float64Array(200).fill(0.5), n: 100, dim: 2 };
  const y2 = normalCloud(rng, 100, 2);
  let direct = 0;
  for (let j = 0; j < 100; j++) direct += sq(same, 0, y2, j);
  const r2 = multiscaleAssignment(same, y2, { base: 10, k: 6 });
  expectClose(r2.total, direct, { rtol: 1e-12 }, 'all equal'); // same sum, other order
  assert.ok(bruteCertificate(same, y2, r2).worst <= 1e-12 * direct);
  // n = 1
  const one = multiscaleAssignment({ data: Float64Array.of(1, 2), n: 1, dim: 2 }, { data: Float64Array.of(4, 6), n: 1, dim: 2 });
  assert.equal(one.total, 25); // 3^2 + 4^2, exact in float64
  // ties: a 12 x 12 lattice against the same lattice shifted by half a cell (many equal costs)
  const lattice = (off: number): Points => ({ data: Float64Array.from({ length: 288 }, (_, t) => Math.floor(t / 2) % 12 * (t % 2 === 0 ? 1 : 0) + (t % 2 === 1 ? Math.floor(t / 24) : 0) + off), n: 144, dim: 2 });
  const la = lattice(0);
  const lb = lattice(0.5);
  const r3 = multiscaleAssignment(la, lb, { base: 16, k: 6 });
  expectClose(r3.total, munkresCost(la, lb), { rtol: 1e-12 }, 'lattice ties');
  expectClose(r3.total, 144 * 0.5, { rtol: 1e-12 }, 'lattice closed form'); // each point moves by (0.5, 0.5)
});

test('block-pair pricing equals the plain all-pairs pass; a perturbed dual is detected', () => {
  const rng = new Rng(TEST_SEED + 3);
  for (const dim of [2, 3]) {
    const n = 900;
    const x = dim === 2 ? swissRoll(n, rng) : normalCloud(rng, n, dim, 0.5);
    const y = normalCloud(rng, n, dim);
    const r = multiscaleAssignment(x, y, { base: 100, k: 10 });
    for (const noise of [0, 1e-3, 0.3]) {
      const u = r.u.map((a, i) => a + noise * Math.sin(7.1 * i));
      const v = r.v.map((a, j) => a + noise * Math.cos(3.3 * j));
      let plain = 0;
      const want = new Set<string>();
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        const viol = u[i] + v[j] - sq(x, i, y, j);
        plain = Math.max(plain, viol);
        if (viol > 1e-6) want.add(`${i},${j}`);
      }
      const collect = { threshold: 1e-6, perRow: n, rows: [] as number[], cols: [] as number[] };
      const b = dualViolationSqEuclidean(x, y, u, v, collect);
      // identical arithmetic on every evaluated pair: the maxima agree exactly
      assert.equal(b.max, plain, `dim ${dim} noise ${noise}`);
      const got = new Set(collect.rows.map((i, t) => `${i},${collect.cols[t]}`));
      assert.deepEqual(got, want);
      // pruning works in 2-D at the optimum (measured 36 % of pairs evaluated at n = 900, 5 % at 10^4);
      // blocks are strips sorted on the first two axes only, so in 3-D nearly all pairs are evaluated
      if (noise === 0 && dim === 2) assert.ok(b.pairsEvaluated < 0.5 * n * n, `evaluated ${b.pairsEvaluated} of ${n * n}`);
    }
    // one dual raised by 1e-6: the block pass finds exactly that violation
    const u1 = Float64Array.from(r.u);
    u1[17] += 1e-6;
    const one = dualViolationSqEuclidean(x, y, u1, r.v);
    assert.ok(one.max >= 1e-6 - 1e-12 * 30, `found ${one.max}`); // the matched pair of row 17 was tight to rounding
    // raise one dual by 1e-6 of the cost scale: the all-pairs certificate must fail
    const w = new Float64Array(n).fill(1 / n);
    const plan = { rows: Int32Array.from({ length: n }, (_, i) => i), cols: r.rowToCol, mass: w };
    const cost = { kind: 'sqeuclidean' as const, x, y };
    assert.equal(certifyPlan(w, w, cost, plan, { u: r.u, v: r.v }).optimal, true);
    const bad = Float64Array.from(r.u);
    bad[17] += 1e-6 * 30;
    const cert = certifyPlan(w, w, cost, plan, { u: bad, v: r.v });
    assert.equal(cert.optimal, false);
    assert.ok(cert.maxDualViolation > 0);
  }
});
