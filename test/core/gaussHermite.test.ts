import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussHermite } from '../../src/core/gaussHermite.ts';

// An order-m rule integrates polynomials of degree <= 2m - 1 exactly: E Z^(2j) = (2j - 1)!!; the
// nodes come from bisection to full precision, so the moments agree to rounding (1e-12 relative).
test('Gauss-Hermite rules reproduce the normal moments up to degree 2 order - 1', () => {
  for (const order of [1, 2, 3, 4, 5, 8]) {
    const { nodes, weights } = gaussHermite(order);
    assert.equal(nodes.length, order);
    let dfact = 1;
    for (let p = 0; p <= 2 * order - 1; p++) {
      const m = nodes.reduce((s, z, i) => s + weights[i] * z ** p, 0);
      const exact = p % 2 === 1 ? 0 : dfact;
      if (p % 2 === 0 && p > 0) assert.ok(Math.abs(m - exact) <= 1e-12 * exact, `order ${order}, E Z^${p}: ${m} vs ${exact}`);
      if (p % 2 === 1) assert.ok(Math.abs(m) <= 1e-12 * (dfact * (p + 1)), `order ${order}, odd moment ${p}: ${m}`);
      if (p % 2 === 1) dfact *= p;
    }
    // the first moment not integrated exactly (degree 2 order) differs: the test can fail
    const m2o = nodes.reduce((s, z, i) => s + weights[i] * z ** (2 * order), 0);
    assert.ok(Math.abs(m2o - dfact) > 1e-6 * dfact, `order ${order}: degree ${2 * order} should not be exact`);
  }
});

test('Gauss-Hermite rejects orders outside 1..20', () => {
  assert.throws(() => gaussHermite(0), /order/);
  assert.throws(() => gaussHermite(2.5), /order/);
});
