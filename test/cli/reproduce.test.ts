import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runReproduce } from '../../src/cli/commands/reproduce.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { createProgress, type Progress } from '../../src/cli/progress.ts';
import type { Experiment } from '../../src/experiments/experiment.ts';

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'td-repro-'));

function recorder(): Progress & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    start: (task) => lines.push(`start ${task}`),
    update: (d, t, l) => lines.push(`update ${d}/${t} ${l}`),
    finish: (m) => lines.push(`finish ${m}`),
    note: (m) => lines.push(`note ${m}`),
  };
}

const fakeOk: Experiment = {
  name: 'fake-ok',
  title: 'A fake experiment',
  runsByDefault: true,
  async run(ctx) {
    ctx.onProgress(1, 1, 'done');
    ctx.writeFile('fake.png', new Uint8Array([1, 2, 3]));
    return { results: { answer: 42, seed: ctx.seed, quick: ctx.quick }, reportSection: '## Fake\n\nall good' };
  },
};
const fakeUnavailable: Experiment = {
  name: 'fake-missing',
  title: 'Needs a dataset',
  runsByDefault: true,
  unavailableReason: () => 'dataset not installed (apt-get install dataset-fake)',
  async run() {
    throw new Error('must not run');
  },
};
const fakeBroken: Experiment = {
  name: 'fake-broken',
  title: 'Throws',
  runsByDefault: false,
  async run() {
    throw new Error('boom');
  },
};
const fakes = [fakeOk, fakeUnavailable, fakeBroken];

describe('runReproduce', () => {
  it('skips an unavailable experiment with its reason and still runs the others', async () => {
    const out = tmp();
    const progress = recorder();
    const s = await runReproduce({ names: [], out, quick: true, seed: 7, experiments: fakes, progress });
    assert.deepEqual(s.ran.map((r) => r.name), ['fake-ok']);
    assert.deepEqual(s.skipped, [{ name: 'fake-missing', reason: 'dataset not installed (apt-get install dataset-fake)' }]);
    assert.ok(progress.lines.includes('note skipped fake-missing: dataset not installed (apt-get install dataset-fake)'));
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.deepEqual(Object.keys(results), ['fake-ok'], 'fake-broken does not run by default');
    assert.deepEqual(results['fake-ok'], { answer: 42, seed: 7, quick: true });
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /Skipped: dataset not installed/);
    assert.match(report, /## Fake/);
    assert.match(report, /seed: 7/);
    assert.match(report, /machine: .*cores/);
    assert.ok(existsSync(join(out, 'fake.png')));
  });

  it('records a failing experiment and goes on', async () => {
    const out = tmp();
    const s = await runReproduce({ names: ['fake-broken', 'fake-ok'], out, quick: true, seed: 1, experiments: fakes, progress: recorder() });
    assert.deepEqual(s.failed, [{ name: 'fake-broken', error: 'boom' }]);
    assert.deepEqual(s.ran.map((r) => r.name), ['fake-ok']);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /Failed: boom/);
  });

  it('"all" runs every experiment, including those not run by default', async () => {
    const out = tmp();
    const s = await runReproduce({ names: ['all'], out, quick: true, seed: 1, experiments: [fakeOk, fakeBroken], progress: recorder() });
    assert.deepEqual(s.ran.map((r) => r.name), ['fake-ok']);
    assert.deepEqual(s.failed.map((r) => r.name), ['fake-broken']);
  });

  it('does not let an experiment write outside the output folder', async () => {
    const out = tmp();
    const escaping: Experiment = {
      name: 'escaping',
      title: 'Writes ../x',
      runsByDefault: true,
      async run(ctx) {
        ctx.writeFile('../escaped.txt', 'x');
        return { results: {}, reportSection: '## never' };
      },
    };
    const s = await runReproduce({ names: [], out, quick: true, seed: 1, experiments: [escaping], progress: recorder() });
    assert.equal(s.failed.length, 1);
    assert.match(s.failed[0].error, /outside the output folder/);
    assert.ok(!existsSync(join(out, '..', 'escaped.txt')));
  });

  it('rejects unknown names and an --out that is a file with UsageError', async () => {
    const out = tmp();
    await assert.rejects(runReproduce({ names: ['nope'], out, quick: true, seed: 1, experiments: fakes, progress: recorder() }), (e: unknown) => e instanceof UsageError && /fake-ok/.test((e as Error).message));
    const file = join(out, 'a-file');
    writeFileSync(file, 'x');
    await assert.rejects(runReproduce({ names: [], out: file, quick: true, seed: 1, experiments: fakes, progress: recorder() }), UsageError);
  });
});

describe('createProgress without a TTY', () => {
  it('writes terse lines and no control codes', () => {
    const chunks: string[] = [];
    const stream = { isTTY: false, write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream;
    const p = createProgress(stream);
    p.start('task', 8);
    for (let i = 1; i <= 8; i++) p.update(i, 8, `step ${i}`);
    p.finish('done');
    const text = chunks.join('');
    assert.ok(!text.includes(String.fromCharCode(27)), 'no escape codes');
    assert.deepEqual(text.trim().split('\n'), ['[task] started', '[task] 25% step 2', '[task] 50% step 4', '[task] 75% step 6', '[task] done']);
  });
});

describe('thermodiff reproduce (CLI)', () => {
  it('--quick writes results.json, report.md with Table I and the figures; stdout has only the summary', () => {
    const out = tmp();
    const r = cli('reproduce', '--quick', '--out', out, '--seed', '3');
    assert.equal(r.status, 0, r.stderr);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.ok('1d' in results);
    assert.deepEqual(Object.keys(results['1d'].runs).sort(), ['mean', 'mixture', 'uniform', 'variance']);
    assert.deepEqual(Object.keys(results['1d'].runs.mean).sort(), ['cond-ot', 'cosine', 'ot']);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /Table I/);
    assert.match(report, /thermodiff version: \d+\.\d+\.\d+/);
    for (const f of ['fig6a_densities.png', 'fig6b_mean.png', 'fig6c_variance.png', 'fig6d_mixture.png', 'fig6e_uniform.png']) {
      assert.ok(existsSync(join(out, f)), f);
    }
    assert.equal(r.stdout.trim().split('\n').length, 1, `stdout: ${r.stdout}`);
    assert.match(r.stdout, /wrote .*report\.md/);
    assert.match(r.stderr, /\[1d\] started/);
  });

  it('exits 2 with one line for a bad --out (a file, or below a file), an unknown experiment and a bad seed', () => {
    const dir = tmp();
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    for (const args of [
      ['reproduce', '--out', file],
      ['reproduce', '--out', join(file, 'sub')],
      ['reproduce', 'no-such-experiment', '--out', dir],
      ['reproduce', '--seed', '-1', '--out', dir],
      ['reproduce', '--seed', 'abc', '--out', dir],
      ['reproduce', 'swiss-roll', '--jobs', '0', '--out', dir],
      ['reproduce', 'swiss-roll', '--jobs', '1.5', '--out', dir],
    ]) {
      const r = cli(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    }
  });
});

describe('reproduce --jobs', () => {
  it('the Swiss roll on 2 worker threads writes the same results.json as in one thread (timings aside)', async () => {
    const { experiments } = await import('../../src/experiments/registry.ts');
    const swiss = experiments.filter((e) => e.name === 'swiss-roll');
    const runOnce = async (jobs: number) => {
      const out = tmp();
      const s = await runReproduce({ names: ['swiss-roll'], out, quick: true, seed: 2, experiments: swiss, progress: recorder(), jobs });
      assert.deepEqual(s.failed, []);
      // wall-clock fields are the only ones allowed to differ
      return JSON.stringify(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')), (k, v) => (k === 'seconds' || k === 'computeSeconds' ? undefined : v));
    };
    const serial = await runOnce(1);
    const parallel = await runOnce(2);
    // exact equality: every run is a deterministic function of its task (seed = seed + run index + 1)
    assert.equal(parallel, serial);
    assert.ok(serial.includes('"eta"'), 'the results hold the runs');
  });
});
