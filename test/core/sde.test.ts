import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError, NumericalError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { eulerMaruyama } from '../../src/core/sde.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

function meanVar(x: Float64Array): { mean: number; variance: number } {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return { mean: m, variance: s / (x.length - 1) };
}

test('Ornstein-Uhlenbeck: mean and variance match the closed form within 4 sigma of sampling error', () => {
  // dx = -theta x dt + sigma dB, x(0) = 1.5: mean 1.5 e^{-theta t}, var sigma^2 (1 - e^{-2 theta t}) / (2 theta).
  const theta = 1.3;
  const sigma = 0.8;
  const n = 40_000;
  const steps = 400;
  const T = 1;
  const x0 = new Float64Array(n).fill(1.5);
  const r = eulerMaruyama((_t, x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = -theta * x[i];
  }, () => sigma, x0, 0, T, { steps, rng: new Rng(TEST_SEED), tEval: [0.25, 1] });
  assert.deepEqual(r.t, [0.25, 1]);
  for (const [k, t] of [[0, 0.25], [1, 1]] as const) {
    const { mean, variance } = meanVar(r.x[k]);
    const m = 1.5 * Math.exp(-theta * t);
    const v = (sigma * sigma * (1 - Math.exp(-2 * theta * t))) / (2 * theta);
    // Sampling sd of the mean: sqrt(v/n) (~2.4e-3); of the variance: v sqrt(2/(n-1)) (Gaussian
    // law). Euler-Maruyama bias is O(h) = O(2.5e-3 * theta * value) ~ 1e-3 relative, added to the band.
    const sdMean = Math.sqrt(v / n);
    const sdVar = v * Math.sqrt(2 / (n - 1));
    const bias = 2 * theta * (T / steps);
    expectClose(mean, m, { atol: 4 * sdMean + bias * Math.abs(m) }, `mean at t=${t}`);
    expectClose(variance, v, { atol: 4 * sdVar + bias * v }, `variance at t=${t}`);
  }
});

test('weak order 1: the error of E[x_T^2] for OU halves when the step halves', () => {
  // theta = 2, sigma = 1, x0 = 1, T = 1: E[x^2] = e^{-4} + (1 - e^{-4})/4. Coarse steps make the bias
  // (0.03..0.12) far larger than the sampling sd of the second moment (~1.7e-3 at n = 100000).
  const theta = 2;
  const exact = Math.exp(-4) + (1 - Math.exp(-4)) / 4;
  const n = 100_000;
  const errs: number[] = [];
  for (const steps of [8, 16, 32]) {
    const r = eulerMaruyama((_t, x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = -theta * x[i];
    }, () => 1, new Float64Array(n).fill(1), 0, 1, { steps, rng: new Rng(TEST_SEED + steps), tEval: [1] });
    let m2 = 0;
    for (const v of r.x[0]) m2 += v * v;
    m2 /= n;
    // Exact Euler-Maruyama second moment from the recursion m_{k+1} = (1 - theta h)^2 m_k + h:
    // the simulation must match it within 4 sampling sd (checks the implementation, not only the rate).
    const h = 1 / steps;
    let mk = 1;
    for (let k = 0; k < steps; k++) mk = (1 - theta * h) ** 2 * mk + h;
    // var(x^2) = 2 v^2 + 4 v m^2 with m = E[x] = (1 - theta h)^steps <= 0.1, so m^2 << v: sd ~ sqrt(2/n) E[x^2],
    // with a factor 1.2 for the 4 v m^2 term.
    const sd = Math.sqrt((2 * mk * mk) / n);
    expectClose(m2, mk, { atol: 4 * 1.2 * sd }, `E[x^2] vs EM recursion at ${steps} steps`);
    errs.push(Math.abs(m2 - exact));
  }
  const p1 = Math.log2(errs[0] / errs[1]);
  const p2 = Math.log2(errs[1] / errs[2]);
  console.log(`EM weak errors ${errs.map((e) => e.toExponential(2)).join(', ')}; observed weak orders ${p1.toFixed(2)}, ${p2.toFixed(2)}`);
  // Weak order 1; the O(h^2) term and sampling noise (~5% of the smallest error) allow +-0.25.
  assert.ok(Math.abs(p1 - 1) < 0.25 && Math.abs(p2 - 1) < 0.25, `observed orders ${p1}, ${p2}`);
});

test('determinism: the same seed gives the same path, another seed a different one', () => {
  const run = (seed: number) =>
    eulerMaruyama((t, x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = Math.sin(t) - x[i];
    }, (t) => 0.5 + t, new Float64Array([0, 1, 2]), 0, 1, { steps: 50, rng: new Rng(seed) });
  const a = run(TEST_SEED);
  const b = run(TEST_SEED);
  const c = run(TEST_SEED + 1);
  assert.equal(a.x.length, 51);
  assert.deepEqual(a.x.map((v) => [...v]), b.x.map((v) => [...v]));
  assert.notDeepEqual(a.x[50], c.x[50]);
});

test('onStep sees consistent increments: x - xPrev = f dt + g dB, and sum dB^2 ~ |t1 - t0| (quadratic variation)', () => {
  const n = 2000;
  let calls = 0;
  const qv = new Float64Array(n);
  const g = (t: number) => 1 + t;
  const f = (t: number, x: Float64Array, out: Float64Array) => {
    for (let i = 0; i < x.length; i++) out[i] = -x[i] * t;
  };
  const tmp = new Float64Array(n);
  eulerMaruyama(f, g, new Float64Array(n).fill(0.5), 2, 0, {
    steps: 200,
    rng: new Rng(TEST_SEED),
    onStep: (t, x, dB, xPrev, tPrev) => {
      calls++;
      const dt = t - tPrev;
      expectClose(dt, -0.01, { atol: 1e-15 }, 'dt backwards');
      f(tPrev, xPrev, tmp);
      for (let i = 0; i < n; i += 97) expectClose(x[i] - xPrev[i], tmp[i] * dt + g(tPrev) * dB[i], { atol: 1e-14 }, 'increment');
      for (let i = 0; i < n; i++) qv[i] += dB[i] * dB[i];
    },
  });
  assert.equal(calls, 200);
  // Each entry: sum of 200 squares of N(0, 0.01) = 0.01 chi^2_200: mean 2, sd 0.2. The average over
  // 2000 entries has sd 0.2/sqrt(2000) = 4.5e-3; 4 sd band.
  const { mean } = meanVar(qv);
  expectClose(mean, 2, { atol: 4 * 0.2 / Math.sqrt(n) }, 'quadratic variation');
});

test('tEval between grid points splits the step; with g = 0 the result is the Euler product exactly', () => {
  const r = eulerMaruyama((_t, x, out) => {
    out[0] = -x[0];
  }, () => 0, new Float64Array([1]), 0, 1, { steps: 4, rng: new Rng(1), tEval: [0, 0.1, 0.25, 1] });
  assert.deepEqual(r.t, [0, 0.1, 0.25, 1]);
  // Grid 0, 0.1, 0.25, 0.5, 0.75, 1: x = (1 - 0.1)(1 - 0.15)(1 - 0.25)^3 at the end.
  expectClose(r.x[1][0], 0.9, { atol: 1e-15 }, 'x(0.1)');
  expectClose(r.x[2][0], 0.9 * 0.85, { atol: 1e-15 }, 'x(0.25)');
  expectClose(r.x[3][0], 0.9 * 0.85 * 0.75 ** 3, { atol: 1e-15 }, 'x(1)');
});

test('the simulation stops at the last output time (onStep not called past it)', () => {
  let last = 0;
  const r = eulerMaruyama((_t, _x, out) => out.fill(0), () => 1, new Float64Array(3), 0, 1, {
    steps: 10,
    rng: new Rng(TEST_SEED),
    tEval: [0.35],
    onStep: (t) => {
      last = t;
    },
  });
  assert.deepEqual(r.t, [0.35]);
  expectClose(last, 0.35, { atol: 1e-15 }, 'last step time');
});

test('t0 == t1 returns x0; bad inputs throw InputError; non-finite drift or noise throws NumericalError', () => {
  const rng = new Rng(TEST_SEED);
  const f = (_t: number, x: Float64Array, out: Float64Array) => out.set(x);
  const one = () => 1;
  const r = eulerMaruyama(f, one, new Float64Array([3]), 1, 1, { steps: 5, rng });
  assert.deepEqual(r.t, [1]);
  assert.equal(r.x[0][0], 3);
  assert.throws(() => eulerMaruyama(f, one, new Float64Array([Number.NaN]), 0, 1, { steps: 5, rng }), /finite values in x0, got NaN at index 0/);
  assert.throws(() => eulerMaruyama(f, one, new Float64Array([1]), 0, Number.NaN, { steps: 5, rng }), InputError);
  for (const steps of [0, -1, 1.5]) {
    assert.throws(() => eulerMaruyama(f, one, new Float64Array([1]), 0, 1, { steps, rng }), /expected steps a positive integer/);
  }
  assert.throws(() => eulerMaruyama(f, one, new Float64Array([1]), 0, 1, { steps: 5, rng: undefined as unknown as Rng }), /expected opts.rng to be an Rng/);
  assert.throws(() => eulerMaruyama(f, one, new Float64Array([1]), 0, 1, { steps: 5, rng, tEval: [2] }), /inside \[0, 1\], got 2/);
  assert.throws(() => eulerMaruyama(f, one, new Float64Array([1]), 0, 1, { steps: 5, rng, tEval: [0.5, 0.2] }), /monotone/);
  assert.throws(() => eulerMaruyama(f, () => Number.NaN, new Float64Array([1]), 0, 1, { steps: 5, rng }), NumericalError);
  assert.throws(
    () => eulerMaruyama((_t, _x, out) => out.fill(Infinity), one, new Float64Array([1]), 0, 1, { steps: 5, rng }),
    /state became Infinity at index 0/,
  );
});
