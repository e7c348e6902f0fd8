import assert from 'node:assert/strict';
import { test } from 'node:test';
import { munkres } from 'munkres';
import { Rng } from '../../../src/core/rng.ts';
import { eightGaussians } from '../../../src/data/eightGaussians.ts';
import { twoMoons } from '../../../src/data/twoMoons.ts';
import { minibatchAssignment } from '../../../src/nn/train/minibatchAssignment.ts';
import { emd } from '../../../src/ot/emd.ts';
import { TEST_SEED } from '../../support/expectClose.ts';

const KINDS = ['uniform', 'integer', 'signed', 'shifted', 'clustered', 'all-equal', 'rank-one', 'duplicates', 'offset', 'integer-geometric'] as const;
type Kind = (typeof KINDS)[number];

function sqDist(y: Float64Array, z: Float64Array, B: number): Float64Array {
  const C = new Float64Array(B * B);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) C[i * B + j] = (y[2 * i] - z[2 * j]) ** 2 + (y[2 * i + 1] - z[2 * j + 1]) ** 2;
  return C;
}

function normalCloud(rng: Rng, B: number, mean: number, std: number): Float64Array {
  return new Float64Array(2 * B).map(() => mean + std * rng.normal());
}

/** A B x B cost of the given kind (row-major). */
function makeCost(kind: Kind, B: number, rng: Rng): Float64Array {
  switch (kind) {
    case 'uniform':
      return new Float64Array(B * B).map(() => rng.uniform());
    case 'integer': // values 0..3: very many ties, many optimal permutations
      return new Float64Array(B * B).map(() => rng.int(4));
    case 'signed':
      return new Float64Array(B * B).map(() => 10 * rng.normal());
    case 'shifted': // the training-like case: N(0, I) vs N(1, 0.5^2 I) in 2-D
      return sqDist(normalCloud(rng, B, 0, 1), normalCloud(rng, B, 1, 0.5), B);
    case 'clustered': // two moons vs 8 Gaussians (configs/train-moons-8gaussians-exact-ot.json)
      return sqDist(twoMoons(B, rng, 0.1).data, eightGaussians(B, rng).data, B);
    case 'all-equal': // every permutation is optimal
      return new Float64Array(B * B).fill(2.5);
    case 'rank-one': {
      // C_ij = a_i + b_j: every permutation is optimal, with total sum a + sum b
      const a = new Float64Array(B).map(() => rng.normal());
      const b = new Float64Array(B).map(() => rng.int(3));
      const C = new Float64Array(B * B);
      for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) C[i * B + j] = a[i] + b[j];
      return C;
    }
    case 'duplicates': {
      // both clouds use only 3 distinct points each: blocks of exactly tied costs
      const y = new Float64Array(2 * B);
      const z = new Float64Array(2 * B);
      const py = [0, 0, 1, 0, 0, 2];
      const pz = [1, 1, 3, 0, -1, 0.5];
      for (let i = 0; i < B; i++) {
        const a = rng.int(3);
        const b = rng.int(3);
        y[2 * i] = py[2 * a];
        y[2 * i + 1] = py[2 * a + 1];
        z[2 * i] = pz[2 * b];
        z[2 * i + 1] = pz[2 * b + 1];
      }
      return sqDist(y, z, B);
    }
    case 'offset': // large constant offset: cost spread ~1 on top of 1e6
      return sqDist(normalCloud(rng, B, 0, 1), normalCloud(rng, B, 0.5, 1), B).map((c) => c + 1e6);
    case 'integer-geometric': // rounded squared distances on a small grid: geometric and tied
      return sqDist(
        normalCloud(rng, B, 0, 3).map((x) => Math.round(x)),
        normalCloud(rng, B, 2, 3).map((x) => Math.round(x)),
        B,
      );
  }
}

/** sum_i C[i, p(i)] in row order, after checking that p is a permutation of 0..B-1. */
function totalOf(C: Float64Array, B: number, p: ArrayLike<number>, what: string): { total: number; abs: number } {
  assert.equal(p.length, B, `${what}: length`);
  const seen = new Uint8Array(B);
  let total = 0;
  let abs = 0;
  for (let i = 0; i < B; i++) {
    const j = p[i];
    assert.ok(Number.isInteger(j) && j >= 0 && j < B && !seen[j], `${what}: not a permutation (row ${i} -> ${j})`);
    seen[j] = 1;
    total += C[i * B + j];
    abs += Math.abs(C[i * B + j]);
  }
  return { total, abs };
}

/**
 * Both totals are sums of B entries of C over an optimal permutation, so in exact arithmetic they
 * are equal (ties may pick different permutations, with the same value). Only the rounding of the
 * sums can differ: each is within B * 2^-53 * sum|terms| of its exact value (B <= 512 gives
 * < 6e-14 of sum|terms|), hence the bound 1e-12 * sum|terms| (a relative 1e-12 for non-negative
 * costs). A sub-optimal permutation differs by at least one cost gap, far above that here.
 */
function assertOptimal(C: Float64Array, B: number, p: Int32Array, oracleTotal: number, what: string): void {
  const { total, abs } = totalOf(C, B, p, what);
  const bound = 1e-12 * Math.max(abs, Math.abs(oracleTotal));
  assert.ok(Math.abs(total - oracleTotal) <= bound, `${what}: total ${total}, oracle ${oracleTotal} (|diff| ${Math.abs(total - oracleTotal)} > ${bound})`);
}

function munkresTotal(C: Float64Array, B: number): number {
  const rows = Array.from({ length: B }, (_, i) => Array.from(C.subarray(i * B, (i + 1) * B)));
  const p = new Int32Array(B);
  for (const [i, j] of munkres(rows)) p[i] = j;
  return totalOf(C, B, p, 'munkres').total;
}

/** The certified exact solver of src/ot (uniform masses 1/B, so the plan cost times B is the total). */
function emdTotal(C: Float64Array, B: number, what: string): number {
  const r = emd(null, null, { kind: 'matrix', matrix: C, n: B, m: B });
  assert.ok(r.converged && r.certificate.optimal, `${what}: emd not certified optimal`);
  return r.cost * B;
}

test('minibatchAssignment: B = 0, 1, 2 and bad input', () => {
  assert.deepEqual([...minibatchAssignment(new Float64Array(0), 0)], []);
  assert.deepEqual([...minibatchAssignment(new Float64Array([5]), 1)], [0]);
  assert.deepEqual([...minibatchAssignment(new Float64Array([1, 0, 0, 1]), 2)], [1, 0]);
  assert.deepEqual([...minibatchAssignment(new Float64Array([0, 1, 1, 0]), 2)], [0, 1]);
  assert.throws(() => minibatchAssignment(new Float64Array(3), 2), RangeError);
  assert.throws(() => minibatchAssignment(new Float64Array(4), 1.5), RangeError);
});

test('minibatchAssignment equals munkres on random sizes 1..60 and every cost kind', () => {
  const rng = new Rng(TEST_SEED);
  for (let trial = 0; trial < 120; trial++) {
    const B = 1 + rng.int(60);
    const kind = KINDS[trial % KINDS.length];
    const C = makeCost(kind, B, rng);
    assertOptimal(C, B, minibatchAssignment(C, B), munkresTotal(C, B), `trial ${trial} (${kind}, B=${B})`);
  }
});

test('minibatchAssignment equals the certified emd optimum at B = 256 and 512 on every cost kind', () => {
  const rng = new Rng(TEST_SEED + 1);
  for (const B of [256, 512]) {
    for (const kind of KINDS) {
      const C = makeCost(kind, B, rng);
      const what = `${kind}, B=${B}`;
      assertOptimal(C, B, minibatchAssignment(C, B), emdTotal(C, B, what), what);
    }
  }
});

test('minibatchAssignment: degenerate costs with a known optimum', () => {
  const rng = new Rng(TEST_SEED + 2);
  for (const B of [5, 64, 256]) {
    // identity-like: 0 on a hidden permutation, 1 elsewhere; the optimum is 0 and unique
    const perm = Array.from({ length: B }, (_, i) => i);
    rng.shuffle(perm);
    const C = new Float64Array(B * B).fill(1);
    for (let i = 0; i < B; i++) C[i * B + perm[i]] = 0;
    assert.deepEqual([...minibatchAssignment(C, B)], perm, `hidden permutation, B=${B}`);
    // rank one: C_ij = a_i + b_j, every permutation optimal with total sum a + sum b
    const a = new Float64Array(B).map(() => rng.normal());
    const b = new Float64Array(B).map(() => rng.normal());
    const R = new Float64Array(B * B);
    for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) R[i * B + j] = a[i] + b[j];
    let exact = 0;
    for (let i = 0; i < B; i++) exact += a[i] + b[i];
    assertOptimal(R, B, minibatchAssignment(R, B), exact, `rank one, B=${B}`);
  }
});

test('minibatchAssignment: non-finite costs still give a permutation (no optimality claim)', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    for (const B of [3, 50, 256]) {
      const C = new Float64Array(B * B).map((_, k) => (k * 7919) % 13);
      for (let k = 0; k < B; k += 2) C[(k * 31) % (B * B)] = bad;
      totalOf(C, B, minibatchAssignment(C, B), `${bad}, B=${B}`);
    }
  }
});
