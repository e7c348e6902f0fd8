import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runTrainConfig } from '../../src/cli/commands/train.ts';
import { parseTrainConfig } from '../../src/config/trainConfig.ts';
import { runOptimizeScheduleConfig } from '../../src/config/optimizeScheduleConfig.ts';
import { InputError } from '../../src/core/errors.ts';
import { mergeSweep } from '../../src/sweep/mergeSweep.ts';
import { planSweep } from '../../src/sweep/planSweep.ts';
import { runSweep } from '../../src/sweep/runSweep.ts';
import { stableJson } from '../../src/sweep/stableJson.ts';
import { TEST_SETUP } from './fixtures/testCommands.ts';

const tmp = mkdtempSync(join(tmpdir(), 'thermodiff-sweep-optsched-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Fig. 6 data under the cosine schedule, with cheap optimiser settings. */
const FIG6 = {
  data: { kind: 'gaussian-mixture', means: [[-0.6], [0.6]], stds: [0.3, 0.3], weights: [0.5, 0.5] },
  schedule: 'cosine',
  tau: 1,
  optimize: { nfe: 2, maxIterations: 3, panels: 16 },
};

function planned(name: string, sweep: unknown): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'sweep.json'), JSON.stringify(sweep));
  planSweep(join(d, 'sweep.json'), join(d, 'out'));
  return join(d, 'out');
}

describe('optimize-schedule in a sweep', () => {
  it('runs a data config over NFE and solver: the result is the command\'s, with byGrid quantities', async () => {
    const dir = planned('data', { command: 'optimize-schedule', config: FIG6, grid: { 'optimize.solver': ['euler', 'heun'], 'optimize.nfe': [2, 3] } });
    const r = await runSweep(dir, { setup: TEST_SETUP, workers: 0 });
    assert.deepEqual([r.done.length, r.failed.length], [4, 0], JSON.stringify(r.failed));
    const { merged } = mergeSweep(dir);
    const row = merged.rows.find((x) => stableJson(x.params) === stableJson({ 'optimize.solver': 'heun', 'optimize.nfe': 3 }));
    assert.ok(row);
    // the same numbers as the library entry the CLI uses (deterministic: exact quadrature, no draws)
    const direct = await runOptimizeScheduleConfig({ ...FIG6, optimize: { ...FIG6.optimize, solver: 'heun', nfe: 3 } });
    const res = row.result as Record<string, unknown> & { byGrid: Record<string, { endpointError: number; w2: number }> };
    const { seconds: _s, ...want } = direct;
    const { byGrid, ...got } = res;
    assert.equal(stableJson(got), stableJson(JSON.parse(JSON.stringify(want))));
    assert.equal(typeof row.run?.seconds, 'number');
    for (const g of direct.grids) assert.deepEqual(byGrid[g.name], { endpointError: g.endpointError, w2: g.w2 });
    // the default quantities are summarised (over the NFE axis)
    const q = mergeSweep(dir, { over: ['optimize.nfe'] }).merged.summary[0].quantities;
    for (const k of ['L', 'c2', 'c2ConstantSpeed', 'byGrid.optimised.endpointError', 'byGrid.optimised.w2', 'byGrid.equal-length.endpointError']) assert.ok(k in q, `missing ${k}`);
  });

  it('plans the shipped sweep configs/sweeps/fig6-grids.json (8 cells, every config validated)', () => {
    const out = join(tmp, 'shipped');
    const p = planSweep(fileURLToPath(new URL('../../configs/sweeps/fig6-grids.json', import.meta.url)), out);
    assert.equal(p.plan.tasks.length, 8);
  });

  it('rejects a bad cell at plan time, naming the key', () => {
    assert.throws(
      () => planned('bad', { command: 'optimize-schedule', config: FIG6, grid: { 'optimize.nfe': [2, 0] } }),
      (e: unknown) => e instanceof InputError && /cell 2 of 2/.test(e.message) && /config\.optimize\.nfe/.test(e.message),
    );
    assert.throws(() => planned('bad-model', { command: 'optimize-schedule', config: { model: 'no-such-run' }, grid: { 'optimize.seed': [0] } }), /config\.model: no model\.json/);
  });

  it('runs a trained model (path relative to the sweep file) over seeds of the starts', async () => {
    const run = join(tmp, 'model-sweep', 'run');
    const cfg = parseTrainConfig(
      {
        data: { kind: '8gaussians', n: 200 },
        schedule: { name: 'cosine', tau: 1 },
        model: { hidden: [8, 8] },
        train: { steps: 20, batchSize: 32, lr: 0.01, threads: 1 },
        seed: 2,
        out: run,
      },
      'config',
    );
    await runTrainConfig(cfg, tmp, { quiet: true });
    const optimize = { nfe: 2, optStarts: 30, evalStarts: 30, maxIterations: 2, panels: 8 };
    const dir = planned('model-sweep', { command: 'optimize-schedule', config: { model: 'run', optimize }, grid: { 'optimize.seed': [0, 1] } });
    const r = await runSweep(dir, { setup: TEST_SETUP, workers: 0 });
    assert.deepEqual([r.done.length, r.failed.length], [2, 0], JSON.stringify(r.failed));
    const rows = mergeSweep(dir).merged.rows.map((x) => x.result as { field: string; w2DataNoise: number; byGrid: Record<string, { endpointError: number; w2: number }> });
    for (const x of rows) {
      assert.match(x.field, /run/);
      assert.ok(Number.isFinite(x.w2DataNoise) && x.w2DataNoise > 0);
      const { optimised, ...standard } = x.byGrid;
      // the optimised grid is never worse than the standard grids on the evaluation draw
      assert.ok(optimised.endpointError <= Math.min(...Object.values(standard).map((g) => g.endpointError)), JSON.stringify(x.byGrid));
    }
    assert.notEqual(rows[0].byGrid.uniform.endpointError, rows[1].byGrid.uniform.endpointError, 'seeds draw different starts');
  });
});
