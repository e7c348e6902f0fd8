import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { twoMoons } from '../../../src/data/twoMoons.ts';
import { eightGaussians } from '../../../src/data/eightGaussians.ts';
import { makePoints } from '../../../src/core/points.ts';
import type { TrainState } from '../../../src/nn/train/checkpointFormat.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/nn/train/checkpointFormat.ts';
import { readCheckpointFile } from '../../../src/nn/train/checkpointFiles.ts';
import { trainFlowModel } from '../../../src/nn/train/trainFlowModel.ts';
import { namedSchedule } from '../../../src/schedules/namedSchedule.ts';
import { TEST_SEED } from '../../support/expectClose.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'thermodiff-nn-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const data = twoMoons(500, new Rng(TEST_SEED));
const base = {
  data,
  schedule: namedSchedule('cond-ot'),
  coupling: 'exact-ot' as const,
  hidden: [8, 8],
  steps: 40,
  batchSize: 16,
  lr: 0.01,
  seed: TEST_SEED,
  ema: 0.9,
};

test('training lowers the flow-matching loss (tiny model, independent coupling)', async () => {
  const { losses } = await trainFlowModel({ ...base, coupling: 'independent', steps: 300, hidden: [16, 16] });
  const head = losses.slice(0, 20).reduce((a, b) => a + b) / 20;
  const tail = losses.slice(-20).reduce((a, b) => a + b) / 20;
  // the conditional loss has a floor (the variance of nu^c given x_t); 300 Adam steps at lr 0.01
  // remove at least a quarter of the initial excess for this 2-D problem
  assert.ok(tail < 0.75 * head, `loss did not decrease: first 20 mean ${head}, last 20 mean ${tail}`);
});

test('in-process resume from a mid-run state gives bitwise-identical weights, EMA and losses', async () => {
  const states: TrainState[] = [];
  const full = await trainFlowModel({ ...base, checkpointEvery: 15, onCheckpoint: (s) => void states.push(s) });
  assert.equal(states[0].step, 15);
  // round-trip through the binary format, as a real resume does
  const resumed = await trainFlowModel({ ...base, resume: decodeCheckpoint(encodeCheckpoint(states[0])) });
  assert.deepEqual(resumed.losses, full.losses);
  const a = full.model.params();
  const b = resumed.model.params();
  for (let i = 0; i < a.length; i++) assert.deepEqual(Buffer.from(b[i].buffer), Buffer.from(a[i].buffer), `tensor ${i} differs`);
});

test('sinkhorn coupling with a point-set source (8 Gaussians -> moons) trains and records the source', async () => {
  const src = eightGaussians(500, new Rng(TEST_SEED + 1));
  const { model, losses } = await trainFlowModel({ ...base, coupling: 'sinkhorn', source: src, sourceLabel: '8gaussians', steps: 20 });
  assert.equal(losses.length, 20);
  assert.ok(losses.every(Number.isFinite));
  assert.equal(model.meta.source, '8gaussians');
  await assert.rejects(trainFlowModel({ ...base, source: makePoints(new Float64Array(3), 1, 3) }), /source has dimension 3, data has 2/);
});

test('resume refuses a checkpoint from another configuration', async () => {
  const states: TrainState[] = [];
  await trainFlowModel({ ...base, steps: 10, checkpointEvery: 5, onCheckpoint: (s) => void states.push(s) });
  await assert.rejects(trainFlowModel({ ...base, steps: 10, lr: 0.02, resume: states[0] }), (e: Error) => {
    return e instanceof InputError && /different configuration/.test(e.message);
  });
});

test('corrupt, truncated, foreign and missing checkpoints give clear InputErrors', async () => {
  const states: TrainState[] = [];
  await trainFlowModel({ ...base, steps: 5, checkpointEvery: 5, onCheckpoint: (s) => void states.push(s) });
  const bytes = encodeCheckpoint(states[0]);
  const flipped = bytes.slice();
  flipped[bytes.length - 3] ^= 0x40;
  assert.throws(() => decodeCheckpoint(flipped, 'ck'), /ck: not a valid thermodiff checkpoint \(checksum mismatch: corrupt\)/);
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 10), 'ck'), /truncated/);
  assert.throws(() => decodeCheckpoint(new TextEncoder().encode('{"hello": 1}'), 'ck'), /wrong magic/);
  assert.throws(() => readCheckpointFile(join(tmp, 'nope.bin')), (e: Error) => e instanceof InputError && /no such file/.test(e.message));
});

function writeConfig(name: string, out: string, steps: number): string {
  const path = join(tmp, `${name}.json`);
  const cfg = {
    data: { kind: 'moons', n: 1000 },
    schedule: 'cond-ot',
    coupling: 'independent',
    model: { hidden: [16, 16] },
    train: { steps, batchSize: 32, lr: 0.003, ema: 0.99, checkpointEvery: 50 },
    seed: 11,
    out,
  };
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });

test('CLI: a run killed with SIGKILL resumes from its checkpoint to the same weights as an uninterrupted run', async () => {
  const steps = 2500;
  const outA = join(tmp, 'runA');
  const outB = join(tmp, 'runB');
  const ra = cli(['train', '--config', writeConfig('a', outA, steps), '--quiet']);
  assert.equal(ra.status, 0, ra.stderr);

  const cfgB = writeConfig('b', outB, steps);
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'train', '--config', cfgB, '--quiet'], {
    cwd: root,
    stdio: 'ignore',
  });
  const ck = join(outB, 'checkpoint.bin');
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (existsSync(ck)) {
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve();
      }
    }, 5);
    child.on('exit', () => {
      clearInterval(timer);
      reject(new Error('child finished before it could be killed; raise the step count'));
    });
  });
  await new Promise((r) => child.on('exit', r));
  assert.equal(existsSync(join(outB, 'model', 'weights.bin')), false, 'the killed run must not have finished');
  const killedAt = readCheckpointFile(ck).step;
  assert.ok(killedAt > 0 && killedAt < steps, `killed at step ${killedAt}`);

  const rb = cli(['train', '--config', cfgB, '--quiet']);
  assert.equal(rb.status, 0, rb.stderr);
  assert.match(rb.stdout, /resumed at step \d+/);
  assert.deepEqual(readFileSync(join(outB, 'model', 'weights.bin')), readFileSync(join(outA, 'model', 'weights.bin')));
  assert.deepEqual(readFileSync(join(outB, 'losses.json')), readFileSync(join(outA, 'losses.json')));
});

test('CLI: a corrupt checkpoint stops the run with exit code 2 and a one-line reason', () => {
  const out = join(tmp, 'runC');
  const cfg = writeConfig('c', out, 50);
  assert.equal(cli(['train', '--config', cfg, '--quiet']).status, 0);
  const ck = join(out, 'checkpoint.bin');
  const bytes = readFileSync(ck);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(ck, bytes);
  const r = cli(['train', '--config', cfg, '--quiet']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /checkpoint\.bin: not a valid thermodiff checkpoint \(checksum mismatch: corrupt\)/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('CLI: invalid configs name the offending field', () => {
  const path = join(tmp, 'bad.json');
  writeFileSync(path, JSON.stringify({ data: { kind: 'moons' }, coupling: 'greedy', out: join(tmp, 'x') }));
  const r = cli(['train', '--config', path, '--quiet']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /coupling: expected one of independent, exact-ot, sinkhorn, got "greedy"/);
  writeFileSync(path, JSON.stringify({ data: { kind: 'moons' }, train: { steps: -3 }, out: join(tmp, 'x') }));
  assert.match(cli(['train', '--config', path, '--quiet']).stderr, /train\.steps/);
  // an OT coupling needs a dense B x B cost: a huge batch is refused up front, not an allocation failure
  writeFileSync(path, JSON.stringify({ data: { kind: 'moons' }, coupling: 'exact-ot', train: { batchSize: 100000 }, out: join(tmp, 'x') }));
  const big = cli(['train', '--config', path, '--quiet']);
  assert.equal(big.status, 2);
  assert.match(big.stderr, /train\.batchSize: expected an integer in \[1, 4096\], got 100000/);
});
