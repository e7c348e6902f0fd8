/**
 * Training re-runs (issue 14): a finished run is extended by raising train.steps; any other change
 * while a checkpoint exists is refused with one line naming what changed and --fresh. Also: sample
 * streams its output in batches, and the batches continue the same random streams.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sampleBatchRows } from '../../src/cli/commands/sample.ts';
import { readNpy } from '../../src/io/npy.ts';
import { cliInProcess } from '../support/cliInProcess.ts';

const tmp = mkdtempSync(join(tmpdir(), 'thermodiff-rerun-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (...args: string[]) => cliInProcess(args);

const config = (out: string, train: Record<string, unknown>) => {
  const f = join(tmp, `${out}-${JSON.stringify(train).replace(/\W/g, '')}.json`);
  // constant learning rate: a run extended from step 4 to 6 must equal an uninterrupted 6-step run
  writeFileSync(f, JSON.stringify({ data: { kind: 'moons', n: 300 }, model: { hidden: [8, 8] }, train: { batchSize: 16, checkpointEvery: 2, lrSchedule: 'constant', ...train }, seed: 4, out: join(tmp, out) }));
  return f;
};
const weights = (run: string) => readFileSync(join(tmp, run, 'model', 'weights.bin'));
const losses = (run: string) => JSON.parse(readFileSync(join(tmp, run, 'losses.json'), 'utf8')).losses as number[];

describe('train re-runs', () => {
  it('extends a finished run when only train.steps is raised, to the same weights as an uninterrupted run', async () => {
    assert.equal((await cli('train', '--config', config('ext', { steps: 4 }), '--quiet')).status, 0);
    const first = losses('ext');
    const r = await cli('train', '--config', config('ext', { steps: 6 }), '--quiet');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /trained 6 steps \(extended from the finished run at step 4\)/);
    assert.equal((await cli('train', '--config', config('whole', { steps: 6 }), '--quiet')).status, 0);
    // exact: every step draws from stepRng(seed, step) and the checkpoint holds the Adam state
    assert.deepEqual(weights('ext'), weights('whole'));
    assert.deepEqual(losses('ext'), losses('whole'));
    assert.deepEqual(losses('ext').slice(0, 4), first);
  });

  it('refuses any other change with one line naming it and --fresh, and leaves the run alone', async () => {
    const ck = statSync(join(tmp, 'ext', 'checkpoint.bin')).mtimeMs;
    const r = await cli('train', '--config', config('ext', { steps: 6, lr: 0.002, batchSize: 32 }), '--quiet');
    assert.equal(r.status, 2);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /the config changed since .*checkpoint\.bin was written \(train\.batchSize 16 -> 32, train\.lr 0\.001 -> 0\.002\); use --fresh to start over/);
    assert.ok(lines[0].length < 300, `${lines[0].length} characters`);
    const fewer = await cli('train', '--config', config('ext', { steps: 3 }), '--quiet');
    assert.equal(fewer.status, 2);
    assert.match(fewer.stderr, /train\.steps = 3, but .* already at step 6; raise train\.steps to extend the run, or use --fresh/);
    assert.equal(statSync(join(tmp, 'ext', 'checkpoint.bin')).mtimeMs, ck);
    const fresh = await cli('train', '--config', config('ext', { steps: 2, lr: 0.002 }), '--quiet', '--fresh');
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.equal(losses('ext').length, 2);
  });
});

describe('sample in batches', () => {
  it('streams n > one batch to the .npy; the first batch equals a one-batch run (same random streams)', async () => {
    const batch = sampleBatchRows(2, [8, 8]);
    assert.equal(batch, 65536); // a small model: the largest batch
    const one = join(tmp, 'one.npy');
    const two = join(tmp, 'two.npy');
    const args = ['--model', join(tmp, 'whole'), '--solver', 'euler', '--steps', '2', '--seed', '9', '--json'];
    const a = await cli('sample', ...args, '--n', String(batch), '--out', one);
    assert.equal(a.status, 0, a.stderr);
    const b = await cli('sample', ...args, '--n', String(batch + 100), '--out', two);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(JSON.parse(b.stdout).batches, 2);
    const x = readNpy(new Uint8Array(readFileSync(one)));
    const y = readNpy(new Uint8Array(readFileSync(two)));
    assert.deepEqual(y.shape, [batch + 100, 2]);
    assert.deepEqual(y.data.subarray(0, 2 * batch), x.data); // exact: same draws, same float32 arithmetic per row
    assert.ok(y.data.every(Number.isFinite));
  });
});

describe('interrupted sample', () => {
  it('SIGINT removes the temporary files and the folders the run created, exit 130', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const dir = join(tmp, 'sig', 'new');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'sample', '--model', join(tmp, 'whole'), '--n', '1e7', '--solver', 'euler', '--steps', '4', '--out', join(dir, 'x.npy'), '--png', join(dir, 'x.png')],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b) => {
      stderr += String(b);
    });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // wait until the streamed .npy exists as a temporary file, then interrupt
    let seen = false;
    let done = false;
    exited.then(() => {
      done = true;
    });
    while (!seen && !done) {
      await new Promise((r) => setTimeout(r, 20));
      seen = existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('.x.npy.tmp-'));
    }
    assert.ok(seen, `the run ended before writing its temporary file: ${stderr}`);
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /SIGINT: stopped, nothing written/);
    assert.equal(existsSync(join(tmp, 'sig')), false, 'folders created by the run are removed');
  });
});
