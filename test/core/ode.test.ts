import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError, NumericalError } from '../../src/core/errors.ts';
import { type OdeMethod, solveOde } from '../../src/core/ode.ts';
import { expectClose } from '../support/expectClose.ts';

// y' = y cos t, y(0) = 1: y(t) = exp(sin t). Smooth, non-autonomous, non-linear in t.
const cosRhs = (t: number, y: Float64Array, d: Float64Array) => {
  for (let i = 0; i < y.length; i++) d[i] = y[i] * Math.cos(t);
};

function endError(method: OdeMethod, steps: number): number {
  const r = solveOde(cosRhs, new Float64Array([1]), 0, 2, { method, steps });
  return Math.abs(r.y[r.y.length - 1][0] - Math.exp(Math.sin(2)));
}

test('fixed-step methods converge with their order under step halving: Euler 1, Heun 2, RK4 4', () => {
  for (const [method, order, n] of [
    ['euler', 1, 400],
    ['heun', 2, 100],
    ['rk4', 4, 20],
  ] as const) {
    const e1 = endError(method, n);
    const e2 = endError(method, 2 * n);
    const e3 = endError(method, 4 * n);
    const p1 = Math.log2(e1 / e2);
    const p2 = Math.log2(e2 / e3);
    console.log(`${method}: errors ${e1.toExponential(2)}, ${e2.toExponential(2)}, ${e3.toExponential(2)}; observed orders ${p1.toFixed(3)}, ${p2.toFixed(3)}`);
    // Asymptotic regime: the observed order is within 0.1 of the theoretical one (the next error
    // term contributes O(h) relative to the leading one, ~1/n here).
    assert.ok(Math.abs(p2 - order) < 0.1, `${method}: observed order ${p2}`);
    assert.ok(Math.abs(p1 - order) < 0.15, `${method}: observed order ${p1}`);
  }
});

test('fixed-step output: steps + 1 states from t0 to t1 exactly, nfe = stages x steps', () => {
  const nfePerStep = { euler: 1, heun: 2, rk4: 4 } as const;
  for (const method of ['euler', 'heun', 'rk4'] as const) {
    const r = solveOde(cosRhs, new Float64Array([1]), 0, 1, { method, steps: 7 });
    assert.equal(r.t.length, 8);
    assert.equal(r.y.length, 8);
    assert.equal(r.t[0], 0);
    assert.equal(r.t[7], 1);
    assert.equal(r.nfe, 7 * nfePerStep[method]);
    assert.equal(r.acceptedSteps, 7);
    assert.equal(r.rejectedSteps, 0);
  }
});

test('flow-matching check: velocity 3t^2 from 0 to 1 maps x to x + 1 (exact error formulas per method)', () => {
  const n = 1000;
  const x0 = new Float64Array(n);
  for (let i = 0; i < n; i++) x0[i] = -3 + (6 * i) / n;
  const v = (t: number, _x: Float64Array, d: Float64Array) => d.fill(3 * t * t);
  const N = 50;
  // Euler is the left Riemann sum: 1 - 3/(2N) + 1/(2N^2). Heun is the trapezoid rule: 1 + 1/(2N^2).
  // RK4 is Simpson's rule, exact for t^2; dopri5 is exact for polynomials of degree <= 4 in t.
  const expected = { euler: 1 - 3 / (2 * N) + 1 / (2 * N * N), heun: 1 + 1 / (2 * N * N), rk4: 1, dopri5: 1 };
  for (const method of ['euler', 'heun', 'rk4', 'dopri5'] as const) {
    const r = solveOde(v, x0, 0, 1, { method, steps: N, tEval: [1] });
    const x1 = r.y[0];
    for (let i = 0; i < n; i++) {
      // Round-off only: ~N additions of O(1) terms.
      expectClose(x1[i] - x0[i], expected[method], { atol: 1e-12 }, `${method} particle ${i}`);
    }
    // The facebookresearch/flow_matching test's own tolerance (atol 1e-2) for the two better methods.
    if (method !== 'euler') expectClose(x1[0], x0[0] + 1, { atol: 1e-2 }, method);
  }
});

test('dopri5 on y\' = -y meets rtol: global relative error <= 10 rtol, nfe grows like rtol^(-1/5)', () => {
  let prevNfe = 0;
  for (const rtol of [1e-4, 1e-6, 1e-8, 1e-10]) {
    const r = solveOde((_t, y, d) => d.set(y.map((v) => -v)), new Float64Array([1, 2]), 0, 5, { method: 'dopri5', rtol, atol: 1e-16 });
    const end = r.y[r.y.length - 1];
    const relErr = Math.abs(end[0] - Math.exp(-5)) / Math.exp(-5);
    console.log(`dopri5 y'=-y rtol ${rtol}: relative error ${relErr.toExponential(2)}, nfe ${r.nfe}, accepted ${r.acceptedSteps}, rejected ${r.rejectedSteps}`);
    // The local error per unit step is held at rtol; for a contractive problem the global error stays
    // within a small multiple of it (factor 10 allowed).
    assert.ok(relErr <= 10 * rtol, `rtol ${rtol}: relative error ${relErr}`);
    expectClose(end[1], 2 * end[0], { rtol: 1e-15 }, 'linearity across components');
    // A 5th-order method needs (100)^(1/5) = 2.5x more steps per 100x tighter tolerance; allow 1.8-3.5
    // (step-count rounding on short runs).
    if (prevNfe > 0) assert.ok(r.nfe / prevNfe > 1.8 && r.nfe / prevNfe < 3.5, `nfe ratio ${r.nfe / prevNfe}`);
    prevNfe = r.nfe;
  }
});

test('dopri5 on a rotation conserves energy and phase over 10 periods', () => {
  const rot = (_t: number, y: Float64Array, d: Float64Array) => {
    d[0] = y[1];
    d[1] = -y[0];
  };
  const T = 20 * Math.PI;
  const r = solveOde(rot, new Float64Array([1, 0]), 0, T, { method: 'dopri5', rtol: 1e-10, atol: 1e-12 });
  const end = r.y[r.y.length - 1];
  // Error per period ~ tolerance; after 10 periods a drift of ~1e-8 is the expected scale (100 x tol).
  expectClose(end[0] * end[0] + end[1] * end[1], 1, { atol: 1e-8 }, 'energy');
  expectClose(end[0], 1, { atol: 1e-8 }, 'cos(20 pi)');
  expectClose(end[1], 0, { atol: 1e-8 }, 'sin(20 pi)');
  for (let k = 0; k < r.y.length; k++) {
    const e = r.y[k][0] ** 2 + r.y[k][1] ** 2;
    assert.ok(Math.abs(e - 1) < 1e-8, `energy ${e} at t = ${r.t[k]}`);
  }
});

test('backwards in time: dopri5 and rk4 from t = 5 to 0 recover the initial value; round trip', () => {
  const decay = (_t: number, y: Float64Array, d: Float64Array) => {
    d[0] = -y[0];
  };
  const rb = solveOde(decay, new Float64Array([Math.exp(-5)]), 5, 0, { method: 'dopri5', rtol: 1e-10, atol: 1e-14 });
  // Backwards, y' = -y grows by e^5; relative accuracy ~ a few rtol (1e-9 allowed).
  expectClose(rb.y[rb.y.length - 1][0], 1, { rtol: 1e-9 }, 'dopri5 backwards');
  assert.ok(rb.t[1] < rb.t[0], 'times decrease');
  assert.equal(rb.t[rb.t.length - 1], 0);
  const r4 = solveOde(decay, new Float64Array([Math.exp(-5)]), 5, 0, { method: 'rk4', steps: 200 });
  // RK4 relative global error for exponential growth ~ T h^4 / 120 = 5 * 0.025^4 / 120 = 1.6e-8; 1e-7 allows 6x.
  expectClose(r4.y[200][0], 1, { rtol: 1e-7 }, 'rk4 backwards');
  // Forward then backward on the rotation returns to the start (error ~ 2 x tolerance).
  const rot = (_t: number, y: Float64Array, d: Float64Array) => {
    d[0] = -y[1];
    d[1] = y[0];
  };
  const f = solveOde(rot, new Float64Array([0.3, -0.7]), 0, 3, { method: 'dopri5', rtol: 1e-10, atol: 1e-12, tEval: [3] });
  const b = solveOde(rot, f.y[0], 3, 0, { method: 'dopri5', rtol: 1e-10, atol: 1e-12, tEval: [0] });
  expectClose(b.y[0][0], 0.3, { atol: 1e-9 }, 'round trip x');
  expectClose(b.y[0][1], -0.7, { atol: 1e-9 }, 'round trip y');
});

test('dopri5 dense output at tEval matches the exact solution, forwards and backwards', () => {
  const tEval = Array.from({ length: 201 }, (_, i) => (3 * i) / 200);
  for (const rtol of [1e-5, 1e-9]) {
    const r = solveOde(cosRhs, new Float64Array([1]), 0, 3, { method: 'dopri5', rtol, atol: 1e-14, tEval });
    assert.deepEqual(r.t, tEval);
    let worst = 0;
    for (let k = 0; k < tEval.length; k++) worst = Math.max(worst, Math.abs(r.y[k][0] - Math.exp(Math.sin(tEval[k]))) / Math.exp(Math.sin(tEval[k])));
    console.log(`dopri5 dense output rtol ${rtol}: worst relative error over 201 points ${worst.toExponential(2)} with ${r.acceptedSteps} steps`);
    // The 4th-order interpolant's error is of the order of the local tolerance: within 20 rtol
    // (a wrong dense-output coefficient would give O(h^2) ~ 1e-3 errors at these step sizes).
    assert.ok(worst <= 20 * rtol, `rtol ${rtol}: worst dense error ${worst}`);
    assert.ok(r.acceptedSteps < 60, 'steps are long, so interior points really use the interpolant');
  }
  const back = [...tEval].reverse();
  const rb = solveOde(cosRhs, new Float64Array([Math.exp(Math.sin(3))]), 3, 0, { method: 'dopri5', rtol: 1e-9, atol: 1e-14, tEval: back });
  for (let k = 0; k < back.length; k++) expectClose(rb.y[k][0], Math.exp(Math.sin(back[k])), { rtol: 2e-8 }, `backwards dense t=${back[k]}`);
});

test('fixed-step methods at tEval between grid points: Hermite interpolation keeps the method accuracy', () => {
  const tEval = [0, 0.013, 0.5, 1.234, 1.9999, 2];
  for (const [method, steps] of [
    ['rk4', 40],
    ['heun', 400],
    ['euler', 4000],
  ] as const) {
    const r = solveOde(cosRhs, new Float64Array([1]), 0, 2, { method, steps, tEval });
    assert.deepEqual(r.t, tEval);
    // Reference scale: the method's own largest error on its grid, plus the cubic Hermite error
    // bound max|y| h^4 / 384 with max|y| = 10.9 on [0, 2] (mpmath) for y = exp(sin t).
    const grid = solveOde(cosRhs, new Float64Array([1]), 0, 2, { method, steps });
    let gridErr = 0;
    for (let k = 0; k < grid.t.length; k++) gridErr = Math.max(gridErr, Math.abs(grid.y[k][0] - Math.exp(Math.sin(grid.t[k]))));
    for (let k = 0; k < tEval.length; k++) {
      expectClose(r.y[k][0], Math.exp(Math.sin(tEval[k])), { atol: 1.1 * gridErr + (10.9 * (2 / steps) ** 4) / 384 }, `${method} at ${tEval[k]}`);
    }
    // At output times on the grid the value is the grid value itself.
    assert.equal(r.y[2][0], grid.y[steps / 4][0]);
  }
});

test('integration stops at the last output time: less work, same values', () => {
  for (const method of ['rk4', 'dopri5'] as const) {
    const full = solveOde(cosRhs, new Float64Array([1]), 0, 2, { method, steps: 40, tEval: [0.5, 2] });
    const part = solveOde(cosRhs, new Float64Array([1]), 0, 2, { method, steps: 40, tEval: [0.5] });
    assert.deepEqual(part.t, [0.5]);
    assert.ok(part.nfe < full.nfe / 2, `${method}: nfe ${part.nfe} vs ${full.nfe}`);
    // Same steps up to 0.5 (fixed grid; dopri5 takes the same step sequence until then).
    assert.equal(part.y[0][0], full.y[0][0]);
  }
  for (const method of ['rk4', 'dopri5'] as const) {
    const none = solveOde(cosRhs, new Float64Array([1]), 0, 2, { method, tEval: [] });
    assert.equal(none.nfe, 0);
    assert.equal(none.y.length, 0);
  }
});

test('large state: stage buffers are reused (no per-step allocation), results match the 1-D solution', () => {
  const n = 100_000;
  const y0 = new Float64Array(n);
  for (let i = 0; i < n; i++) y0[i] = i / n;
  const seen = new Set<Float64Array>();
  const rhs = (t: number, y: Float64Array, d: Float64Array) => {
    seen.add(y);
    seen.add(d);
    const c = Math.cos(t);
    for (let i = 0; i < n; i++) d[i] = c * y[i];
  };
  const r = solveOde(rhs, y0, 0, 2, { method: 'dopri5', rtol: 1e-8, atol: 1e-12, tEval: [2] });
  // dopri5 uses 10 buffers of the state size; the rhs may only ever see those.
  assert.ok(seen.size <= 10, `distinct buffers passed to rhs: ${seen.size}`);
  for (const i of [1, 5000, 99_999]) expectClose(r.y[0][i], y0[i] * Math.exp(Math.sin(2)), { rtol: 1e-7 }, `particle ${i}`);
  assert.ok(r.acceptedSteps > 5);
});

test('t0 == t1 returns y0 (a copy) with no evaluations', () => {
  const y0 = new Float64Array([1, 2]);
  for (const method of ['euler', 'dopri5'] as const) {
    const r = solveOde(cosRhs, y0, 1, 1, { method });
    assert.deepEqual(r.t, [1]);
    assert.deepEqual([...r.y[0]], [1, 2]);
    assert.notEqual(r.y[0], y0);
    assert.equal(r.nfe, 0);
  }
});

test('bad inputs throw InputError with what was expected and received', () => {
  const y = new Float64Array([1]);
  assert.throws(() => solveOde(cosRhs, new Float64Array([1, Number.NaN]), 0, 1, { method: 'rk4' }), /expected finite values in y0, got NaN at index 1/);
  assert.throws(() => solveOde(cosRhs, new Float64Array(0), 0, 1, { method: 'rk4' }), InputError);
  assert.throws(() => solveOde(cosRhs, y, Number.NaN, 1, { method: 'rk4' }), /finite start and end times, got t0 = NaN/);
  assert.throws(() => solveOde(cosRhs, y, 0, Infinity, { method: 'dopri5' }), InputError);
  for (const steps of [0, -3, 2.5, Number.NaN]) {
    assert.throws(() => solveOde(cosRhs, y, 0, 1, { method: 'euler', steps }), /expected steps a positive integer/);
  }
  assert.throws(() => solveOde(cosRhs, y, 0, 1, { method: 'rk45' as OdeMethod }), /unknown method "rk45"; expected one of euler, heun, rk4, dopri5/);
  assert.throws(() => solveOde(cosRhs, y, 0, 1, { method: 'dopri5', rtol: -1 }), /expected rtol >= 0/);
  assert.throws(() => solveOde(cosRhs, y, 0, 1, { method: 'dopri5', h0: 0 }), /expected h0 > 0/);
  assert.throws(() => solveOde(cosRhs, y, 0, 1, { method: 'dopri5', maxSteps: 0 }), /maxSteps a positive integer/);
  assert.throws(() => solveOde(cosRhs, y, 0, 1, { method: 'rk4', tEval: [0.5, 1.5] }), /inside \[0, 1\], got 1.5 at index 1/);
  assert.throws(() => solveOde(cosRhs, y, 0, 1, { method: 'rk4', tEval: [0.5, 0.2] }), /non-decreasing/);
  assert.throws(() => solveOde(cosRhs, y, 1, 0, { method: 'dopri5', tEval: [0.2, 0.5] }), /non-increasing/);
  assert.throws(() => solveOde(cosRhs, y, 0, 1, { method: 'rk4', tEval: [Number.NaN] }), InputError);
});

test('numerical failures throw NumericalError: NaN rhs, blow-up, step underflow, maxSteps on a stiff problem', () => {
  const y = new Float64Array([1]);
  const nanRhs = (t: number, _y: Float64Array, d: Float64Array) => {
    d[0] = t > 0.5 ? Number.NaN : 1;
  };
  assert.throws(() => solveOde(nanRhs, y, 0, 1, { method: 'rk4', steps: 10 }), /solution became NaN at index 0 at t = 0.6/);
  assert.throws(() => solveOde(nanRhs, y, 0, 1, { method: 'dopri5' }), /step size underflow/);
  // y' = y^2 blows up at t = 1.
  assert.throws(() => solveOde((_t, v, d) => (d[0] = v[0] * v[0]), y, 0, 2, { method: 'dopri5' }), NumericalError);
  // Stiff: y' = -1e6 (y - cos t); explicit dopri5 needs ~1e6 * 2.5 / 3.3 steps; cap at 1000.
  const stiff = (t: number, v: Float64Array, d: Float64Array) => (d[0] = -1e6 * (v[0] - Math.cos(t)));
  assert.throws(() => solveOde(stiff, y, 0, 1, { method: 'dopri5', maxSteps: 1000 }), /more than maxSteps = 1000 steps/);
});
