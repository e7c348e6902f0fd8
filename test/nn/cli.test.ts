import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../src/io/npy.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'thermodiff-nncli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
const run = join(tmp, 'run');

before(() => {
  const cfg = join(tmp, 'cfg.json');
  // 8 Gaussians data with a Gaussian source: evaluate can also compute the FM residual and Eq. 100
  writeFileSync(
    cfg,
    JSON.stringify({
      data: { kind: '8gaussians', n: 2000 },
      coupling: 'exact-ot',
      model: { hidden: [32, 32] },
      train: { steps: 200, batchSize: 64, lr: 0.005, ema: 0.99, checkpointEvery: 100 },
      seed: 3,
      out: run,
    }),
  );
  const r = cli(['train', '--config', cfg, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
});

test('train writes the run folder: model, checkpoint, losses and a loss-curve PNG', () => {
  for (const f of ['config.json', 'checkpoint.bin', 'losses.json', 'loss.png', 'model/model.json', 'model/weights.bin']) {
    assert.ok(existsSync(join(run, f)), `missing ${f}`);
  }
  const png = readFileSync(join(run, 'loss.png'));
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  assert.equal(JSON.parse(readFileSync(join(run, 'losses.json'), 'utf8')).losses.length, 200);
});

test('sample writes an [n, dim] float32 .npy (ODE and SDE; every solver is tested in integrateFlow.test) and reports NFE', () => {
  for (const [solver, nfe] of [
    ['rk4', 40],
    ['sde', 10 + 4 * 10], // 10 Euler-Maruyama steps after 10 RK4 steps of the ODE part
  ] as const) {
    const out = join(tmp, `${solver}.npy`);
    const r = cli(['sample', '--model', run, '--n', '50', '--solver', solver, '--steps', '10', '--out', out, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).nfe, nfe, solver);
    const a = readNpy(new Uint8Array(readFileSync(out)));
    assert.deepEqual(a.shape, [50, 2]);
    assert.equal(a.dtype, 'float32');
    assert.ok(a.data.every(Number.isFinite));
  }
  const png = join(tmp, 'samples.png');
  const withPng = cli(['sample', '--model', run, '--n', '30', '--steps', '4', '--solver', 'euler', '--out', join(tmp, 'p.npy'), '--png', png, '--json']);
  assert.equal(withPng.status, 0, withPng.stderr);
  assert.equal(JSON.parse(withPng.stdout).png, png);
  // PNG signature: the file is a complete image, written atomically
  assert.deepEqual([...readFileSync(png).subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const bad = cli(['sample', '--model', run, '--n', '5', '--solver', 'leapfrog', '--out', join(tmp, 'x.npy')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--solver: expected euler, heun, rk4, dopri5 or sde/);
  const missing = cli(['sample', '--model', join(tmp, 'none'), '--n', '5', '--out', join(tmp, 'x.npy')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /not a saved thermodiff model/);
});

test('evaluate prints W2 vs data noise, path energy, NFE, FM residual and both sides of Eq. 100', () => {
  const r = cli(['evaluate', '--model', run, '--n', '200', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  assert.ok(e.evaluation.w2 > 0 && e.evaluation.w2DataNoise > 0);
  assert.ok(e.evaluation.nfe >= 7);
  assert.ok(e.fmResidual.residual > 0);
  assert.ok(Number.isFinite(e.eq100.lhs) && Number.isFinite(e.eq100.rhs));
  // Eq. 100 is a theorem: it must hold for any velocity field, trained or not
  assert.equal(e.eq100.holds, true, `lhs ${e.eq100.lhs} rhs ${e.eq100.rhs}`);
  assert.ok(existsSync(join(run, 'model', 'evaluation.json')));
});

test('bench train-mlp --json prints one JSON object with stepsPerSecond (value not asserted: tests never time)', () => {
  const r = cli(['bench', 'train-mlp', '--json', '--steps', '3']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(typeof j.stepsPerSecond, 'number');
  assert.ok(Number.isFinite(j.finalLoss));
  assert.equal(cli(['bench', 'train-mlp', '--threads', '0']).status, 2);
});
