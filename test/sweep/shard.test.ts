import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { parseShard, resolveShard, shardTasks } from '../../src/sweep/shard.ts';

describe('shardTasks', () => {
  it('N shards are disjoint and their union is the whole list, for N = 1..7 and counts that do not divide evenly', () => {
    for (let n = 0; n <= 23; n++) {
      const tasks = Array.from({ length: n }, (_, k) => k);
      for (let count = 1; count <= 7; count++) {
        const shards = Array.from({ length: count }, (_, index) => shardTasks(tasks, { index, count }));
        const all = shards.flat().sort((a, b) => a - b);
        assert.deepEqual(all, tasks, `n=${n} N=${count}: union`);
        assert.equal(new Set(all).size, all.length, `n=${n} N=${count}: disjoint`);
        // round robin: sizes differ by at most one (balanced along every grid axis)
        const sizes = shards.map((s) => s.length);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `n=${n} N=${count}: sizes ${sizes}`);
      }
    }
  });
});

describe('parseShard / resolveShard', () => {
  it('parses i/N and rejects anything else with a message naming --shard', () => {
    assert.deepEqual(parseShard('2/5'), { index: 2, count: 5, source: 'option' });
    for (const bad of ['5/5', '-1/3', '1/0', 'a/b', '1', '1/2/3', '']) {
      assert.throws(() => parseShard(bad), (e: Error) => e instanceof InputError && /--shard/.test(e.message), bad);
    }
  });

  it('Slurm: index = (ID - MIN) / STEP, so --array=1-5:2 gives shards 0, 1, 2 of 3', () => {
    const env = (id: number) => ({ SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_STEP: '2' });
    assert.deepEqual([1, 3, 5].map((id) => resolveShard({}, env(id)).index), [0, 1, 2]);
    assert.equal(resolveShard({}, env(3)).source, 'slurm');
    // a plain --array=0-3 (Slurm sets STEP=1; MIN=0)
    assert.deepEqual(resolveShard({}, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '1' }), { index: 3, count: 4, source: 'slurm' });
    // --array=0,7: COUNT 2 but ID 7 is not MIN + k*STEP with k < 2
    assert.throws(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '1' }), /SLURM_ARRAY_TASK_ID: array element 7/);
    assert.throws(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: '2' }), /SLURM_ARRAY_TASK_COUNT/);
    assert.throws(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '2' }), /expected an integer/);
  });

  it('Kubernetes: JOB_COMPLETION_INDEX with --shards N; without --shards it is an error', () => {
    assert.deepEqual(resolveShard({ shards: 3 }, { JOB_COMPLETION_INDEX: '2' }), { index: 2, count: 3, source: 'kubernetes' });
    assert.throws(() => resolveShard({}, { JOB_COMPLETION_INDEX: '0' }), /--shards/);
    assert.throws(() => resolveShard({ shards: 3 }, { JOB_COMPLETION_INDEX: '3' }), /0\.\.2/);
  });

  it('--shard wins over the environment; nothing given means the whole sweep; --shards alone is an error', () => {
    assert.deepEqual(resolveShard({ shard: '1/2' }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4', JOB_COMPLETION_INDEX: '3' }), { index: 1, count: 2, source: 'option' });
    assert.deepEqual(resolveShard({}, {}), { index: 0, count: 1, source: 'whole' });
    assert.throws(() => resolveShard({ shards: 4 }, {}), /JOB_COMPLETION_INDEX/);
    assert.throws(() => resolveShard({ shard: '0/2', shards: 2 }, {}), /not both/);
  });
});
