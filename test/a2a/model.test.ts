import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { initParams } from '../../src/nn/models/engine.ts';
import { A2AModel, type A2AModelMeta, modelSizes } from '../../src/a2a/a2aModel.ts';
import { quarterAnnulus } from '../../src/a2a/datasets.ts';
import { trainA2A } from '../../src/a2a/trainA2A.ts';
import type { TrainState } from '../../src/nn/train/checkpointFormat.ts';

/**
 * Weights of a one-hidden-layer SiLU net that computes the linear map z -> A z exactly in real
 * arithmetic: hidden units in pairs (z_i, -z_i), since SiLU(h) - SiLU(-h) = h sigma(h) + h sigma(-h) = h.
 */
function linearNet(A: number[][], inW: number): Float32Array[] {
  const out = A.length;
  const H = 2 * inW;
  const W0 = new Float32Array(inW * H);
  for (let i = 0; i < inW; i++) {
    W0[i * H + 2 * i] = 1;
    W0[i * H + 2 * i + 1] = -1;
  }
  const W1 = new Float32Array(H * out);
  for (let i = 0; i < inW; i++) {
    for (let k = 0; k < out; k++) {
      W1[2 * i * out + k] = A[k][i];
      W1[(2 * i + 1) * out + k] = -A[k][i];
    }
  }
  return [W0, new Float32Array(H), W1, new Float32Array(out)];
}

describe('A2AModel', () => {
  it('transfer of a known linear field: dx/dt = -lambda x + kappa (c2 - c1), closed-form x(1) and path energy', async () => {
    const lambda = 0.7;
    const kappa = [0.5, -1.25];
    // plain input row [x0, x1, c_t, c1, c2]
    const A = [
      [-lambda, 0, 0, -kappa[0], kappa[0]],
      [0, -lambda, 0, -kappa[1], kappa[1]],
    ];
    const meta: A2AModelMeta = { method: 'a2a', variant: 'plain', dx: 2, dc: 1, hidden: [10], beta: null };
    const model = await A2AModel.create(meta, linearNet(A, 5));
    const x0 = Float64Array.of(1, 2, -0.5, 0.3);
    const c1 = Float64Array.of(0.2, 1.0);
    const c2 = Float64Array.of(1.1, 0.4);
    const r = await model.transfer(x0, c1, c2, 2, { steps: 50 });
    const e = Math.exp(-lambda);
    let energy = 0;
    for (let i = 0; i < 2; i++) {
      let ei = 0;
      for (let k = 0; k < 2; k++) {
        const u = kappa[k] * (c2[i] - c1[i]);
        const exact = x0[2 * i + k] * e + (u / lambda) * (1 - e);
        // float32 network (relative rounding ~1e-7 per evaluation) dominates RK4's 1e-9 error: 1e-5 absolute
        assert.ok(Math.abs(r.x[2 * i + k] - exact) < 1e-5, `row ${i} coord ${k}: ${r.x[2 * i + k]} vs ${exact}`);
        ei += (u - lambda * x0[2 * i + k]) ** 2 * ((1 - e * e) / (2 * lambda));
      }
      // v(t) = (u - lambda x0) e^(-lambda t): energy |u - lambda x0|^2 (1 - e^(-2 lambda)) / (2 lambda); same tolerance argument
      assert.ok(Math.abs(r.pathEnergyPerRow[i] - ei) < 1e-5 * (1 + ei), `energy row ${i}: ${r.pathEnergyPerRow[i]} vs ${ei}`);
      energy += ei / 2;
    }
    assert.ok(Math.abs(r.pathEnergy - energy) < 1e-5 * (1 + energy));
    await model.dispose();
  });

  it('antisymmetric variant: v = 0 for c1 = c2 and v(x, t | c1, c2) = -v(x, 1 - t | c2, c1)', async () => {
    const meta: A2AModelMeta = { method: 'a2a', variant: 'antisymmetric', dx: 2, dc: 2, hidden: [16, 16], beta: null };
    const model = await A2AModel.create(meta, initParams(modelSizes(meta), 7));
    const rng = new Rng(1);
    const n = 20;
    const x = Float64Array.from({ length: 2 * n }, () => rng.normal());
    const c1 = Float64Array.from({ length: 2 * n }, () => rng.normal());
    const c2 = Float64Array.from({ length: 2 * n }, () => rng.normal());
    const same = await model.velocity(0.3, x, c1, c1, n);
    // f(row) - f(same row): identical float32 inputs give identical outputs, 1e-6 allows a per-row GEMM kernel change
    for (const v of same) assert.ok(Math.abs(v) < 1e-6, `v(c1, c1) = ${v}`);
    for (const t of [0.5, 0.2]) {
      const a = await model.velocity(t, x, c1, c2, n);
      const b = await model.velocity(1 - t, x, c2, c1, n);
      // c_t(c1 -> c2) = c_(1-t)(c2 -> c1) in real arithmetic; float32 packing of c_t differs by ~1e-7 relative
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] + b[i]) < 1e-5 * (1 + Math.abs(a[i])), `t ${t} i ${i}: ${a[i]} vs ${b[i]}`);
    }
    // the plain variant has no such symmetry (control: the test can fail)
    const pmeta: A2AModelMeta = { ...meta, variant: 'plain' };
    const plain = await A2AModel.create(pmeta, initParams(modelSizes(pmeta), 7));
    const p = await plain.velocity(0.3, x, c1, c1, n);
    assert.ok(p.some((v) => Math.abs(v) > 1e-3));
    await model.dispose();
    await plain.dispose();
  });

  it('trainA2A: tiny run lowers the loss, resume from a checkpoint reproduces the run bit for bit, save/load round trip', async () => {
    const data = quarterAnnulus(2000, new Rng(1));
    const base = { data, hidden: [16], steps: 24, batchSize: 32, lr: 3e-3, seed: 5 } as const;
    let mid: TrainState | undefined;
    const full = await trainA2A({ ...base, hidden: [16], checkpointEvery: 12, onCheckpoint: (s) => { if (s.step === 12) mid = s; } });
    assert.ok(mid);
    const resumed = await trainA2A({ ...base, hidden: [16], resume: mid });
    assert.deepEqual(resumed.model.params(), full.model.params());
    const first = full.losses.slice(0, 4).reduce((a, b) => a + b) / 4;
    const last = full.losses.slice(-4).reduce((a, b) => a + b) / 4;
    assert.ok(last < first, `loss ${first} -> ${last}`);
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'a2a-'));
    try {
      full.model.save(dir);
      const back = await A2AModel.load(dir);
      assert.deepEqual(back.params(), full.model.params());
      assert.equal(back.meta.beta, full.model.meta.beta);
      await back.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await full.model.dispose();
    await resumed.model.dispose();
  });

  it('trainA2A: resume refuses a checkpoint of another configuration, or whose tensors do not fit the model, with an InputError', async () => {
    const base = { data: quarterAnnulus(200, new Rng(2)), hidden: [8], steps: 4, batchSize: 8, lr: 3e-3, seed: 6 } as const;
    let mid: TrainState | undefined;
    await trainA2A({ ...base, hidden: [8], checkpointEvery: 2, onCheckpoint: (s) => { mid ??= s; } });
    assert.ok(mid);
    const state = mid;
    await assert.rejects(trainA2A({ ...base, hidden: [8], lr: 1e-3, resume: state }), (e: Error) => e instanceof InputError && /different configuration/.test(e.message));
    // same configuration key, one tensor short: refused before any step
    const cut = { ...state, params: state.params.slice(0, -1) };
    await assert.rejects(trainA2A({ ...base, hidden: [8], resume: cut }), (e: Error) => e instanceof InputError && /do not match the model sizes/.test(e.message));
  });
});
