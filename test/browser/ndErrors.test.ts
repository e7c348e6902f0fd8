/**
 * The 2-D tab's error adapter (lab/src/ndErrors.ts): the library's relative errors shown as absolute
 * and relative values, with the library's flags (hand-computed values below).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { libraryErrors } from '../../lab/src/ndErrors.ts';
import type { SpeedAccuracyNdResult } from '../../src/index.ts';

const base = { eta: 0.5, c1: 2, c2: 3, d0: 0.25, wD: 4, housekeeping: 1, w1Start: 0.2, w1End: -0.3, estimator: 'quadrature', settings: { cells: 48, coarseCells: 36 }, flagged: [] };
const result = (extra: Record<string, unknown> = {}) => ({ ...base, ...extra }) as unknown as SpeedAccuracyNdResult;

describe('ndErrors', () => {
  it('returns null when the result carries no errors (missing or empty)', () => {
    assert.equal(libraryErrors(result()), null);
    assert.equal(libraryErrors(result({ errors: {} })), null);
  });

  it('absolute error = relative x |value|; unknown keys and NaN are ignored; Infinity stays unknown', () => {
    const e = libraryErrors(result({ errors: { eta: 0.01, w1End: 0.5, c2: Number.NaN, c1: Infinity, deltaW1: 0.3, other: 5 } }));
    assert.ok(e);
    // 0.01 x 0.5 and 0.5 x |-0.3|: one binary rounding each (<= 1 ulp of the product)
    assert.ok(Math.abs((e.values.eta ?? 0) - 0.005) <= 1e-18);
    assert.ok(Math.abs((e.values.w1End ?? 0) - 0.15) <= 1e-16);
    assert.equal(e.values.c1, Infinity);
    assert.deepEqual(Object.keys(e.values).sort(), ['c1', 'eta', 'w1End']);
    assert.deepEqual(e.relative, { eta: 0.01, w1End: 0.5, c1: Infinity });
    assert.equal(e.method, 'quadrature on 48 and 36 nodes per axis');
  });

  it('housekeeping 0 (gradient force) is scaled by wD, as the library scales it', () => {
    const e = libraryErrors(result({ housekeeping: 0, errors: { housekeeping: 0.25 } }));
    assert.equal(e?.values.housekeeping, 1); // 0.25 x wD = 4: exact in binary
  });

  it("keeps the library's flags of the shown numbers, in table order (deltaW1 is not a row)", () => {
    const e = libraryErrors(result({ errors: { eta: 0.02, c1: 0.03, deltaW1: 0.02 }, flagged: ['deltaW1', 'c1', 'eta'] }));
    assert.deepEqual(e?.flagged, ['eta', 'c1']);
  });

  it('names the particle comparison for the particle estimator', () => {
    const e = libraryErrors(result({ estimator: 'particles', settings: { nParticles: 400 }, errors: { eta: 0.1 } }));
    assert.equal(e?.method, '400 vs 200 particles');
  });
});
