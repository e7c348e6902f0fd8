import assert from 'node:assert/strict';

/**
 * Assert |actual - expected| <= atol + rtol * |expected|. Every call site states why its
 * tolerance is what it is (discretisation order, sample size, solver tolerance).
 */
export function expectClose(
  actual: number,
  expected: number,
  tol: { atol?: number; rtol?: number },
  what = 'value',
): void {
  const atol = tol.atol ?? 0;
  const rtol = tol.rtol ?? 0;
  const err = Math.abs(actual - expected);
  const bound = atol + rtol * Math.abs(expected);
  if (!(err <= bound)) {
    assert.fail(
      `${what}: got ${actual}, expected ${expected} (|diff| ${err.toExponential(3)} > ${bound.toExponential(3)} = atol ${atol} + rtol ${rtol}*|expected|)`,
    );
  }
}

/** Fixed seed shared by tests. */
export const TEST_SEED = 1994;
