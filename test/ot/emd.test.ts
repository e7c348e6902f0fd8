import assert from 'node:assert/strict';
import { test } from 'node:test';
import { munkres } from 'munkres';
import { InputError } from '../../src/core/errors.ts';
import type { Points } from '../../src/core/points.ts';
import { Rng } from '../../src/core/rng.ts';
import { solveAssignment } from '../../src/ot/assignment.ts';
import { certifyPlan } from '../../src/ot/certificate.ts';
import { type CostSpec, costMatrix } from '../../src/ot/costSpec.ts';
import { emd } from '../../src/ot/emd.ts';
import { wasserstein1dPow } from '../../src/ot/wasserstein1d.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';
import { fixtureNames, loadFixture, potValues, randomWeights, uniformCloud } from './otFixtures.ts';

function marginals(r: ReturnType<typeof emd>, n: number, m: number) {
  const rows = new Float64Array(n);
  const cols = new Float64Array(m);
  for (let k = 0; k < r.plan.mass.length; k++) {
    rows[r.plan.rows[k]] += r.plan.mass[k];
    cols[r.plan.cols[k]] += r.plan.mass[k];
  }
  return { rows, cols };
}

function assertMarginals(r: ReturnType<typeof emd>, a: Float64Array | null, b: Float64Array | null, n: number, m: number) {
  const { rows, cols } = marginals(r, n, m);
  // 1e-12: the plan is built by exact additions/subtractions of the weights (a few roundings)
  for (let i = 0; i < n; i++) expectClose(rows[i], a ? a[i] : 1 / n, { atol: 1e-12 }, `row marginal ${i}`);
  for (let j = 0; j < m; j++) expectClose(cols[j], b ? b[j] : 1 / m, { atol: 1e-12 }, `column marginal ${j}`);
  assert.ok(r.plan.mass.length <= n + m - 1, `plan has ${r.plan.mass.length} entries > n + m - 1`);
}

for (const name of fixtureNames) {
  for (const kind of ['sqeuclidean', 'euclidean'] as const) {
    test(`exact cost equals POT emd2 on fixture ${name} (${kind}), both solvers`, () => {
      const { x, y, a, b } = loadFixture(name);
      const ref = potValues[name][kind].emd2;
      for (const method of ['auto', 'network-simplex'] as const) {
        const r = emd(a, b, { kind, x, y }, { method });
        assert.ok(r.converged && r.certificate.optimal, `${method}: not certified`);
        // 1e-9 relative (acceptance criterion); both are exact LP optima, differing only by rounding
        expectClose(r.cost, ref, { rtol: 1e-9 }, `${method} cost`);
        assertMarginals(r, a, b, x.n, y.n);
      }
    });
  }
}

test('assignment and network simplex agree with munkres on random small matrices (incl. negative, tied, integer costs)', () => {
  const rng = new Rng(TEST_SEED);
  for (let trial = 0; trial < 60; trial++) {
    const n = 1 + rng.int(25);
    const kindOfCost = trial % 3;
    const matrix = new Float64Array(n * n);
    for (let t = 0; t < matrix.length; t++) {
      matrix[t] = kindOfCost === 0 ? rng.uniform() : kindOfCost === 1 ? rng.int(4) : 10 * rng.normal();
    }
    const rows = Array.from({ length: n }, (_, i) => Array.from(matrix.subarray(i * n, (i + 1) * n)));
    const pairs = munkres(rows);
    const best = pairs.reduce((s, [i, j]) => s + rows[i][j], 0) / n;
    for (const method of ['assignment', 'network-simplex'] as const) {
      const r = emd(null, null, { kind: 'matrix', matrix, n, m: n }, { method });
      assert.ok(r.converged && r.certificate.optimal, `trial ${trial} ${method}: not certified`);
      // 1e-12 absolute on costs of size <= ~40: both are exact optima, only summation order differs
      expectClose(r.cost, best, { atol: 1e-12 }, `trial ${trial} (n=${n}) ${method}`);
    }
  }
});

test('assignment on 2-D clouds agrees with munkres (n = 120) and with the network simplex (n = 400)', () => {
  const rng = new Rng(TEST_SEED + 1);
  for (const n of [120, 400]) {
    const x = uniformCloud(rng, n, 2);
    const y = uniformCloud(rng, n, 2);
    const cost: CostSpec = { kind: 'sqeuclidean', x, y };
    const a = emd(null, null, cost, { method: 'assignment' });
    const s = emd(null, null, cost, { method: 'network-simplex' });
    assert.ok(a.certificate.optimal && s.certificate.optimal);
    // 1e-12 relative: two exact algorithms, rounding only
    expectClose(a.cost, s.cost, { rtol: 1e-12 }, `n=${n}`);
    if (n === 120) {
      const C = costMatrix(cost);
      const rows = Array.from({ length: n }, (_, i) => Array.from(C.subarray(i * n, (i + 1) * n)));
      const best = munkres(rows).reduce((acc, [i, j]) => acc + rows[i][j], 0) / n;
      expectClose(a.cost, best, { rtol: 1e-12 }, 'vs munkres');
    }
    assertMarginals(a, null, null, n, n);
  }
});

test('weighted problems equal the assignment on replicated points (integer weights)', () => {
  // weights k_i / N: splitting point i into k_i unit copies gives an N x N assignment with the same optimum
  const rng = new Rng(TEST_SEED + 2);
  for (let trial = 0; trial < 8; trial++) {
    const n = 3 + rng.int(12);
    const m = 3 + rng.int(12);
    const ka = Array.from({ length: n }, () => 1 + rng.int(4));
    const N = ka.reduce((s, k) => s + k, 0);
    // distribute N over m columns, each >= 1
    const kb = new Array(m).fill(1);
    for (let t = m; t < N; t++) kb[rng.int(m)]++;
    if (kb.reduce((s, k) => s + k, 0) !== N) continue; // only when m <= N
    const x = uniformCloud(rng, n, 2);
    const y = uniformCloud(rng, m, 2);
    const a = Float64Array.from(ka, (k) => k / N);
    const b = Float64Array.from(kb, (k) => k / N);
    const r = emd(a, b, { kind: 'euclidean', x, y });
    assert.equal(r.algorithm, 'network-simplex');
    assert.ok(r.certificate.optimal);
    assertMarginals(r, a, b, n, m);
    const rep = (p: Points, k: number[]) => {
      const data: number[] = [];
      k.forEach((c, i) => {
        for (let t = 0; t < c; t++) data.push(p.data[2 * i], p.data[2 * i + 1]);
      });
      return { data: Float64Array.from(data), n: data.length / 2, dim: 2 };
    };
    const big = emd(null, null, { kind: 'euclidean', x: rep(x, ka), y: rep(y, kb) }, { method: 'assignment' });
    // 1e-12 relative: same LP optimum, rounding only
    expectClose(r.cost, big.cost, { rtol: 1e-12 }, `trial ${trial}`);
  }
});

test('1-D: exact OT equals the sorted-samples closed form (weighted, n != m)', () => {
  const rng = new Rng(TEST_SEED + 3);
  for (let trial = 0; trial < 6; trial++) {
    const n = 5 + rng.int(60);
    const m = 5 + rng.int(60);
    const x = uniformCloud(rng, n, 1);
    const y = { data: Float64Array.from({ length: m }, () => 0.3 + 2 * rng.normal()), n: m, dim: 1 };
    const a = trial % 2 ? randomWeights(rng, n) : null;
    const b = trial % 2 ? randomWeights(rng, m) : null;
    for (const [kind, p] of [['sqeuclidean', 2], ['euclidean', 1]] as const) {
      const closed = wasserstein1dPow(x.data, y.data, p, a ?? undefined, b ?? undefined);
      // auto = the certified sorted coupling; the network simplex is the independent check
      for (const method of ['auto', 'network-simplex'] as const) {
        const r = emd(a, b, { kind, x, y }, { method });
        assert.ok(r.certificate.optimal);
        if (method === 'auto') assert.equal(r.algorithm, 'sorted-1d');
        // 1e-12 relative: all exact; only summation order differs
        expectClose(r.cost, closed, { rtol: 1e-12, atol: 1e-15 }, `trial ${trial} ${kind} ${method}`);
      }
    }
  }
});

test('W2^2 of an affine image by a symmetric positive-definite map equals the mean squared displacement', () => {
  // y_i = T x_i + c with T SPD is the gradient of a convex function, hence an optimal map for the
  // empirical pair (cyclical monotonicity): W2^2 = (1/n) sum |x_i - y_i|^2 exactly, in any dimension.
  const rng = new Rng(TEST_SEED + 4);
  for (const [n, d] of [[200, 2], [150, 3], [100, 5]] as const) {
    const x = uniformCloud(rng, n, d);
    // T = B B^T + 0.2 I
    const B = Array.from({ length: d * d }, () => rng.normal());
    const T = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      let s = i === j ? 0.2 : 0;
      for (let k = 0; k < d; k++) s += B[i * d + k] * B[j * d + k];
      T[i * d + j] = s;
    }
    const shift = Array.from({ length: d }, () => rng.normal());
    const ydata = new Float64Array(n * d);
    let expected = 0;
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < d; r++) {
        let s = shift[r];
        for (let k = 0; k < d; k++) s += T[r * d + k] * x.data[i * d + k];
        ydata[i * d + r] = s;
        expected += (s - x.data[i * d + r]) ** 2 / n;
      }
    }
    // shuffle the targets so the identity pairing is not the index order
    const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const yshuf = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let r = 0; r < d; r++) yshuf[perm[i] * d + r] = ydata[i * d + r];
    const res = emd(null, null, { kind: 'sqeuclidean', x, y: { data: yshuf, n, dim: d } });
    // 1e-11 relative: exact optimum, rounding of sums of n d squares only
    expectClose(res.cost, expected, { rtol: 1e-11 }, `n=${n}, d=${d}`);
  }
});

test('translation: W2^2(x + t, y) = W2^2(x, y) + |t|^2 + 2 t.(mean x - mean y); W1 invariant under a common shift', () => {
  const rng = new Rng(TEST_SEED + 5);
  const n = 150;
  const x = uniformCloud(rng, n, 2);
  const y = uniformCloud(rng, n, 2);
  const t = [0.7, -1.3];
  const shifted = (p: Points) => ({ ...p, data: p.data.map((v, k) => v + t[k % 2]) });
  const base = emd(null, null, { kind: 'sqeuclidean', x, y }).cost;
  const moved = emd(null, null, { kind: 'sqeuclidean', x: shifted(x), y }).cost;
  let cross = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < 2; k++) cross += (2 * t[k] * (x.data[2 * i + k] - y.data[2 * i + k])) / n;
  // 1e-11 relative: the identity is exact for any plan with these marginals
  expectClose(moved, base + t[0] ** 2 + t[1] ** 2 + cross, { rtol: 1e-11 }, 'shifted x');
  const w1 = emd(null, null, { kind: 'euclidean', x, y }).cost;
  const w1s = emd(null, null, { kind: 'euclidean', x: shifted(x), y: shifted(y) }).cost;
  expectClose(w1s, w1, { rtol: 1e-11 }, 'common shift'); // rounding of the shifted coordinates only
});

test('certificate soundness: perturbed potentials or plans are reported non-optimal', () => {
  const rng = new Rng(TEST_SEED + 6);
  const n = 40;
  const x = uniformCloud(rng, n, 2);
  const y = uniformCloud(rng, n, 2);
  const cost: CostSpec = { kind: 'sqeuclidean', x, y };
  const r = emd(null, null, cost);
  const a = new Float64Array(n).fill(1 / n);
  assert.ok(certifyPlan(a, a, cost, r.plan, r.potentials).optimal);
  // raising one potential breaks dual feasibility somewhere (or slackness), by 1e-3 >> tolerance
  const u = r.potentials.u.slice();
  u[3] += 1e-3;
  const c1 = certifyPlan(a, a, cost, r.plan, { u, v: r.potentials.v });
  assert.ok(!c1.optimal && c1.maxDualViolation >= 1e-3 * (1 - 1e-9));
  // lowering one potential keeps duals feasible but breaks complementary slackness
  const u2 = r.potentials.u.slice();
  u2[3] -= 1e-3;
  const c2 = certifyPlan(a, a, cost, r.plan, { u: u2, v: r.potentials.v });
  assert.ok(!c2.optimal && c2.maxSlackViolation >= 1e-3 * (1 - 1e-9));
  // swapping two assignments gives a feasible but sub-optimal plan: slackness fails
  const cols = r.plan.cols.slice();
  [cols[0], cols[1]] = [cols[1], cols[0]];
  const c3 = certifyPlan(a, a, cost, { ...r.plan, cols }, r.potentials);
  assert.ok(!c3.optimal && c3.maxSlackViolation > c3.tolerance);
  // moving mass breaks the marginals
  const mass = r.plan.mass.slice();
  mass[0] *= 1.01;
  const c4 = certifyPlan(a, a, cost, { ...r.plan, mass }, r.potentials);
  assert.ok(!c4.optimal && c4.marginalError > 1e-5);
  // NaN potentials never certify
  const u5 = r.potentials.u.slice();
  u5[0] = Number.NaN;
  assert.equal(certifyPlan(a, a, cost, r.plan, { u: u5, v: r.potentials.v }).optimal, false);
});

test('an iteration cap is reported, never a silent sub-optimal answer', () => {
  const rng = new Rng(TEST_SEED + 7);
  const x = uniformCloud(rng, 60, 2);
  const y = uniformCloud(rng, 70, 2);
  const r = emd(null, null, { kind: 'sqeuclidean', x, y }, { maxIter: 5 });
  assert.equal(r.converged, false);
  assert.equal(r.certificate.optimal, false);
});

test('zero weights: points with no mass drop out; duals stay feasible', () => {
  const rng = new Rng(TEST_SEED + 8);
  const n = 30;
  const m = 25;
  const x = uniformCloud(rng, n, 2);
  const y = uniformCloud(rng, m, 2);
  const a = randomWeights(rng, n);
  const b = randomWeights(rng, m);
  a[4] = 0;
  a[7] = 0;
  b[0] = 0;
  const sa = a.reduce((s, v) => s + v, 0);
  a.set(a.map((v) => v / sa));
  const sb = b.reduce((s, v) => s + v, 0);
  b.set(b.map((v) => v / sb));
  const r = emd(a, b, { kind: 'sqeuclidean', x, y });
  assert.ok(r.converged && r.certificate.optimal, JSON.stringify(r.certificate));
  assertMarginals(r, a, b, n, m);
  // the same problem without the zero-weight points
  const keepX = [...Array(n).keys()].filter((i) => a[i] > 0);
  const keepY = [...Array(m).keys()].filter((j) => b[j] > 0);
  const sub = (p: Points, keep: number[]) => ({ data: Float64Array.from(keep.flatMap((i) => [p.data[2 * i], p.data[2 * i + 1]])), n: keep.length, dim: 2 });
  const r2 = emd(Float64Array.from(keepX, (i) => a[i]), Float64Array.from(keepY, (j) => b[j]), { kind: 'sqeuclidean', x: sub(x, keepX), y: sub(y, keepY) });
  expectClose(r.cost, r2.cost, { rtol: 1e-12 }, 'with vs without zero-weight points'); // same LP
});

test('degenerate sizes: one source point, one target point', () => {
  const x = { data: Float64Array.from([0, 0]), n: 1, dim: 2 };
  const y = { data: Float64Array.from([1, 0, 0, 2, 3, 4]), n: 3, dim: 2 };
  const r = emd(null, null, { kind: 'sqeuclidean', x, y });
  expectClose(r.cost, (1 + 4 + 25) / 3, { rtol: 1e-15 }, '1 x 3'); // exact arithmetic on small integers
  const r2 = emd(null, null, { kind: 'euclidean', x: y, y: x });
  expectClose(r2.cost, (1 + 2 + 5) / 3, { rtol: 1e-15 }, '3 x 1');
  assert.ok(r.certificate.optimal && r2.certificate.optimal);
});

test('bad input throws InputError: NaN, negative weights, unequal totals, mismatched dimensions, wrong lengths', () => {
  const x = { data: Float64Array.from([0, 0, 1, 1]), n: 2, dim: 2 };
  const y = { data: Float64Array.from([0, 1, 1, 0]), n: 2, dim: 2 };
  const bad = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof InputError && re.test(e.message));
  bad(() => emd(null, null, { kind: 'sqeuclidean', x: { ...x, data: Float64Array.from([0, Number.NaN, 1, 1]) }, y }), /finite/);
  bad(() => emd(Float64Array.from([1.5, -0.5]), null, { kind: 'sqeuclidean', x, y }), /non-negative/);
  bad(() => emd(Float64Array.from([0.5, 0.6]), null, { kind: 'sqeuclidean', x, y }), /equal totals/);
  bad(() => emd(Float64Array.from([1]), null, { kind: 'sqeuclidean', x, y }), /expected 2 weights/);
  bad(() => emd(null, null, { kind: 'sqeuclidean', x, y: { data: new Float64Array(3), n: 1, dim: 3 } }), /dimensions differ/);
  bad(() => emd(null, null, { kind: 'matrix', matrix: new Float64Array(3), n: 2, m: 2 }), /expected 2x2/);
  bad(() => emd(Float64Array.from([0, 0]), Float64Array.from([0, 0]), { kind: 'sqeuclidean', x, y }), /positive sum/);
});

test('work budget: the assignment solver stops honestly and emd switches to the network simplex', () => {
  const rng = new Rng(TEST_SEED + 9);
  const n = 200;
  const x = uniformCloud(rng, n, 2);
  // a target of different shape and spread (noise vs data on a curve), where candidate lists are poor
  const y = { data: new Float64Array(2 * n), n, dim: 2 };
  for (let i = 0; i < n; i++) {
    const t = Math.PI * rng.uniform();
    y.data[2 * i] = 0.2 * Math.cos(t);
    y.data[2 * i + 1] = 0.2 * Math.sin(t);
  }
  const cost: CostSpec = { kind: 'sqeuclidean', x, y };
  const cut = solveAssignment(cost, { maxScanned: 10 });
  assert.equal(cut.budgetExceeded, true);
  assert.equal(cut.converged, false);
  assert.deepEqual(Array.from(cut.rowToCol).sort((p, q) => p - q), [...Array(n).keys()], 'still a permutation');
  const switched = emd(null, null, cost, { assignmentBudget: 0.05 });
  assert.equal(switched.algorithm, 'network-simplex');
  const full = emd(null, null, cost, { method: 'assignment' });
  assert.ok(switched.certificate.optimal && full.certificate.optimal);
  expectClose(switched.cost, full.cost, { rtol: 1e-12 }, 'both exact'); // rounding only
});

test('dense square matrices: emd runs the dense assignment, certified and equal to the sparse solver and the network simplex', () => {
  const rng = new Rng(TEST_SEED + 11);
  for (const n of [300, 1200]) {
    for (const kind of ['geometric', 'random', 'ties'] as const) {
      const matrix = new Float64Array(n * n);
      if (kind === 'geometric') {
        // Gaussian noise vs points on a spiral: the shape mismatch that makes sparse candidate lists poor
        const x = new Float64Array(2 * n).map(() => rng.normal());
        const y = new Float64Array(2 * n);
        for (let j = 0; j < n; j++) {
          const t = 1.5 * Math.PI * (1 + 2 * rng.uniform());
          y[2 * j] = (t * Math.cos(t)) / 10;
          y[2 * j + 1] = (t * Math.sin(t)) / 10;
        }
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) matrix[i * n + j] = (x[2 * i] - y[2 * j]) ** 2 + (x[2 * i + 1] - y[2 * j + 1]) ** 2;
      } else {
        for (let t = 0; t < matrix.length; t++) matrix[t] = kind === 'random' ? rng.uniform() : rng.int(4);
      }
      const spec: CostSpec = { kind: 'matrix', matrix, n, m: n };
      const r = emd(null, null, spec);
      assert.equal(r.algorithm, 'dense-assignment', `${kind} n=${n}`);
      assert.ok(r.converged && r.certificate.optimal, `${kind} n=${n}: not certified`);
      assertMarginals(r, null, null, n, n);
      // independent dual feasibility check over all pairs (the certificate does this too); 1e-12:
      // the duals come from sums of a few hundred costs of size <= ~20, rounding only
      let worst = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, r.potentials.u[i] + r.potentials.v[j] - matrix[i * n + j]);
      assert.ok(worst <= 1e-12, `${kind} n=${n}: dual violation ${worst}`);
      const sparse = solveAssignment(spec);
      assert.ok(sparse.converged);
      // 1e-12 relative: two exact optima of the same LP, different summation orders
      expectClose(r.cost, sparse.total / n, { rtol: 1e-12, atol: 1e-15 }, `${kind} n=${n} vs sparse assignment`);
      if (n === 300) expectClose(r.cost, emd(null, null, spec, { method: 'network-simplex' }).cost, { rtol: 1e-12, atol: 1e-15 }, `${kind} vs network simplex`);
    }
  }
  // above the dense limit (2048) the sparse candidate solver runs, with the same certificate
  const n = 2100;
  const matrix = new Float64Array(n * n).map(() => rng.uniform());
  const big = emd(null, null, { kind: 'matrix', matrix, n, m: n });
  assert.equal(big.algorithm, 'assignment');
  assert.ok(big.certificate.optimal);
});
