import assert from 'node:assert/strict';
import test from 'node:test';
import { sampleStat } from '../../src/core/sampleStat.ts';

test('sampleStat: mean, sample standard deviation (divisor k - 1) and standard error', () => {
  assert.deepEqual(sampleStat([2]), { mean: 2, std: 0, sem: 0 });
  const r = sampleStat([1, 2, 3, 4]);
  assert.equal(r.mean, 2.5);
  // sum of squares 5 over k - 1 = 3; exact up to one rounding of the square root (and of the division)
  assert.ok(Math.abs(r.std - Math.sqrt(5 / 3)) < 1e-15);
  assert.ok(Math.abs(r.sem - Math.sqrt(5 / 3) / 2) < 1e-15);
});
