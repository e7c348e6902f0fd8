import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { planSweep } from '../../src/sweep/planSweep.ts';
import { claimPath, newClaimant, publishExclusive, releaseClaim, retireClaimant, taskId, tryClaim } from '../../src/sweep/sweepFolder.ts';
import './fixtures/testCommands.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'thermodiff-sweep-'));

function writeSweep(dir: string, name: string, sweep: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(sweep));
  return p;
}

describe('sweep folder files', () => {
  it('publishExclusive writes a file once: a second writer gets false and the first content stays', () => {
    const d = tmp();
    const p = join(d, 'results', 'a.json');
    assert.equal(publishExclusive(p, 'first'), true);
    assert.equal(publishExclusive(p, 'second'), false);
    assert.equal(readFileSync(p, 'utf8'), 'first');
    assert.deepEqual(readdirSync(join(d, 'results')), ['a.json'], 'no temporary file left');
  });

  it('a claim held by a live process is respected; one of a dead process, or of another host not refreshed, is taken over', () => {
    const d = tmp();
    const me = newClaimant();
    const write = (id: string, c: object) => {
      mkdirSync(join(d, 'claims'), { recursive: true });
      writeFileSync(claimPath(d, id), JSON.stringify(c));
    };
    // the parent of this test process is alive
    write('live', { host: hostname(), pid: process.ppid, token: 'x' });
    assert.equal(tryClaim(d, 'live', me, 60_000), false);
    // a finished child's pid is dead
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    write('dead', { host: hostname(), pid: Number(dead.stdout), token: 'y' });
    assert.equal(tryClaim(d, 'dead', me, 60_000), true);
    // another host: fresh is held, 2 minutes without heartbeat is stale (staleMs 60 s)
    write('far', { host: 'node-17', pid: 1, token: 'z' });
    assert.equal(tryClaim(d, 'far', me, 60_000), false);
    const old = new Date(Date.now() - 120_000);
    utimesSync(claimPath(d, 'far'), old, old);
    assert.equal(tryClaim(d, 'far', me, 60_000), true);
    // our pid under a token no runner of this process holds: a restarted container reused the pid
    write('reused', { host: hostname(), pid: process.pid, token: 'gone' });
    assert.equal(tryClaim(d, 'reused', me, 60_000), true);
    // another live runner of this process holds its claims
    const other = newClaimant();
    assert.equal(tryClaim(d, 'new', other, 60_000), true);
    assert.equal(tryClaim(d, 'new', me, 60_000), false, 'held by a live runner of this process');
    retireClaimant(other);
    assert.equal(tryClaim(d, 'new', me, 60_000), true, 'taken over once that runner has ended');
    assert.equal(tryClaim(d, 'new', me, 60_000), false, 'claiming twice fails');
    releaseClaim(d, 'new', { ...me, token: 'other' });
    assert.equal(readdirSync(join(d, 'claims')).includes('new.json'), true, 'a foreign token does not release');
    releaseClaim(d, 'new', me);
    assert.equal(readdirSync(join(d, 'claims')).includes('new.json'), false);
  });

  it('task ids hash the command and the full config (key order does not matter)', () => {
    assert.equal(taskId('a', { x: 1, y: { b: 2, c: 3 } }), taskId('a', { y: { c: 3, b: 2 }, x: 1 }));
    assert.notEqual(taskId('a', { x: 1 }), taskId('b', { x: 1 }));
    assert.notEqual(taskId('a', { x: 1 }), taskId('a', { x: 1.0000000000000002 }));
    assert.match(taskId('a', {}), /^[0-9a-f]{16}$/);
  });
});

describe('planSweep', () => {
  it('validates every cell before writing anything: the error names the cell and its grid values', () => {
    const d = tmp();
    const base = JSON.parse(readFileSync('configs/swiss-roll-g3.json', 'utf8'));
    const f = writeSweep(d, 's.json', { command: 'speed-accuracy', config: base, grid: { 'process.g': [0, 1], tau: [3, -1] } });
    assert.throws(
      () => planSweep(f, join(d, 'out')),
      (e: Error) => e instanceof InputError && /cell 2 of 4 \(process\.g=0, tau=-1\): config\.tau: expected tau > 0, got -1/.test(e.message),
    );
    assert.deepEqual(readdirSync(d), ['s.json'], 'nothing written');
  });

  it('plans a config file relative to the sweep file; re-planning the same sweep is a no-op; a different sweep is refused', () => {
    const d = tmp();
    writeFileSync(join(d, 'base.json'), JSON.stringify({ x: 1 }));
    const f = writeSweep(d, 's.json', { command: 'test-square', config: 'base.json', grid: { x: [1, 2, 3] } });
    const out = join(d, 'sweep');
    const a = planSweep(f, out);
    assert.equal(a.created, true);
    assert.equal(a.plan.tasks.length, 3);
    assert.equal(a.plan.baseDir, d);
    assert.equal(a.plan.tasks[1].id, taskId('test-square', { x: 2 }));
    assert.equal(planSweep(f, out).created, false);
    const g = writeSweep(d, 't.json', { command: 'test-square', config: 'base.json', grid: { x: [1, 2, 4] } });
    assert.throws(() => planSweep(g, out), /holds a different sweep \(test-square, 3 tasks, from .*s\.json/);
    assert.throws(() => planSweep(g, d), /folder is not empty and holds no sweep/);
    assert.throws(() => planSweep(writeSweep(d, 'u.json', { command: 'test-square', config: { x: 1 }, grid: { y: [1, 1.0] } }), join(d, 'u')), /appears twice/);
    assert.throws(() => planSweep(writeSweep(d, 'v.json', { command: 'no-such', config: {} }), join(d, 'v')), /"no-such" cannot be swept \(sweepable commands: .*speed-accuracy.*train/);
  });

  it('the shipped Table II sweep plans 30 valid speed-accuracy tasks (g = 0..5 x 5 data draws)', () => {
    const d = tmp();
    const r = planSweep('configs/sweeps/table2.json', join(d, 't2'));
    assert.equal(r.plan.tasks.length, 30);
    assert.deepEqual(r.plan.axes, ['process.g', 'data.seed']);
    assert.deepEqual(r.addedPaths, []);
    assert.deepEqual(r.plan.merge.over, ['data.seed']);
  });
});
