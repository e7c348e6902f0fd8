import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { type CostSpec, costMatrix } from '../../src/ot/costSpec.ts';
import { MAX_OMEGA, relaxedRatio, THETA } from '../../src/ot/overRelaxation.ts';
import { type SinkhornResult, sinkhorn, sinkhornBlocked, sinkhornLogDomain } from '../../src/ot/sinkhorn.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';
import { randomWeights, uniformCloud } from './otFixtures.ts';

const phi = (t: number) => Math.expm1(t) - t;

test('over-relaxation safeguard: an accepted step keeps >= THETA of the plain dual gain; refuses the overshoot', () => {
  for (const omega of [1.1, 1.3, 1.5, 1.7, MAX_OMEGA]) {
    for (let t = -30; t <= 30; t += 0.01) {
      const tp = relaxedRatio(t, omega);
      if (tp === 0) continue;
      assert.equal(tp, (1 - omega) * t);
      // the gain of the accepted step, phi(t) - phi(t'), is >= THETA phi(t) (1e-12 relative: expm1 rounding)
      assert.ok(phi(tp) <= (1 - THETA) * phi(t) * (1 + 1e-12), `omega ${omega}, t ${t}`);
    }
    // near the fixed point phi is quadratic: the ratio (1 - omega)^2 <= 0.81 < 1 - THETA, so accepted
    for (const t of [1e-9, -1e-9, 1e-3, -1e-3, 0.1, -0.1]) assert.equal(relaxedRatio(t, omega), (1 - omega) * t, `omega ${omega}, t ${t}`);
  }
  // a row with 1 / e^5 of its mass: omega = 1.9 would overshoot to e^{4.5} times its mass,
  // phi(4.5) = 84.5 > phi(-5) = 4.0 (the dual objective would drop): refused, plain step instead
  assert.equal(relaxedRatio(-5, 1.9), 0);
  for (const t of [-5, 0.5, 3]) assert.equal(relaxedRatio(t, 1), 0);
});

test('overRelaxation option: values outside [1, 1.9] are refused', () => {
  const x = { data: Float64Array.from([0, 1]), n: 2, dim: 1 };
  for (const w of [0.5, 1.95, 2, Number.NaN]) {
    assert.throws(() => sinkhorn(null, null, { kind: 'sqeuclidean', x, y: x }, { epsilon: 0.1, overRelaxation: w }), InputError);
  }
});

/** Dual objective D(f, g) = <a, f> + <b, g> - eps (sum P - 1), from a result with its plan (total mass 1). */
function dual(r: SinkhornResult): number {
  let mass = 0;
  for (const p of r.plan!) mass += p;
  return r.entropicCost - r.epsilon * (mass - 1);
}

test('safeguarded over-relaxation (omega = 1.9) from a cold start: the dual objective never decreases, and it converges', () => {
  const rng = new Rng(TEST_SEED + 20);
  const n = 40;
  const m = 30;
  const x = uniformCloud(rng, n, 2);
  const y = uniformCloud(rng, m, 2);
  const a = randomWeights(rng, n);
  const b = randomWeights(rng, m);
  const cost: CostSpec = { kind: 'sqeuclidean', x, y };
  const eps = 0.02;
  // the first row half-step from f = g = 0: t_i = LSE_j(log b_j - c_ij / eps) < 0; omega = 1.9 would
  // overshoot on some rows, so the safeguard is exercised here
  const C = costMatrix(cost);
  let refused = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += b[j] * Math.exp(-C[i * m + j] / eps);
    if (relaxedRatio(Math.log(s), 1.9) === 0) refused++;
  }
  assert.ok(refused > 0, 'the safeguard is not exercised by this start');
  for (const solve of [sinkhorn, sinkhornBlocked, sinkhornLogDomain]) {
    let prev = -Infinity;
    for (let k = 1; k <= 40; k++) {
      const r = solve(a, b, cost, { epsilon: eps, tol: 1e-300, maxIter: k, epsilonScaling: false, overRelaxation: 1.9 });
      const d = dual(r);
      // 1e-14: D is O(0.1) here and its evaluation sums n m terms, each rounded to ~1e-16 relative
      assert.ok(d >= prev - 1e-14, `${solve.name}: the dual decreased at iteration ${k}: ${prev} -> ${d}`);
      prev = d;
    }
    const r = solve(a, b, cost, { epsilon: eps, tol: 1e-10, maxIter: 5000, epsilonScaling: false, overRelaxation: 1.9 });
    assert.ok(r.converged && r.marginalError < 2e-10, `${solve.name}: not converged (${r.marginalError})`);
  }
});

test('over-relaxed Sinkhorn (adaptive and omega = 1.9) reaches the fixed point of plain log-domain Sinkhorn, in fewer iterations', () => {
  const rng = new Rng(TEST_SEED + 21);
  const x = uniformCloud(rng, 60, 2);
  const y = uniformCloud(rng, 45, 2);
  const a = randomWeights(rng, 60);
  const b = randomWeights(rng, 45);
  const cost: CostSpec = { kind: 'sqeuclidean', x, y };
  const tol = 1e-12;
  for (const eps of [0.05, 0.01]) {
    const ref = sinkhornLogDomain(a, b, cost, { epsilon: eps, tol, maxIter: 100000, overRelaxation: 1 });
    assert.ok(ref.converged);
    for (const overRelaxation of ['auto', 1.9] as const) {
      for (const solve of [sinkhorn, sinkhornBlocked, sinkhornLogDomain]) {
        const what = `eps ${eps}, ${overRelaxation}, ${solve.name}`;
        const r = solve(a, b, cost, { epsilon: eps, tol, maxIter: 100000, overRelaxation });
        assert.ok(r.converged, what);
        if (overRelaxation === 'auto') assert.ok(r.iterations < ref.iterations, `${what}: ${r.iterations} vs plain ${ref.iterations} iterations`);
        // Both iterates have L1 marginal errors < tol = 1e-12, and near the fixed point their distance to
        // it is at most ~ (marginal error) / (1 - rate), rate = the plain iteration's contraction per
        // iteration (613 iterations to 1e-12 at eps = 0.01: rate 0.956, 1 / (1 - rate) = 23): plans
        // within 2 x 23 x 1e-12 ~ 5e-11 in L1; tolerance 1e-10 (measured <= 3.4e-12). Potentials: the
        // per-coordinate relative marginal error is up to tol / min weight ~ 1e-9, so a crude bound is
        // 1e-9 eps / (1 - rate) ~ 2e-8 eps; asserted 1e-9 eps (measured <= 5.4e-11 eps). Costs: plan
        // distance x max c (< 2): 2e-10.
        let dPlan = 0;
        for (let k = 0; k < r.plan!.length; k++) dPlan += Math.abs(r.plan![k] - ref.plan![k]);
        assert.ok(dPlan <= 1e-10, `${what}: plans differ by ${dPlan} (L1)`);
        const c = r.potentials.f[0] - ref.potentials.f[0]; // potentials are unique up to (f + c, g - c)
        for (let i = 0; i < 60; i++) expectClose(r.potentials.f[i] - c, ref.potentials.f[i], { atol: 1e-9 * eps }, `${what}: f[${i}]`);
        for (let j = 0; j < 45; j++) expectClose(r.potentials.g[j] + c, ref.potentials.g[j], { atol: 1e-9 * eps }, `${what}: g[${j}]`);
        expectClose(r.cost, ref.cost, { atol: 2e-10 }, `${what}: cost`);
      }
    }
  }
});

test('over-relaxed Sinkhorn is deterministic: the same bits on repeated calls (all three paths)', () => {
  const rng = new Rng(TEST_SEED + 22);
  const x = uniformCloud(rng, 50, 2);
  const y = uniformCloud(rng, 50, 2);
  for (const solve of [sinkhorn, sinkhornBlocked, sinkhornLogDomain]) {
    const o = { epsilon: 0.01, tol: 1e-9 };
    const p = solve(null, null, { kind: 'sqeuclidean', x, y }, o);
    const q = solve(null, null, { kind: 'sqeuclidean', x, y }, o);
    assert.equal(p.iterations, q.iterations);
    assert.ok(Object.is(p.cost, q.cost) && Object.is(p.entropicCost, q.entropicCost));
    assert.deepEqual(new Uint8Array(p.potentials.f.buffer), new Uint8Array(q.potentials.f.buffer));
    assert.deepEqual(new Uint8Array(p.potentials.g.buffer), new Uint8Array(q.potentials.g.buffer));
    assert.deepEqual(new Uint8Array(p.plan!.buffer), new Uint8Array(q.plan!.buffer));
  }
});
