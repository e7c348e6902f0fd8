import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mergeSweep } from '../../src/sweep/mergeSweep.ts';
import { planSweep } from '../../src/sweep/planSweep.ts';
import { runSweep } from '../../src/sweep/runSweep.ts';
import { workPath } from '../../src/sweep/sweepFolder.ts';
import { stableJson } from '../../src/sweep/stableJson.ts';
import { TEST_SETUP } from './fixtures/testCommands.ts';

/** Two tiny trainings (8 Gaussians, 16x16 MLP, 30 steps) with their evaluation on 100 points. */
const TRAIN_SWEEP = {
  command: 'train',
  config: {
    data: { kind: '8gaussians', n: 400 },
    source: 'gaussian',
    schedule: { name: 'cond-ot', tau: 1 },
    model: { hidden: [16, 16] },
    train: { steps: 30, batchSize: 32, lr: 0.003, checkpointEvery: 10, threads: 1 },
    seed: 1,
    out: 'runs/not-used-by-sweeps',
    evaluate: { n: 100, seed: 0 },
  },
  grid: { seed: [1, 2] },
};

function planned(): string {
  const d = mkdtempSync(join(tmpdir(), 'thermodiff-sweep-train-'));
  writeFileSync(join(d, 'sweep.json'), JSON.stringify(TRAIN_SWEEP));
  planSweep(join(d, 'sweep.json'), join(d, 'out'));
  return join(d, 'out');
}

describe('train in a sweep', () => {
  it('trains and evaluates each seed in its own folder; 2 worker threads (onnxruntime in threads) give the bits of an in-process run', async () => {
    const a = planned();
    const b = planned();
    assert.equal((await runSweep(a, { setup: TEST_SETUP, workers: 0 })).done.length, 2);
    const rb = await runSweep(b, { setup: TEST_SETUP, workers: 2, pool: 'threads' });
    assert.deepEqual([rb.done.length, rb.failed.length], [2, 0], JSON.stringify(rb.failed));
    const rows = (dir: string) => mergeSweep(dir).merged.rows;
    assert.equal(stableJson(rows(b).map((r) => r.result)), stableJson(rows(a).map((r) => r.result)));
    const [r1, r2] = rows(a);
    const res = r1.result as { finalLoss: number; steps: number; evaluation: { w2: number; nfe: number }; fmResidual?: unknown; eq100?: unknown };
    assert.equal(res.steps, 30);
    assert.ok(Number.isFinite(res.finalLoss) && res.finalLoss > 0);
    assert.ok(Number.isFinite(res.evaluation.w2) && res.evaluation.nfe > 0);
    // 8 Gaussians with a Gaussian source and cond-OT: the exact-velocity residual and Eq. 100 apply
    assert.ok(res.fmResidual && res.eq100);
    assert.notEqual((r2.result as { finalLoss: number }).finalLoss, res.finalLoss, 'seeds differ');
    // run keys (wall time, model path) are in the run record, the model in the task's folder
    assert.equal(typeof r1.run?.stepsPerSecond, 'number');
    assert.equal(r1.run?.model, join(workPath(a, r1.id), 'model'));
    assert.ok(existsSync(join(workPath(a, r1.id), 'model', 'model.json')));
    assert.ok(existsSync(join(workPath(a, r1.id), 'model', 'evaluation.json')));
  });
});
