import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mergeSweep } from '../../src/sweep/mergeSweep.ts';
import { planSweep } from '../../src/sweep/planSweep.ts';
import { runSweep } from '../../src/sweep/runSweep.ts';
import { failurePath, resultPath } from '../../src/sweep/sweepFolder.ts';
import { stableJson } from '../../src/sweep/stableJson.ts';
import { TEST_SETUP, TINY_SWISS_ROLL } from './fixtures/testCommands.ts';

const repo = join(import.meta.dirname, '..', '..');
const cli = (args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'src/cli/main.ts'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
const tmp = () => mkdtempSync(join(tmpdir(), 'thermodiff-sweep-cli-'));
const comparable = (rows: { id: string; params: unknown; result: unknown }[]) => stableJson(rows.map((r) => ({ id: r.id, params: r.params, result: r.result })));

/** The tiny sweep planned and run in this process: the reference rows. */
async function reference(): Promise<string> {
  const d = tmp();
  writeFileSync(join(d, 'sweep.json'), JSON.stringify(TINY_SWISS_ROLL));
  planSweep(join(d, 'sweep.json'), join(d, 'ref'));
  await runSweep(join(d, 'ref'), { setup: TEST_SETUP, workers: 0 });
  return comparable(mergeSweep(join(d, 'ref')).merged.rows);
}

describe('thermodiff sweep (CLI)', () => {
  it('plan: a bad value in one cell is one line naming the cell, exit 2, nothing written; another sweep in the folder is refused', () => {
    const d = tmp();
    writeFileSync(join(d, 'bad.json'), JSON.stringify({ ...TINY_SWISS_ROLL, grid: { 'process.g': [0, 'three'], 'data.seed': [1, 2] } }));
    const r = cli(['sweep', 'plan', join(d, 'bad.json'), '--out', join(d, 'out')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^thermodiff: error: .*bad\.json: cell 3 of 4 \(process\.g=three, data\.seed=1\): config\.process\.g: expected a finite number, got "three"\n$/);
    assert.equal(existsSync(join(d, 'out')), false);
  });

  it('plan, run as 3 Kubernetes Indexed Job pods (JOB_COMPLETION_INDEX + --shards 3), status, merge: rows equal the in-process run', async () => {
    const ref = await reference();
    const d = tmp();
    writeFileSync(join(d, 'sweep.json'), JSON.stringify(TINY_SWISS_ROLL));
    const out = join(d, 'sweep');
    const p = cli(['sweep', 'plan', join(d, 'sweep.json'), '--out', out]);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /^6 tasks of speed-accuracy in /);
    writeFileSync(join(d, 'other.json'), JSON.stringify({ ...TINY_SWISS_ROLL, grid: { 'process.g': [0, 5], 'data.seed': [1, 2, 3] } }));
    const other = cli(['sweep', 'plan', join(d, 'other.json'), '--out', out]);
    assert.equal(other.status, 2);
    assert.match(other.stderr, /holds a different sweep/);
    for (let i = 0; i < 3; i++) {
      const r = cli(['sweep', 'run', out, '--shards', '3', '--workers', '0', '--json'], { JOB_COMPLETION_INDEX: String(i) });
      assert.equal(r.status, 0, r.stderr);
      const o = JSON.parse(r.stdout);
      assert.deepEqual([o.shard.index, o.shard.count, o.selected, o.done.length], [i, 3, 2, 2]);
    }
    const st = cli(['sweep', 'status', out, '--json']);
    assert.deepEqual(JSON.parse(st.stdout), { tasks: 6, done: 6, failed: 0, running: 0, pending: 0, foreign: [], failures: [] });
    const csv = join(d, 'rows.csv');
    const m = cli(['sweep', 'merge', out, '--json', '--csv', csv]);
    assert.equal(m.status, 0, m.stderr);
    const merged = JSON.parse(m.stdout);
    assert.deepEqual([merged.tasks, merged.done, merged.failed, merged.missing, merged.rows.length], [6, 6, 0, 0, 6]);
    assert.equal(comparable(merged.rows), ref);
    // summary over data.seed: one group per g with 3 draws; mean of eta equals the mean of its rows
    assert.equal(merged.summary.length, 2);
    const g3 = merged.rows.filter((r: { params: Record<string, number> }) => r.params['process.g'] === 3).map((r: { result: { eta: number } }) => r.result.eta);
    assert.deepEqual(merged.summary[1].params, { 'process.g': 3 });
    assert.equal(merged.summary[1].quantities.eta.count, 3);
    // same sum, same order of additions: exact
    assert.equal(merged.summary[1].quantities.eta.mean, (g3[0] + g3[1] + g3[2]) / 3);
    assert.equal(readFileSync(csv, 'utf8').trim().split('\n').length, 7);
    const report = readFileSync(join(out, 'report', 'report.md'), 'utf8');
    assert.match(report, /## Summary over `data\.seed`/);
    assert.ok(existsSync(join(out, 'report', 'eta-vs-process.g.png')));

    // incomplete: one result missing, one task failed -> exit 4 with both listed, nothing written
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    rmSync(resultPath(out, plan.tasks[2].id));
    rmSync(resultPath(out, plan.tasks[4].id));
    mkdirSync(join(out, 'failed'));
    writeFileSync(failurePath(out, plan.tasks[4].id), JSON.stringify({ id: plan.tasks[4].id, error: 'config.x: broken' }));
    const partialCsv = join(d, 'partial.csv');
    const inc = cli(['sweep', 'merge', out, '--csv', partialCsv]);
    assert.equal(inc.status, 4);
    assert.match(inc.stderr, /4 of 6 tasks done, 1 failed, 1 missing/);
    assert.match(inc.stderr, /failed: task 5 .* \(process\.g=3, data\.seed=2\): config\.x: broken/);
    assert.match(inc.stderr, /missing: task 3 /);
    assert.equal(existsSync(partialCsv), false);
    const ok = cli(['sweep', 'merge', out, '--allow-partial', '--json', '--over', '']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).summary, []);
  });

  it('resume after the whole runner is killed (SIGKILL to its process group): no partial file, the rerun finishes with the same rows', async () => {
    const ref = await reference();
    const d = tmp();
    writeFileSync(join(d, 'sweep.json'), JSON.stringify(TINY_SWISS_ROLL));
    const out = join(d, 'sweep');
    planSweep(join(d, 'sweep.json'), out);
    const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src/cli/main.ts'), 'sweep', 'run', out, '--workers', '1', '--quiet'], { detached: true, stdio: 'ignore' });
    const results = join(out, 'results');
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    // poll until the first result is published, then kill the runner and its worker process
    for (let i = 0; i < 600 && !(existsSync(results) && readdirSync(results).some((f) => f.endsWith('.json'))); i++) await new Promise((r) => setTimeout(r, 100));
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;
    const before = readdirSync(results);
    assert.ok(before.length >= 1, 'killed after at least one result');
    assert.deepEqual(before.filter((f) => !/^[0-9a-f]{16}\.json$/.test(f)), [], 'only complete result files');
    const r = cli(['sweep', 'run', out, '--workers', '1', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.alreadyDone + o.done.length, 6);
    assert.equal(comparable(mergeSweep(out).merged.rows), ref);
  });
});
