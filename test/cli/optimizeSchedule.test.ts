import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { scheduleProcess1d } from '../../src/fields/exact1d.ts';
import { speed1d } from '../../src/grids/exact1dStudy.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { scheduleFileJson } from '../../src/schedules/scheduleFile.ts';
import { buildTimeChange } from '../../src/schedules/timeChange.ts';
import { cliInProcess } from '../support/cliInProcess.ts';
import { expectClose } from '../support/expectClose.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'thermodiff-optsched-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const spawn = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
let counter = 0;
const file = (v: unknown) => {
  const f = join(tmp, `f${counter++}.json`);
  writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
  return f;
};

/** The CLI in-process (same main() as the bin): exit code, stdout and stderr. */
const cli = (...args: string[]) => cliInProcess(args);

/** Exit code 2, exactly one line on stderr matching `re`, no stack trace, nothing on stdout. */
function rejects(r: { status: number | null; stdout: string; stderr: string }, re: RegExp) {
  assert.equal(r.status, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], /^thermodiff: error: /);
  assert.match(lines[0], re);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  assert.equal(r.stdout, '');
}

const fig6 = { data: { kind: 'gaussian-mixture', means: [[-0.6], [0.6]], stds: [0.3, 0.3], weights: [0.5, 0.5] }, schedule: 'cosine', tau: 1, perturbation: { kind: 'normal', mean: [1], std: 1 } };
/** A constant-speed cosine schedule file for the Fig. 6 data, built with the library (32 panels). */
function constantSpeedFile(): string {
  const p = scheduleProcess1d(makeGaussianMixture([[-0.6], [0.6]], [0.3, 0.3], [0.5, 0.5]), namedSchedule('cosine', 1));
  const tc = buildTimeChange((t) => speed1d(p, t), 1, { panels: 32 });
  return file(scheduleFileJson({ name: 'cosine@constant-speed', tau: 1, base: { name: 'cosine' }, timeChange: tc }));
}

describe('optimize-schedule on exact fields', () => {
  let first: Record<string, unknown> & { L: number; c2: number; c2ConstantSpeed: number; c2After: number; grids: { name: string; times: number[]; w2: number; endpointError: number }[] };
  const scheduleOut = join(tmp, 'cs.json');
  const gridOut = join(tmp, 'grid.json');
  before(async () => {
    const r = await cli('optimize-schedule', '--config', file(fig6), '--nfe', '2', '--json', '--schedule-out', scheduleOut, '--out', gridOut, '--max-iterations', '5', '--panels', '32');
    assert.equal(r.status, 0, r.stderr);
    first = JSON.parse(r.stdout);
  });

  it('prints the JSON contract: tau, L, c2, c2ConstantSpeed and the five grids from tau to 0', () => {
    for (const k of ['tau', 'L', 'c2', 'c2ConstantSpeed', 'grids', 'curves', 'diagnostics', 'scheduleFile']) assert.ok(k in first, `missing ${k}`);
    assert.deepEqual(
      first.grids.map((g) => g.name),
      ['uniform', 'edm', 'logsnr', 'equal-length', 'optimised'],
    );
    for (const g of first.grids) {
      assert.equal(g.times.length, 3, g.name); // Euler: nfe + 1 times
      assert.equal(g.times[0], 1);
      assert.equal(g.times[2], 0);
      assert.ok(g.times[1] < 1 && g.times[1] > 0);
    }
    assert.ok(first.c2ConstantSpeed < first.c2);
    // recomputed from the time-changed schedule's own velocity on 201 points (Simpson) and 32 panels
    // (speed error O(h^3) ~ 1e-3 locally, averaging out): 1e-5 relative
    expectClose(first.c2After, first.c2ConstantSpeed, { rtol: 1e-5 }, 'c2 after');
    const best = Math.min(...first.grids.slice(0, 4).map((g) => g.endpointError));
    assert.ok(first.grids[4].endpointError <= best);
    assert.deepEqual(JSON.parse(readFileSync(gridOut, 'utf8')).grids, first.grids);
  });

  it('the exported schedule file runs every command on the constant-speed clock', async () => {
    const r = await cli('optimize-schedule', '--config', file(fig6), '--schedule-file', scheduleOut, '--nfe', '2', '--json', '--max-iterations', '0', '--panels', '32');
    assert.equal(r.status, 0, r.stderr);
    const second = JSON.parse(r.stdout);
    // Same path, new clock: same length; its cost is the first run's L^2/tau (32-panel tables: 1e-5).
    expectClose(second.L, first.L, { rtol: 1e-6 }, 'L');
    expectClose(second.c2, first.c2ConstantSpeed, { rtol: 1e-5 }, 'c2 on the new clock');
    // On the constant-speed clock, equal length is uniform in s: t = 0.5 (the 32-panel table of the
    // file is re-measured on 32 panels of the new clock: 1e-5).
    const eq = second.grids.find((g: { name: string }) => g.name === 'equal-length');
    expectClose(eq.times[1], 0.5, { atol: 1e-5 }, 'equal-length midpoint on the new clock');
    // speed-accuracy: eta (the actual error) does not depend on the clock, c2 drops to L^2/tau.
    const before = await cli('speed-accuracy', '--config', file(fig6), '--json');
    const afterTc = await cli('speed-accuracy', '--config', file(fig6), '--schedule-file', scheduleOut, '--json');
    assert.equal(afterTc.status, 0, afterTc.stderr);
    const a = JSON.parse(before.stdout);
    const b = JSON.parse(afterTc.stdout);
    expectClose(b.eta, a.eta, { rtol: 1e-6 }, 'eta is invariant'); // same flow map; the ends differ by the 1e-14 limit offset
    expectClose(b.c2, first.c2ConstantSpeed, { rtol: 1e-5 }, 'speed-accuracy c2 = L^2/tau');
    assert.ok(b.c1 < a.c1 && b.eta <= b.c1 && b.c1 <= b.c2, `c1 ${a.c1} -> ${b.c1}`);
  });

  it('rejects bad input with exit 2 and one line', async () => {
    const cfg = file(fig6);
    rejects(await cli('optimize-schedule', '--config', cfg, '--nfe', '0'), /--nfe: expected an integer in \[1, 10000\]/);
    rejects(await cli('optimize-schedule', '--config', cfg, '--nfe', '2.5'), /--nfe/);
    rejects(await cli('optimize-schedule', '--config', cfg, '--solver', 'rk9'), /--solver: expected euler or heun/);
    rejects(await cli('optimize-schedule', '--config', cfg, '--nfe-sweep', '2,x'), /--nfe-sweep/);
    rejects(await cli('optimize-schedule'), /exactly one of --config and --model/);
    rejects(await cli('optimize-schedule', '--config', cfg, '--model', tmp), /exactly one of --config and --model/);
    rejects(await cli('optimize-schedule', '--config', join(tmp, 'missing.json')), /no such file/);
    rejects(await cli('optimize-schedule', '--config', file('{"data": {"kind": "gaussian-mixture", "means": [[0]], "stds": [1], "weights": [1]}, "schedule": "cosine", "tau": 1e999}')), /config\.tau: expected a finite number/);
    rejects(await cli('optimize-schedule', '--config', file({ ...fig6, optimize: { nfe: 0 } })), /config\.optimize\.nfe/);
    rejects(await cli('optimize-schedule', '--config', file({ ...fig6, schedule: 'linear' })), /config\.schedule/);
    rejects(await cli('optimize-schedule', '--config', file({ ...fig6, schedule: 'ot', data: { kind: 'gaussian-mixture', means: [[0, 0]], stds: [1], weights: [1] } })), /one-dimensional/);
    const bad = JSON.parse(readFileSync(scheduleOut, 'utf8'));
    bad.timeChange.t[5] = bad.timeChange.t[4]; // not strictly increasing
    rejects(await cli('optimize-schedule', '--config', cfg, '--schedule-file', file(bad)), /strictly increasing/);
    bad.timeChange.t[5] = Number.NaN;
    rejects(await cli('speed-accuracy', '--config', cfg, '--schedule-file', file(JSON.stringify(bad))), /timeChange\.t\[5\]: expected a finite number/);
    rejects(await cli('optimize-schedule', '--config', file({ ...fig6, schedule: 'ot' }), '--nfe', '1', '--schedule-out', join(tmp, 'x.json')), /--schedule-out: the OT protocol/);
    const { schedule: _s, ...noSchedule } = fig6;
    const lin = { ...noSchedule, process: { kind: 'linear', A: [[-1]], temperature: 1 } };
    rejects(await cli('optimize-schedule', '--config', file(lin), '--schedule-out', join(tmp, 'x.json')), /--schedule-out: a linear-force process/);
    rejects(await cli('optimize-schedule', '--config', file({ ...lin, schedule: 'cosine' })), /exactly one of "schedule" and "process"/);
    rejects(await cli('optimize-schedule', '--config', file({ ...lin, process: { kind: 'linear', A: [[-1, 0]], temperature: 1 } })), /config\.process\.A\[0\]: expected 1 entries/);
    rejects(await cli('optimize-schedule', '--config', file({ ...lin, process: { kind: 'linear', A: [[-1]], temperature: -1 } })), /config\.process\.temperature: expected a temperature >= 0/);
    rejects(await cli('optimize-schedule', '--config', file({ ...lin, process: { kind: 'swiss-roll-force' } })), /config\.process\.kind: unknown process kind/);
    // nothing is written on bad input: no grid file, no schedule file, no report folder
    const outs = ['--out', join(tmp, 'no-grid.json'), '--schedule-out', join(tmp, 'no-cs.json'), '--report', join(tmp, 'no-report')];
    rejects(await cli('optimize-schedule', '--config', cfg, '--nfe', '0', ...outs), /--nfe: expected an integer in \[1, 10000\]/);
    rejects(await cli('optimize-schedule', '--config', cfg, '--schedule-file', file(bad), ...outs), /timeChange\.t\[5\]/);
    for (const f of ['no-grid.json', 'no-cs.json', 'no-report']) assert.equal(existsSync(join(tmp, f)), false, `${f} was written`);
  });
});

describe('optimize-schedule, train and sample on a trained model', () => {
  const run = join(tmp, 'run');
  before(() => {
    const cfg = file({
      data: { kind: 'gaussian-mixture', means: [[-0.6], [0.6]], stds: [0.3, 0.3], weights: [0.5, 0.5], n: 1000 },
      schedule: { name: 'cosine', tau: 1 },
      model: { hidden: [16, 16] },
      train: { steps: 60, batchSize: 64, lr: 0.01 },
      seed: 5,
      out: run,
    });
    const r = spawn('train', '--config', cfg, '--schedule-file', constantSpeedFile(), '--quiet');
    assert.equal(r.status, 0, r.stderr);
  });

  it('train --schedule-file stores the schedule in model.json', () => {
    const m = JSON.parse(readFileSync(join(run, 'model', 'model.json'), 'utf8'));
    assert.equal(m.scheduleName, 'cosine@constant-speed');
    assert.equal(m.scheduleFile.format, 'thermodiff-schedule');
  });

  it('optimize-schedule --model writes a grid that sample --grid uses (Heun, odd NFE: last step Euler)', async () => {
    const out = join(tmp, 'model-grid.json');
    const r = await cli('optimize-schedule', '--model', run, '--nfe', '3', '--solver', 'heun', '--starts', '40', '--eval-starts', '40', '--max-iterations', '3', '--panels', '8', '--out', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.protocol, 'cosine@constant-speed');
    const opt = res.grids.find((g: { name: string }) => g.name === 'optimised');
    assert.equal(opt.times.length, 3); // Heun, NFE 3: 2 steps
    assert.ok(opt.endpointError <= Math.min(...res.grids.slice(0, 4).map((g: { endpointError: number }) => g.endpointError)));
    const s = await cli('sample', '--model', run, '--grid', out, '--n', '20', '--out', join(tmp, 's.npy'), '--json');
    assert.equal(s.status, 0, s.stderr);
    const summary = JSON.parse(s.stdout);
    assert.equal(summary.solver, 'heun');
    assert.equal(summary.nfe, 3);
    assert.equal(summary.grid, 'optimised');
    const e = await cli('sample', '--model', run, '--grid', out, '--grid-name', 'uniform', '--solver', 'euler', '--n', '5', '--out', join(tmp, 'u.npy'), '--json');
    assert.equal(JSON.parse(e.stdout).nfe, 2);
  });

  it('sample --grid and train --schedule-file reject bad files with exit 2 and one line', async () => {
    const s = (...a: string[]) => cli('sample', '--model', run, '--n', '5', '--out', join(tmp, 'bad.npy'), ...a);
    rejects(await s('--grid', file({ times: [1, 0.3, 0.6, 0] })), /strictly decreasing/);
    rejects(await s('--grid', file({ times: [1, 0.5, 0.1] })), /from tau = 1 down to 0/);
    rejects(await s('--grid', file({ times: [0.8, 0.5, 0] })), /from tau = 1 down to 0/);
    rejects(await s('--grid', file('[1, "x", 0]')), /finite/);
    rejects(await s('--grid', file({ grids: [{ name: 'uniform', times: [1, 0] }] })), /no grid named "optimised"/);
    rejects(await s('--grid', file([1, 0]), '--steps', '4'), /--steps and --grid/);
    rejects(await s('--grid', file([1, 0]), '--solver', 'dopri5'), /fixed-step solver/);
    rejects(await s('--grid-name', 'uniform'), /--grid-name needs --grid/);
    assert.equal(existsSync(join(tmp, 'bad.npy')), false, 'sample wrote output on bad input');
    const r = spawn('train', '--config', file({ data: { kind: 'moons', n: 100 }, train: { steps: 1 }, out: join(tmp, 'r2') }), '--schedule-file', file({ format: 'thermodiff-schedule', version: 1, tau: 2, base: { name: 'cosine' } }));
    rejects(r, /tau = 2/);
  });
});
