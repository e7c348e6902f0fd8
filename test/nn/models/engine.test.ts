import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/core/rng.ts';
import { createMlpEngine, mlpSizes } from '../../../src/nn/models/engine.ts';
import { expectClose, TEST_SEED } from '../../support/expectClose.ts';
import { refForward, refGrad, refLoss } from './referenceMlp.ts';

const dim = 2;
const hidden = [7, 5];
const B = 6;
const sizes = mlpSizes(dim, hidden);

function batch(seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(B * dim).map(() => rng.normal());
  const t = new Float32Array(B).map(() => rng.uniform());
  const y = new Float32Array(B * dim).map(() => rng.normal());
  const xin = new Float64Array(B * (dim + 1));
  for (let i = 0; i < B; i++) {
    for (let k = 0; k < dim; k++) xin[i * (dim + 1) + k] = x[i * dim + k];
    xin[i * (dim + 1) + dim] = t[i];
  }
  return { x, t, y, xin, y64: Float64Array.from(y) };
}

test('reference MLP: analytic gradient matches float64 central differences (h = 1e-6)', async () => {
  const e = await createMlpEngine({ dim, hidden, batchSize: B, seed: TEST_SEED });
  const params = e.getParams().map((p) => Float64Array.from(p));
  const { xin, y64 } = batch(1);
  const g = refGrad(sizes, params, xin, y64, B);
  const h = 1e-6;
  for (let pi = 0; pi < params.length; pi++) {
    for (let j = 0; j < params[pi].length; j++) {
      const old = params[pi][j];
      params[pi][j] = old + h;
      const lp = refLoss(sizes, params, xin, y64, B);
      params[pi][j] = old - h;
      const lm = refLoss(sizes, params, xin, y64, B);
      params[pi][j] = old;
      // central difference: truncation O(h^2 f''') ~ 1e-12, rounding ~ eps*|L|/h ~ 1e-10
      expectClose(g[pi][j], (lp - lm) / (2 * h), { atol: 1e-8 }, `ref grad param ${pi}[${j}]`);
    }
  }
  await e.dispose();
});

test('ONNX train step: loss and gradient (float32) match the float64 reference', async () => {
  const e = await createMlpEngine({ dim, hidden, batchSize: B, seed: TEST_SEED });
  const params = e.getParams().map((p) => Float64Array.from(p));
  const { x, t, y, xin, y64 } = batch(2);
  const loss = refLoss(sizes, params, xin, y64, B);
  const g = refGrad(sizes, params, xin, y64, B);
  const gnorm = Math.sqrt(g.reduce((s, a) => s + a.reduce((u, v) => u + v * v, 0), 0));
  const r = await e.trainStep(x, t, y, { lr: 1e-3, maxNorm: Infinity });
  // float32 forward of a 3-layer net with O(1) values: relative rounding ~ 1e-7 * depth * fan-in
  expectClose(r.loss, loss, { rtol: 1e-5 }, 'loss');
  expectClose(r.gradNorm, gnorm, { rtol: 1e-5 }, 'gradient norm');
  // After step 1, Adam's first moment is (1 - beta1) g exactly (no clipping): recover g from it.
  const m = e.getAdamState().m;
  const gmax = Math.max(...g.map((a) => Math.max(...a.map(Math.abs))));
  for (let pi = 0; pi < g.length; pi++) {
    for (let j = 0; j < g[pi].length; j++) {
      // float32 accumulation over B*hidden terms: absolute error ~ 1e-6 of the largest gradient
      expectClose(m[pi][j] / 0.1, g[pi][j], { atol: 2e-6 * gmax, rtol: 1e-4 }, `grad ${pi}[${j}]`);
    }
  }
  await e.dispose();
});

test('ONNX train step: gradient also matches central differences of the float64 loss directly', async () => {
  const e = await createMlpEngine({ dim, hidden, batchSize: B, seed: TEST_SEED + 1 });
  const params = e.getParams().map((p) => Float64Array.from(p));
  const { x, t, y, xin, y64 } = batch(3);
  await e.trainStep(x, t, y, { lr: 1e-3, maxNorm: Infinity });
  const m = e.getAdamState().m;
  const h = 1e-6;
  let maxErr = 0;
  let maxG = 0;
  for (let pi = 0; pi < params.length; pi++) {
    for (let j = 0; j < params[pi].length; j++) {
      const old = params[pi][j];
      params[pi][j] = old + h;
      const lp = refLoss(sizes, params, xin, y64, B);
      params[pi][j] = old - h;
      const lm = refLoss(sizes, params, xin, y64, B);
      params[pi][j] = old;
      const fd = (lp - lm) / (2 * h);
      maxErr = Math.max(maxErr, Math.abs(m[pi][j] / 0.1 - fd));
      maxG = Math.max(maxG, Math.abs(fd));
    }
  }
  // float32 gradients (relative rounding ~1e-6) vs a float64 difference quotient (error ~1e-9)
  assert.ok(maxErr <= 2e-6 * maxG, `max |ONNX grad - central difference| = ${maxErr}, max |grad| = ${maxG}`);
  await e.dispose();
});

test('ONNX Adam with clipping: three steps match a float64 Adam on the reference gradients', async () => {
  const e = await createMlpEngine({ dim, hidden, batchSize: B, seed: TEST_SEED + 2 });
  const p64 = e.getParams().map((p) => Float64Array.from(p));
  const m64 = p64.map((p) => new Float64Array(p.length));
  const v64 = p64.map((p) => new Float64Array(p.length));
  const lr = 0.01;
  const maxNorm = 0.05; // small enough that clipping is active
  for (let k = 1; k <= 3; k++) {
    const { x, t, y, xin, y64 } = batch(10 + k);
    const g = refGrad(sizes, p64, xin, y64, B);
    const norm = Math.sqrt(g.reduce((s, a) => s + a.reduce((u, v) => u + v * v, 0), 0));
    const scale = Math.min(1, maxNorm / (norm + 1e-6));
    assert.ok(scale < 1, 'clipping should be active in this test');
    const r = await e.trainStep(x, t, y, { lr, maxNorm });
    // gradient norm is computed from float32 gradients of float32 parameters
    expectClose(r.gradNorm, norm, { rtol: 1e-4 }, `grad norm step ${k}`);
    for (let i = 0; i < p64.length; i++) {
      for (let j = 0; j < p64[i].length; j++) {
        const gi = g[i][j] * scale;
        m64[i][j] = 0.9 * m64[i][j] + 0.1 * gi;
        v64[i][j] = 0.999 * v64[i][j] + 0.001 * gi * gi;
        const denom = Math.sqrt(v64[i][j]) / Math.sqrt(1 - 0.999 ** k) + 1e-8;
        p64[i][j] -= ((lr / (1 - 0.9 ** k)) * m64[i][j]) / denom;
      }
    }
  }
  const p32 = e.getParams();
  for (let i = 0; i < p64.length; i++) {
    for (let j = 0; j < p64[i].length; j++) {
      // each step moves a parameter by <= lr*~1; m/sqrt(v) amplifies float32 gradient rounding
      // (~1e-5 relative when |g| is tiny), so 3 steps agree to ~3*lr*1e-3
      expectClose(p32[i][j], p64[i][j], { atol: 3e-5 }, `param ${i}[${j}] after 3 steps`);
    }
  }
  await e.dispose();
});

test('predict matches the float64 reference forward pass, any n', async () => {
  const e = await createMlpEngine({ dim, hidden, batchSize: B, seed: TEST_SEED });
  const params = e.getParams().map((p) => Float64Array.from(p));
  const n = 11;
  const rng = new Rng(5);
  const x = new Float32Array(n * dim).map(() => rng.normal());
  const t = new Float32Array(n).map(() => rng.uniform());
  const xin = new Float64Array(n * (dim + 1));
  for (let i = 0; i < n; i++) {
    xin[i * 3] = x[i * 2];
    xin[i * 3 + 1] = x[i * 2 + 1];
    xin[i * 3 + 2] = t[i];
  }
  const ref = refForward(sizes, params, xin, n).out;
  const out = await e.predict(x, t, n);
  assert.equal(out.length, n * dim);
  // float32 forward, O(1) values, fan-in <= 7
  for (let i = 0; i < out.length; i++) expectClose(out[i], ref[i], { atol: 1e-6 }, `output ${i}`);
  await e.dispose();
});

test('createMlpEngine rejects bad sizes', async () => {
  await assert.rejects(createMlpEngine({ dim: 0, hidden: [4], batchSize: 2, seed: 1 }), /dim/);
  await assert.rejects(createMlpEngine({ dim: 2, hidden: [4, -1], batchSize: 2, seed: 1 }), /hidden\[1\]/);
  await assert.rejects(createMlpEngine({ dim: 2, hidden: [4], batchSize: 0, seed: 1 }), /batch/);
});
