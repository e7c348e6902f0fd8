import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePoints } from '../../../src/core/points.ts';
import { Rng } from '../../../src/core/rng.ts';
import { couplePairs } from '../../../src/nn/train/couplings.ts';
import { learningRate } from '../../../src/nn/train/lrSchedule.ts';
import { minibatchAssignment } from '../../../src/nn/train/minibatchAssignment.ts';
import { sinkhornRowPlan } from '../../../src/nn/train/sinkhornPlan.ts';
import { stepRng } from '../../../src/nn/train/stepRng.ts';
import { emd } from '../../../src/ot/emd.ts';
import { expectClose, TEST_SEED } from '../../support/expectClose.ts';

function clouds(B: number, seed: number) {
  const r = new Rng(seed);
  const y = new Float64Array(B * 2).map(() => r.normal());
  const z = new Float64Array(B * 2).map(() => 0.5 * r.normal() + 1);
  const C = new Float64Array(B * B);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) C[i * B + j] = (y[2 * i] - z[2 * j]) ** 2 + (y[2 * i + 1] - z[2 * j + 1]) ** 2;
  return { y, z, C };
}

test('minibatchAssignment is optimal: same cost as the certified exact solver emd', () => {
  for (const [B, seed] of [
    [1, 1],
    [7, 2],
    [64, 3],
    [150, 4],
  ]) {
    const { y, z, C } = clouds(B, seed);
    const a = minibatchAssignment(C, B);
    assert.deepEqual([...a].sort((p, q) => p - q), Array.from({ length: B }, (_, i) => i), 'a permutation');
    let cost = 0;
    for (let i = 0; i < B; i++) cost += C[i * B + a[i]] / B;
    const ref = emd(null, null, { kind: 'sqeuclidean', x: makePoints(y, B, 2), y: makePoints(z, B, 2) });
    assert.ok(ref.certificate.optimal);
    // both exact; summation order differs: relative 1e-12
    expectClose(cost, ref.cost, { rtol: 1e-12 }, `B=${B}`);
  }
});

/** Oracle: plain Sinkhorn-Knopp scaling (no stabilisation), fine at moderate eps. */
function plainSinkhorn(C: Float64Array, B: number, eps: number, iters: number): Float64Array {
  let cmin = Infinity;
  for (const c of C) cmin = Math.min(cmin, c);
  const K = C.map((c) => Math.exp(-(c - cmin) / eps));
  const u = new Float64Array(B).fill(1);
  const v = new Float64Array(B).fill(1);
  for (let it = 0; it < iters; it++) {
    for (let j = 0; j < B; j++) {
      let s = 0;
      for (let i = 0; i < B; i++) s += K[i * B + j] * u[i];
      v[j] = 1 / B / s;
    }
    for (let i = 0; i < B; i++) {
      let s = 0;
      for (let j = 0; j < B; j++) s += K[i * B + j] * v[j];
      u[i] = 1 / B / s;
    }
  }
  return K.map((k, idx) => u[Math.floor(idx / B)] * k * v[idx % B]);
}

test('sinkhornRowPlan: marginals 1/B and the plan of an independent plain Sinkhorn-Knopp', () => {
  const B = 60;
  const { C } = clouds(B, 5);
  let mean = 0;
  for (const c of C) mean += c / (B * B);
  const eps = 0.05 * mean;
  const P = sinkhornRowPlan(C, B, eps, 1e-10, 5000);
  for (let i = 0; i < B; i++) {
    let r = 0;
    let c = 0;
    for (let j = 0; j < B; j++) {
      r += P[i * B + j];
      c += P[j * B + i];
    }
    // stopping rule: every row within a relative 1e-10 of 1/B; columns exact after the last update
    expectClose(r, 1 / B, { rtol: 1e-9 }, `row ${i}`);
    expectClose(c, 1 / B, { rtol: 1e-9 }, `col ${i}`);
  }
  // 3000 plain iterations converge linearly far below 1e-10 at this eps (the plan is unique)
  const Q = plainSinkhorn(C, B, eps, 3000);
  let maxDiff = 0;
  for (let k = 0; k < B * B; k++) maxDiff = Math.max(maxDiff, Math.abs(P[k] - Q[k]));
  assert.ok(maxDiff < 1e-9 / B, `max |P - Q| = ${maxDiff}`);
});

test('sinkhornRowPlan stays finite for an eps far below the cost spread (plain scaling underflows)', () => {
  const B = 64;
  const { C } = clouds(B, 9);
  let mean = 0;
  for (const c of C) mean += c / (B * B);
  const eps = 1e-3 * mean;
  // plain scaling: exp(-(c - min c)/eps) underflows to 0 on whole rows here
  const Q = plainSinkhorn(C, B, eps, 1);
  assert.ok(Q.some((q) => !Number.isFinite(q)), 'the oracle breaks at this eps');
  const P = sinkhornRowPlan(C, B, eps, 1e-8, 20000);
  assert.ok(P.every(Number.isFinite));
  let cost = 0;
  for (let k = 0; k < B * B; k++) cost += P[k] * C[k];
  const exact = emd(null, null, { kind: 'matrix', matrix: C, n: B, m: B }).cost;
  // entropic cost lies in [OT, OT + eps log B] (KL to the product of uniform marginals <= log B)
  assert.ok(cost >= exact * (1 - 1e-12) && cost <= exact + eps * Math.log(B), `cost ${cost}, exact ${exact}, eps log B ${eps * Math.log(B)}`);
});

test('couplings: exact-ot lowers the pairing cost below independent; sinkhorn lies in between on average', () => {
  const B = 128;
  const { y, z, C } = clouds(B, 6);
  const rng = new Rng(TEST_SEED);
  const cost = (p: Int32Array) => p.reduce((s, j, i) => s + C[i * B + j], 0) / B;
  const ind = cost(couplePairs('independent', y, z, B, 2, rng));
  const ot = cost(couplePairs('exact-ot', y, z, B, 2, rng));
  const sk = cost(couplePairs('sinkhorn', y, z, B, 2, rng, 0.05));
  assert.ok(ot < sk && sk < ind, `pairing costs: exact ${ot}, sinkhorn ${sk}, independent ${ind}`);
});

test('learning-rate schedule: warm-up, cosine and linear end points', () => {
  expectClose(learningRate('cosine', 1, 5, 100, 10), 0.5, { rtol: 1e-15 }, 'warm-up half way');
  expectClose(learningRate('cosine', 1, 10, 100, 10), 1, { rtol: 1e-15 }, 'end of warm-up');
  expectClose(learningRate('cosine', 1, 100, 100, 10), 0.05, { rtol: 1e-12 }, 'cosine end');
  expectClose(learningRate('linear', 1, 55, 100, 10), 0.05 + 0.95 * 0.5, { rtol: 1e-12 }, 'linear middle');
  assert.equal(learningRate('constant', 0.3, 77, 100), 0.3);
});

test('stepRng: per-step streams are reproducible and distinct', () => {
  assert.equal(stepRng(5, 10).uniform(), stepRng(5, 10).uniform());
  const seen = new Set<number>();
  for (let s = 0; s < 1000; s++) seen.add(stepRng(5, s).nextUint32());
  assert.equal(seen.size, 1000);
  assert.notEqual(stepRng(5, 10, 1).uniform(), stepRng(5, 10, 2).uniform());
});
