/**
 * The 2-D tab's error adapter (lab/src/ndErrors.ts): the library's own errors when a result carries
 * them, else the sample standard deviation over replicate runs (hand-computed values below).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { libraryErrors, replicateErrors } from '../../lab/src/ndErrors.ts';
import type { SpeedAccuracyNdResult } from '../../src/index.ts';

const base = { eta: 1, c1: 2, c2: 3, d0: 0.5, wD: 4, housekeeping: 1, w1Start: 0.2, w1End: 0.3, d0MonteCarlo: { value: 0.52, stderr: 0.01 } };
const result = (extra: Record<string, unknown> = {}) => ({ ...base, ...extra }) as unknown as SpeedAccuracyNdResult;

describe('ndErrors', () => {
  it('uses no library errors when the result has none', () => {
    assert.equal(libraryErrors(result()), null);
  });

  it("takes the library's errors (numbers or {value}) as magnitudes and ignores unknown or non-finite ones", () => {
    const e = libraryErrors(result({ errors: { eta: -0.1, c1: { value: 0.2 }, c2: Number.NaN, other: 5 } }));
    assert.ok(e);
    assert.deepEqual(e.values, { eta: 0.1, c1: 0.2 });
    assert.equal(e.method, "the library's error estimate");
  });

  it('replicates: sample sd (n - 1) per quantity, D0 as the gap to the Monte Carlo estimate', () => {
    const runs = [1, 2, 4].map((eta) => ({ eta, c1: 2, c2: 3, d0: 0.5, wD: 4 + eta, housekeeping: 1, w1Start: 0.2, w1End: 0.3 }));
    const e = replicateErrors(result(), runs);
    // eta: mean 7/3, squared deviations 16/9 + 1/9 + 25/9 = 42/9, / (3 - 1) = 7/3 -> sd sqrt(7/3); exact up to rounding
    assert.ok(Math.abs((e.values.eta ?? 0) - Math.sqrt(7 / 3)) <= 1e-15);
    assert.ok(Math.abs((e.values.wD ?? 0) - Math.sqrt(7 / 3)) <= 1e-15);
    assert.equal(e.values.c1, 0);
    assert.ok(Math.abs((e.values.d0 ?? 0) - 0.02) <= 1e-15);
    assert.equal(e.method, 'sd over 3 particle seeds');
  });
});
