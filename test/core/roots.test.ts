import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError, NumericalError } from '../../src/core/errors.ts';
import { brent, invertMonotone } from '../../src/core/roots.ts';
import { normalCdf, normalQuantile } from '../../src/core/special.ts';
import { expectClose } from '../support/expectClose.ts';

test('brent finds the classical root of x^3 - 2x - 5 to machine precision in few evaluations', () => {
  let evals = 0;
  const x = brent(
    (t) => {
      evals++;
      return t * t * t - 2 * t - 5;
    },
    2,
    3,
  );
  // Root 2.0945514815423265 (Newton's example); tolerance 4 eps relative is Brent's stopping rule.
  expectClose(x, 2.0945514815423265, { rtol: 1e-15 }, 'root');
  assert.ok(evals <= 15, `evaluations ${evals}`);
});

test('brent on hard functions: triple root, discontinuity, flat x^9, steep tan, huge bracket, tiny scale', () => {
  // (x-1)^3: the sign change at 1 is exact in floating point, so the bracket shrinks onto 1.
  expectClose(brent((x) => (x - 1) ** 3, 0, 3), 1, { atol: 1e-15 }, 'triple root');
  // A jump: no root, but a sign change at 0.3; Brent must return the jump location within xtol.
  expectClose(brent((x) => (x < 0.3 ? -1 : 1), 0, 1, { xtol: 1e-12 }), 0.3, { atol: 1e-12 }, 'jump');
  // x^9 on [-1, 2]: f is ~1e-100 near the root, interpolation crawls; the default xtol 1e-16 bounds it.
  expectClose(brent((x) => x ** 9, -1, 2), 0, { atol: 1e-15 }, 'flat');
  // tan(x) = x near 4.4934 (first positive root of tan x - x), steep on the bracket [4.4, 4.7].
  expectClose(brent((x) => Math.tan(x) - x, 4.4, 4.7), 4.493409457909064, { rtol: 1e-14 }, 'tan x = x');
  // log x on [1e-300, 1e10]: bracket spans 310 decades.
  expectClose(brent(Math.log, 1e-300, 1e10), 1, { rtol: 1e-14 }, 'log');
  // f scaled by 1e-300: only signs and ratios matter.
  expectClose(brent((x) => 1e-300 * (x - 1 / 3), 0, 1), 1 / 3, { rtol: 1e-15 }, 'tiny scale');
  // Reversed bracket order is fine.
  expectClose(brent((x) => x * x - 2, 2, 0), Math.SQRT2, { rtol: 1e-15 }, 'reversed');
  // Exact root at an end point.
  assert.equal(brent((x) => x - 1, 1, 2), 1);
});

test('brent: no bracket, NaN from f, non-finite ends and bad options give clear errors', () => {
  assert.throws(() => brent((x) => x * x + 1, -1, 1), NumericalError);
  assert.throws(() => brent((x) => x * x + 1, -1, 1), /opposite signs to bracket a root, got f\(-1\) = 2 and f\(1\) = 2/);
  assert.throws(() => brent((x) => (x > 0.5 ? Number.NaN : -1), 0, 1), /f returned NaN/);
  assert.throws(() => brent((x) => x, Number.NaN, 1), InputError);
  assert.throws(() => brent((x) => x, 0, Infinity), /expected b to be a finite number, got Infinity/);
  assert.throws(() => brent((x) => x, -1, 1, { xtol: -1 }), InputError);
  assert.throws(() => brent((x) => x, -1, 1, { maxIter: 0 }), InputError);
  // maxIter too small to converge: NumericalError, not a silent inaccurate answer.
  assert.throws(() => brent((x) => (x < 0.3 ? -1 : 1), 0, 1, { maxIter: 3 }), /no convergence in 3 iterations/);
});

test('invertMonotone inverts normalCdf from a wrong guess bracket by expansion, matching normalQuantile', () => {
  for (const y of [1e-12, 1e-5, 0.3, 0.5, 0.9, 1 - 1e-9]) {
    const x = invertMonotone(normalCdf, y, 0, 1);
    // Conditioning: dx = dPhi / phi(x). Phi is known to ~1e-14 relative (and only to eps absolute
    // near 1), so x is determined to 1e-14 * Phi/phi + 2 eps/phi, plus Brent's 4 eps |x| stop.
    const x0 = normalQuantile(y);
    const phi = Math.exp(-0.5 * x0 * x0) / Math.sqrt(2 * Math.PI);
    const atol = (1e-14 * Math.min(y, 1 - y) + 4.5e-16) / phi + 1e-15 * Math.abs(x0);
    expectClose(x, x0, { atol }, `quantile(${y})`);
  }
});

test('invertMonotone on a two-component mixture cdf agrees with bisection to 1e-12', () => {
  const cdf = (x: number) => 0.3 * normalCdf((x + 1) / 0.2) + 0.7 * normalCdf((x - 2) / 0.5);
  for (const u of [0.01, 0.29, 0.3, 0.31, 0.99]) {
    const x = invertMonotone(cdf, u, -10, 10);
    let lo = -10;
    let hi = 10;
    for (let i = 0; i < 200; i++) {
      const m = 0.5 * (lo + hi);
      if (cdf(m) < u) lo = m;
      else hi = m;
    }
    // Bisection to the last bit is an independent oracle; both stop within a few ulps of x.
    expectClose(x, 0.5 * (lo + hi), { atol: 1e-12 }, `mixture quantile(${u})`);
  }
});

test('invertMonotone: y outside the range, NaN y and an empty bracket throw', () => {
  assert.throws(() => invertMonotone(Math.tanh, 2, 0, 1, { maxExpand: 20 }), NumericalError);
  assert.throws(() => invertMonotone(Math.tanh, 2, 0, 1, { maxExpand: 20 }), /could not bracket f\(x\) = 2 after 20 expansions/);
  assert.throws(() => invertMonotone(Math.tanh, Number.NaN, 0, 1), /expected y to be a finite number, got NaN/);
  assert.throws(() => invertMonotone(Math.tanh, 0.5, 1, 1), /expected lo < hi/);
});
