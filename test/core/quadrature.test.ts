import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError, NumericalError } from '../../src/core/errors.ts';
import { gaussLegendre, quad } from '../../src/core/quadrature.ts';
import { expectClose } from '../support/expectClose.ts';

test('one 15-point Kronrod panel integrates x^k exactly for k <= 22 (and the 7-point Gauss part for k <= 13)', () => {
  for (let k = 0; k <= 22; k++) {
    // int_{-0.3}^{1.1} x^k dx. maxEval 15 = a single panel, so this checks the rule's constants:
    // any misprinted node or weight breaks exactness at some degree. Tolerance: a few ulps of the
    // terms (largest |x^k| * 2 ~ 1.1^22*2 ~ 16).
    const exact = (1.1 ** (k + 1) - (-0.3) ** (k + 1)) / (k + 1);
    const r = quad((x) => x ** k, -0.3, 1.1, { maxEval: 15 });
    assert.equal(r.evaluations, 15);
    expectClose(r.value, exact, { atol: 2e-15 * 1.1 ** k }, `x^${k}`);
    // For k <= 13 Gauss and Kronrod agree, so the error estimate collapses to the round-off floor.
    if (k <= 13) assert.ok(r.errorEstimate < 1e-13 * Math.max(1, Math.abs(exact)), `x^${k} error ${r.errorEstimate}`);
    else assert.ok(r.errorEstimate > 1e-14, `x^${k}: Gauss part is not exact, estimate must be > 0`);
  }
});

test('quad: Gaussian integrals over infinite and half-infinite ranges', () => {
  // int exp(-x^2/2) = sqrt(2 pi); int x^2 exp(-x^2/2) = sqrt(2 pi); tail int_2^inf = sqrt(pi/2) erfc(sqrt 2).
  const g = (x: number) => Math.exp(-0.5 * x * x);
  const r1 = quad(g, -Infinity, Infinity, { tol: 1e-12 });
  expectClose(r1.value, Math.sqrt(2 * Math.PI), { rtol: 1e-12 }, 'int exp(-x^2/2)');
  assert.ok(r1.converged);
  const r2 = quad((x) => x * x * g(x), -Infinity, Infinity, { tol: 1e-12 });
  expectClose(r2.value, Math.sqrt(2 * Math.PI), { rtol: 1e-12 }, 'second moment');
  // 1 - Phi(2) = 0.022750131948179207 (mpmath), times sqrt(2 pi).
  const r3 = quad(g, 2, Infinity, { tol: 1e-12 });
  expectClose(r3.value, 0.02275013194817921 * Math.sqrt(2 * Math.PI), { rtol: 1e-11 }, 'upper tail');
  const r4 = quad(g, -Infinity, -2, { tol: 1e-12 });
  expectClose(r4.value, 0.02275013194817921 * Math.sqrt(2 * Math.PI), { rtol: 1e-11 }, 'lower tail');
  // Shifted narrow Gaussian far from 0: int N(x; 40, 0.01^2) dx = 1 on (-inf, inf).
  const narrow = (x: number) => Math.exp(-0.5 * ((x - 40) / 0.01) ** 2) / (0.01 * Math.sqrt(2 * Math.PI));
  // Without a hint the initial panels miss a width-0.01 peak at 40 (documented limitation: the
  // result is ~0 with a tiny error estimate); with breakpoints around the peak it is resolved.
  assert.ok(quad(narrow, 0, Infinity).value < 1e-3);
  const r5 = quad(narrow, 0, Infinity, { tol: 1e-10, breakpoints: [39.9, 40.1] });
  expectClose(r5.value, 1, { rtol: 1e-9 }, 'narrow far Gaussian with breakpoints');
  const r6 = quad(narrow, -Infinity, Infinity, { tol: 1e-10, breakpoints: [39.9, 40, 40.1] });
  expectClose(r6.value, 1, { rtol: 1e-9 }, 'narrow Gaussian, several breakpoints, both ends infinite');
  // Breakpoints at a kink make it exact in one panel per piece.
  const r7 = quad((x) => Math.abs(x - 1 / 3), 0, 1, { breakpoints: [1 / 3] });
  expectClose(r7.value, 5 / 18, { rtol: 1e-15 }, 'kink split');
  assert.equal(r7.evaluations, 30);
});

test('quad: integrable end-point singularities x^(-1/2) and log x on [0, 1]', () => {
  const r1 = quad((x) => 1 / Math.sqrt(x), 0, 1, { tol: 1e-10 });
  // Exact 2; the requested tolerance 1e-10 must be met and the estimate must cover the true error.
  expectClose(r1.value, 2, { rtol: 1e-10 }, 'x^-1/2');
  assert.ok(r1.converged);
  assert.ok(Math.abs(r1.value - 2) <= r1.errorEstimate, 'error estimate bounds the true error');
  const r2 = quad(Math.log, 0, 1, { tol: 1e-12 });
  expectClose(r2.value, -1, { rtol: 1e-12 }, 'log x');
  assert.ok(Math.abs(r2.value + 1) <= r2.errorEstimate);
});

test('quad: the error estimate is honest (>= true error) across a set of integrands and tolerances', () => {
  const cases: [string, (x: number) => number, number, number, number][] = [
    ['sin', Math.sin, 0, Math.PI, 2],
    ['oscillatory cos(30x)', (x) => Math.cos(30 * x), 0, 1, Math.sin(30) / 30],
    ['peak 1/(1e-4 + x^2)', (x) => 1 / (1e-4 + x * x), -1, 1, 200 * Math.atan(100)],
    ['kink |x - 1/3|', (x) => Math.abs(x - 1 / 3), 0, 1, (1 / 9 + 4 / 9) / 2],
    ['x^(-0.9)', (x) => x ** -0.9, 0, 1, 10],
    ['Cauchy', (x) => 1 / (1 + x * x), -Infinity, Infinity, Math.PI],
  ];
  for (const tol of [1e-4, 1e-8, 1e-12]) {
    for (const [name, f, a, b, exact] of cases) {
      const r = quad(f, a, b, { tol, maxEval: 200_000 });
      const err = Math.abs(r.value - exact);
      assert.ok(err <= r.errorEstimate + 1e-15 * Math.abs(exact), `${name} tol ${tol}: true error ${err} > estimate ${r.errorEstimate}`);
      if (r.converged) assert.ok(err <= 2 * tol * Math.abs(exact) + 1e-15, `${name} tol ${tol}: converged but error ${err}`);
    }
  }
});

test('quad: reversed limits, a == b, odd integrand with zero integral, maxEval exhaustion reported', () => {
  expectClose(quad(Math.exp, 1, 0).value, -(Math.E - 1), { rtol: 1e-14 }, 'reversed');
  assert.deepEqual(quad(Math.exp, 2, 2), { value: 0, errorEstimate: 0, evaluations: 0, converged: true });
  // int_{-1}^{1} x^3 = 0: relative tolerance unattainable; converges at the round-off floor.
  const odd = quad((x) => x ** 3 * Math.exp(x * x), -1, 1);
  assert.ok(Math.abs(odd.value) < 1e-15, `odd: ${odd.value}`);
  assert.ok(odd.converged);
  // A singular integrand with too small a budget: converged = false and the estimate still bounds
  // the true error (budgets 45..975 evaluations).
  for (const [f, exact] of [
    [(x: number) => x ** -0.5, 2],
    [(x: number) => x ** -0.9, 10],
  ] as const) {
    for (const maxEval of [45, 75, 300, 1000]) {
      const r = quad(f, 0, 1, { tol: 1e-12, maxEval });
      assert.equal(r.converged, false);
      assert.ok(r.evaluations <= maxEval);
      assert.ok(Math.abs(r.value - exact) <= r.errorEstimate, `budget ${maxEval}: ${r.value} vs ${exact} +- ${r.errorEstimate}`);
    }
  }
});

test('quad: NaN limits, bad options and a non-finite integrand throw', () => {
  assert.throws(() => quad(Math.sin, Number.NaN, 1), InputError);
  assert.throws(() => quad(Math.sin, 0, 1, { tol: -1 }), /expected tol, absTol >= 0/);
  assert.throws(() => quad(Math.sin, 0, 1, { maxEval: 3 }), /maxEval an integer >= 15/);
  assert.throws(() => quad(Math.sin, 0, 1, { breakpoints: [Number.NaN] }), /finite breakpoints, got NaN/);
  assert.throws(() => quad((x) => (x > 0.5 ? Number.NaN : 1), 0, 1), NumericalError);
  assert.throws(() => quad((x) => (x > 0.5 ? Number.NaN : 1), 0, 1), /integrand is NaN at x = 0\.\d+/);
});

test('gaussLegendre(n): weights sum to 2, exact for degree 2n-1, symmetric, matches n = 3 closed form', () => {
  const g3 = gaussLegendre(3);
  // n = 3: nodes 0, +-sqrt(3/5), weights 8/9, 5/9.
  expectClose(g3.nodes[2], Math.sqrt(0.6), { rtol: 1e-15 }, 'node');
  expectClose(g3.weights[1], 8 / 9, { rtol: 1e-15 }, 'w0');
  expectClose(g3.weights[0], 5 / 9, { rtol: 1e-15 }, 'w1');
  for (const n of [1, 2, 5, 20, 64, 200, 1000]) {
    const { nodes, weights } = gaussLegendre(n);
    let s = 0;
    for (let i = 0; i < n; i++) s += weights[i];
    // Sum of n positive weights: round-off ~ n eps.
    expectClose(s, 2, { rtol: 4e-16 * n + 1e-15 }, `sum of weights n=${n}`);
    for (let i = 1; i < n; i++) assert.ok(nodes[i] > nodes[i - 1]);
    for (let i = 0; i < n; i++) expectClose(nodes[i], -nodes[n - 1 - i], { atol: 1e-16 }, 'symmetry');
    // Exactness: int x^(2n-2) = 2/(2n-1) (highest even degree below 2n), for moderate n.
    if (n <= 64) {
      let m = 0;
      for (let i = 0; i < n; i++) m += weights[i] * nodes[i] ** (2 * n - 2);
      expectClose(m, 2 / (2 * n - 1), { rtol: 1e-13 }, `x^${2 * n - 2} n=${n}`);
    }
  }
  // n = 1000 integrates cos(50 x) exactly to round-off: 2 sin(50)/50.
  const { nodes, weights } = gaussLegendre(1000);
  let c = 0;
  for (let i = 0; i < 1000; i++) c += weights[i] * Math.cos(50 * nodes[i]);
  expectClose(c, (2 * Math.sin(50)) / 50, { atol: 1e-14 }, 'cos(50x) with n=1000');
  assert.throws(() => gaussLegendre(0), InputError);
  assert.throws(() => gaussLegendre(2.5), /positive integer number of nodes, got 2.5/);
});
