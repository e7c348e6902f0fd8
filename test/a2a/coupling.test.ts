import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { type ConditionalSamples, a2aCostMatrix, a2aCoupling, betaFromCodeScale, defaultBeta } from '../../src/a2a/coupling.ts';
import { groupedMixture } from '../../src/a2a/datasets.ts';

/** Minimum of sum_i C[i, p(i)] over all permutations (brute force, n <= 8). */
function bruteForce(C: Float64Array, n: number): { cost: number; perm: number[] } {
  let best = Number.POSITIVE_INFINITY;
  let bestPerm: number[] = [];
  const p = Array.from({ length: n }, (_, i) => i);
  const rec = (k: number, acc: number) => {
    if (acc >= best) return;
    if (k === n) {
      best = acc;
      bestPerm = p.slice();
      return;
    }
    for (let i = k; i < n; i++) {
      [p[k], p[i]] = [p[i], p[k]];
      rec(k + 1, acc + C[k * n + p[k]]);
      [p[k], p[i]] = [p[i], p[k]];
    }
  };
  rec(0, 0);
  return { cost: best, perm: bestPerm };
}

/** Random batches with grouped conditions in {0, .., classes-1} (dc = 1) and dx = 2. */
function groupedBatch(n: number, classes: number, rng: Rng): ConditionalSamples {
  const x = new Float64Array(2 * n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    c[i] = rng.int(classes);
    x[2 * i] = c[i] + rng.normal();
    x[2 * i + 1] = rng.normal();
  }
  return { x, c, n, dx: 2, dc: 1 };
}

function xCost(b1: ConditionalSamples, b2: ConditionalSamples, perm: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < b1.n; i++) {
    for (let k = 0; k < b1.dx; k++) s += (b1.x[i * b1.dx + k] - b2.x[perm[i] * b1.dx + k]) ** 2;
  }
  return s;
}

describe('a2aCoupling', () => {
  it('equals the brute-force minimum of Eq. 11 (paper beta) on small random problems', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 6; trial++) {
      const n = 7;
      const b1 = groupedBatch(n, 2, rng);
      const b2 = groupedBatch(n, 2, rng);
      // continuous conditions too: perturb some
      if (trial % 2) for (let i = 0; i < n; i++) b2.c[i] += 0.3 * rng.normal();
      const beta = [0.5, 2, 10][trial % 3];
      const C = a2aCostMatrix(b1, b2, beta);
      const bf = bruteForce(C, n);
      for (const solver of ['dense', 'sparse', 'auto'] as const) {
        const r = a2aCoupling(b1, b2, { beta, solver });
        // both are exact optima of the same cost; 1e-12 relative covers summation order
        assert.ok(Math.abs(r.cost - bf.cost) <= 1e-12 * bf.cost, `${solver}: ${r.cost} vs brute force ${bf.cost}`);
      }
    }
  });

  it('cost matrix: |dx|^2 + beta (|dc1|^2 + |dc2|^2), target row j tagged with B1 condition j', () => {
    // hand-computed entries: dx = 1, dc = 1
    const b1: ConditionalSamples = { x: Float64Array.of(0, 1), c: Float64Array.of(0, 2), n: 2, dx: 1, dc: 1 };
    const b2: ConditionalSamples = { x: Float64Array.of(3, 5), c: Float64Array.of(7, 4), n: 2, dx: 1, dc: 1 };
    const C = a2aCostMatrix(b1, b2, 0.5);
    // C[0,1] = (0 - 5)^2 + 0.5 ((c1_0 - c1_1)^2 + (c2_0 - c2_1)^2) = 25 + 0.5 (4 + 9); exact in binary
    assert.equal(C[1], 25 + 0.5 * (4 + 9));
    // C[1,0] = (1 - 3)^2 + 0.5 ((2 - 0)^2 + (4 - 7)^2): the target row's c1 is B1's c (0), not x2's own c (7)
    assert.equal(C[2], 4 + 0.5 * (4 + 9));
    assert.equal(C[0], 9);
    assert.equal(C[3], 16);
  });

  it('beta is the paper weight, not its square root: the code scale b corresponds to beta = b^2', () => {
    // n = 2, dx = 1: the identity costs 2 L^2 = 6 in x and 0 in conditions; the swap costs 0 in x
    // and beta (|dc1|^2 + |dc2|^2) = 2 beta. So beta = 2 swaps; beta = 4 (= 2^2, i.e. 2 misread
    // as the code's scale) keeps the identity.
    const L = Math.sqrt(3);
    const b1: ConditionalSamples = { x: Float64Array.of(0, L), c: Float64Array.of(0, 1), n: 2, dx: 1, dc: 1 };
    const b2: ConditionalSamples = { x: Float64Array.of(L, 0), c: Float64Array.of(0, 0), n: 2, dx: 1, dc: 1 };
    assert.deepEqual([...a2aCoupling(b1, b2, { beta: 2 }).perm], [1, 0]); // 2 beta = 4 < 2 L^2 = 6
    assert.deepEqual([...a2aCoupling(b1, b2, { beta: 4 }).perm], [0, 1]); // 2 beta = 8 > 6 (beta = 2 read as a code scale)
    assert.equal(betaFromCodeScale(100), 1e4);
    // a code scale b applied to the conditions with beta = 1 gives the same optimum as beta = b^2
    const rng = new Rng(5);
    const g1 = groupedBatch(40, 3, rng);
    const g2 = groupedBatch(40, 3, rng);
    const b = 1.7;
    const s1 = { ...g1, c: g1.c.map((v) => b * v) };
    const s2 = { ...g2, c: g2.c.map((v) => b * v) };
    const viaScale = a2aCoupling(s1, s2, { beta: 1, solver: 'dense' });
    const viaBeta = a2aCoupling(g1, g2, { beta: betaFromCodeScale(b), solver: 'dense' });
    // same problem up to rounding of b^2 vs b*b inside the squares: 1e-12 relative
    assert.ok(Math.abs(viaScale.cost - viaBeta.cost) <= 1e-12 * viaBeta.cost);
    assert.ok(Math.abs(defaultBeta(1000, 1) - Math.sqrt(1000)) < 1e-12 * Math.sqrt(1000));
    assert.ok(Math.abs(defaultBeta(256, 2) - 4) < 1e-12); // 256^(1/4)
  });

  it('large beta reduces to independent OT per class pair (exact check against brute force per block)', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 4; trial++) {
      const n = 8;
      const b1 = groupedBatch(n, 2, rng);
      // B2 = B1 permuted, so every class pair has as many rows on both sides
      const sigma = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const b2: ConditionalSamples = { x: new Float64Array(2 * n), c: new Float64Array(n), n, dx: 2, dc: 1 };
      for (let j = 0; j < n; j++) {
        b2.x[2 * j] = b1.x[2 * sigma[j]];
        b2.x[2 * j + 1] = b1.x[2 * sigma[j] + 1];
        b2.c[j] = b1.c[sigma[j]];
      }
      const r = a2aCoupling(b1, b2, { beta: 1e6, solver: 'dense' });
      // per-block optimum: brute force on each class pair (c1, c2) separately
      let blockSum = 0;
      for (const a of [0, 1]) {
        for (const b of [0, 1]) {
          const rows = [...Array(n).keys()].filter((i) => b1.c[i] === a && b2.c[i] === b);
          if (rows.length === 0) continue;
          const m = rows.length;
          const C = new Float64Array(m * m);
          for (let p = 0; p < m; p++) {
            for (let q = 0; q < m; q++) {
              C[p * m + q] = (b1.x[2 * rows[p]] - b2.x[2 * rows[q]]) ** 2 + (b1.x[2 * rows[p] + 1] - b2.x[2 * rows[q] + 1]) ** 2;
            }
          }
          blockSum += bruteForce(C, m).cost;
        }
      }
      for (let i = 0; i < n; i++) {
        // matched target stays in the row's class pair: its own condition is the requested c2
        assert.equal(b1.c[r.perm[i]], b1.c[i]);
        assert.equal(b2.c[r.perm[i]], b2.c[i]);
      }
      // the x part of the A2A optimum = sum of per-class-pair OT costs; 1e-12 relative (summation order)
      assert.ok(Math.abs(xCost(b1, b2, r.perm) - blockSum) <= 1e-12 * blockSum, `${xCost(b1, b2, r.perm)} vs ${blockSum}`);
      assert.ok(Math.abs(r.cost - blockSum) <= 1e-12 * blockSum);
    }
  });

  it('block solver (grouped) equals the dense and sparse global solvers; falls back when not grouped', () => {
    const rng = new Rng(2);
    const d = groupedMixture(60, rng); // 180 rows, 9 class pairs
    const sigma = rng.shuffle(Int32Array.from({ length: d.n }, (_, i) => i));
    const b2: ConditionalSamples = { x: new Float64Array(2 * d.n), c: new Float64Array(d.n), n: d.n, dx: 2, dc: 1 };
    for (let j = 0; j < d.n; j++) {
      b2.x[2 * j] = d.x[2 * sigma[j]];
      b2.x[2 * j + 1] = d.x[2 * sigma[j] + 1];
      b2.c[j] = d.c[sigma[j]];
    }
    for (const beta of [1e4, 0.3]) {
      const blocks = a2aCoupling(d, b2, { beta, solver: 'blocks' });
      const dense = a2aCoupling(d, b2, { beta, solver: 'dense' });
      const sparse = a2aCoupling(d, b2, { beta, solver: 'sparse' });
      // exact optima of one problem: equal up to summation rounding (1e-12 relative)
      assert.ok(Math.abs(blocks.cost - dense.cost) <= 1e-12 * dense.cost, `beta ${beta}: ${blocks.cost} vs ${dense.cost}`);
      assert.ok(Math.abs(sparse.cost - dense.cost) <= 1e-12 * dense.cost);
      if (beta === 1e4) assert.equal(blocks.solver, 'blocks');
    }
    // small beta: the block-diagonal permutation is not optimal, the certificate must refuse it
    assert.equal(a2aCoupling(d, b2, { beta: 0.3, solver: 'blocks' }).solver, 'sparse');
  });

  it('rejects bad input with InputError naming the problem', () => {
    const ok: ConditionalSamples = { x: Float64Array.of(0, 1), c: Float64Array.of(0, 1), n: 2, dx: 1, dc: 1 };
    assert.throws(() => a2aCoupling(ok, { ...ok, c: Float64Array.of(0, Number.NaN) }), /finite c/);
    assert.throws(() => a2aCoupling(ok, { ...ok, n: 1, x: Float64Array.of(0), c: Float64Array.of(0) }), /equal size/);
    assert.throws(() => a2aCoupling(ok, ok, { beta: -1 }), /beta > 0/);
    assert.throws(() => a2aCoupling(ok, { ...ok, dc: 2, c: Float64Array.of(0, 1, 2, 3) }), /condition dimensions differ/);
  });
});
