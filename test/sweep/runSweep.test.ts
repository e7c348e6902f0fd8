import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mergeSweep } from '../../src/sweep/mergeSweep.ts';
import { planSweep } from '../../src/sweep/planSweep.ts';
import { runSweep } from '../../src/sweep/runSweep.ts';
import { failurePath, readSweepJson, resultPath, type TaskFailureFile } from '../../src/sweep/sweepFolder.ts';
import { stableJson } from '../../src/sweep/stableJson.ts';
import { TEST_SETUP, TINY_SWISS_ROLL } from './fixtures/testCommands.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'thermodiff-sweep-'));

function planned(sweep: unknown): string {
  const d = tmp();
  writeFileSync(join(d, 'sweep.json'), JSON.stringify(sweep));
  planSweep(join(d, 'sweep.json'), join(d, 'out'));
  return join(d, 'out');
}

/** What must be identical wherever a task ran: id, grid values and the result, as stored (stable JSON). */
const comparable = (dir: string) => stableJson(mergeSweep(dir).merged.rows.map((r) => ({ id: r.id, params: r.params, result: r.result })));

describe('runSweep', () => {
  it('same bits serially (1 worker process), on 2 worker threads, and as 3 shards run in-process', async () => {
    const serial = planned(TINY_SWISS_ROLL);
    const r1 = await runSweep(serial, { setup: TEST_SETUP, workers: 1, pool: 'processes' });
    assert.equal(r1.done.length, 6);
    const two = planned(TINY_SWISS_ROLL);
    const r2 = await runSweep(two, { setup: TEST_SETUP, workers: 2, pool: 'threads' });
    assert.equal(r2.workers, 2);
    assert.equal(r2.done.length, 6);
    const sharded = planned(TINY_SWISS_ROLL);
    const counts: number[] = [];
    for (let index = 0; index < 3; index++) counts.push((await runSweep(sharded, { setup: TEST_SETUP, workers: 0, shard: { index, count: 3 } })).done.length);
    assert.deepEqual(counts, [2, 2, 2]);
    const ref = comparable(serial);
    assert.equal(comparable(two), ref);
    assert.equal(comparable(sharded), ref);
    // the comparison is not vacuous: six rows with distinct finite eta
    const rows = mergeSweep(serial).merged.rows;
    assert.equal(rows.length, 6);
    const etas = rows.map((r) => (r.result as { eta: number }).eta);
    assert.ok(etas.every(Number.isFinite) && new Set(etas).size === 6, `${etas}`);
    // the run records do differ (where the task ran): they are kept out of `result`
    assert.equal(rows[0].run?.pool, 'processes');
    assert.equal(mergeSweep(two).merged.rows[0].run?.pool, 'threads');
    // a second run finds nothing to do
    const again = await runSweep(serial, { setup: TEST_SETUP, workers: 1 });
    assert.deepEqual([again.alreadyDone, again.done.length, again.workers], [6, 0, 0]);
  });

  it('a worker killed mid-task leaves no result and no claim; the others go on and the next run redoes only that task', async () => {
    const dir = planned({ command: 'test-square', config: { x: 0, killOnceAt: 2 }, grid: { x: [1, 2, 3, 4] } });
    const r = await runSweep(dir, { setup: TEST_SETUP, workers: 2, pool: 'processes' });
    const plan = mergeSweep(dir).plan;
    const killed = plan.tasks[1].id;
    assert.deepEqual(r.interrupted.map((i) => i.id), [killed]);
    assert.match(r.interrupted[0].reason, /exited/i);
    assert.equal(r.done.length, 3);
    assert.equal(existsSync(resultPath(dir, killed)), false);
    assert.equal(existsSync(failurePath(dir, killed)), false);
    assert.deepEqual(readdirSync(join(dir, 'claims')), []);
    assert.deepEqual(readdirSync(join(dir, 'results')).filter((f) => f.startsWith('.')), [], 'no temporary files');
    const r2 = await runSweep(dir, { setup: TEST_SETUP, workers: 2, pool: 'processes' });
    assert.deepEqual(r2.done, [killed]);
    assert.equal(r2.alreadyDone, 3);
    const rows = mergeSweep(dir).merged.rows;
    assert.deepEqual(rows.map((x) => (x.result as { y: number }).y), [1, 4, 9, 16]);
    // runKeys move out of the result into the run record
    assert.equal(typeof rows[0].run?.pid, 'number');
    assert.equal((rows[0].result as Record<string, unknown>).pid, undefined);
  });

  it('a failing task records a one-line error and the others finish; failed tasks are skipped unless retried', async () => {
    const dir = planned({ command: 'test-square', config: { x: 0, failAt: 3 }, grid: { x: [1, 2, 3, 4] } });
    const r = await runSweep(dir, { setup: TEST_SETUP, workers: 0 });
    assert.equal(r.done.length, 3);
    assert.equal(r.failed.length, 1);
    const f = readSweepJson<TaskFailureFile>(failurePath(dir, r.failed[0].id));
    assert.equal(f?.error, 'config.x: x = 3 is not allowed second line');
    assert.deepEqual(f?.params, { x: 3 });
    const again = await runSweep(dir, { setup: TEST_SETUP, workers: 0 });
    assert.deepEqual([again.skippedFailed, again.done.length, again.failed.length], [1, 0, 0]);
    const retried = await runSweep(dir, { setup: TEST_SETUP, workers: 0, retryFailed: true });
    assert.deepEqual([retried.skippedFailed, retried.failed.length], [0, 1]);
    const m = mergeSweep(dir).merged;
    assert.deepEqual([m.done, m.failed, m.missing], [3, 1, 0]);
  });

  it('two runners over overlapping task sets never run a task twice: each task is run and written by one of them', async () => {
    const dir = planned({ command: 'test-square', config: { x: 0, sleepMs: 30 }, grid: { x: [1, 2, 3, 4, 5, 6, 7] } });
    const [a, b] = await Promise.all([
      runSweep(dir, { setup: TEST_SETUP, workers: 0 }),
      runSweep(dir, { setup: TEST_SETUP, workers: 0, shard: { index: 0, count: 2 } }),
    ]);
    const ran = [...a.done, ...b.done];
    assert.equal(ran.length, 7, `a ${a.done.length}, b ${b.done.length}`);
    assert.equal(new Set(ran).size, 7);
    assert.ok(b.done.length > 0 && a.done.length > 0, 'both runners worked');
    // every task b skipped was claimed or finished by a
    for (const id of [...b.heldElsewhere, ...b.doneElsewhere]) assert.ok(a.done.includes(id));
    assert.equal(JSON.parse(readFileSync(resultPath(dir, ran[0]), 'utf8')).id, ran[0]);
  });
});
