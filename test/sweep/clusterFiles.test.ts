import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { mergeSweep } from '../../src/sweep/mergeSweep.ts';
import { planSweep } from '../../src/sweep/planSweep.ts';
import { runSweep } from '../../src/sweep/runSweep.ts';
import { stableJson } from '../../src/sweep/stableJson.ts';
import { TEST_SETUP, TINY_SWISS_ROLL } from './fixtures/testCommands.ts';

const repo = join(import.meta.dirname, '..', '..');
const comparable = (dir: string) => stableJson(mergeSweep(dir).merged.rows.map((r) => ({ id: r.id, params: r.params, result: r.result })));

describe('Kubernetes Indexed Job manifest (configs/sweeps/k8s-indexed-job.yaml)', () => {
  it('parses, runs in Indexed mode with completions = parallelism = --shards, and plans and runs in the shared volume', () => {
    const job = parse(readFileSync(join(repo, 'configs/sweeps/k8s-indexed-job.yaml'), 'utf8'));
    assert.equal(job.apiVersion, 'batch/v1');
    assert.equal(job.kind, 'Job');
    assert.equal(job.spec.completionMode, 'Indexed');
    assert.ok(Number.isInteger(job.spec.completions) && job.spec.completions > 1);
    assert.equal(job.spec.parallelism, job.spec.completions);
    const pod = job.spec.template.spec;
    assert.ok(['Never', 'OnFailure'].includes(pod.restartPolicy));
    const [c] = pod.containers;
    const script = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
    assert.match(script, new RegExp(`--shards ${job.spec.completions}\\b`));
    const plan = /thermodiff sweep plan (\S+) --out (\S+)/.exec(script);
    const run = /thermodiff sweep run (\S+)/.exec(script);
    assert.ok(plan && run, script);
    assert.ok(existsSync(join(repo, plan[1])), `the sweep file ${plan[1]} is shipped`);
    assert.equal(run[1], plan[2], 'runs the folder it planned');
    const mount = c.volumeMounts.find((m: { mountPath: string }) => run[1].startsWith(`${m.mountPath}/`));
    assert.ok(mount, `the sweep folder ${run[1]} is on a mounted volume`);
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
    assert.ok(volume?.persistentVolumeClaim?.claimName, 'the volume is a shared claim');
  });
});

// Runs for real where a Slurm controller answers (.ci/run starts one with .ci/slurm-up.sh);
// elsewhere it is skipped with a printed warning.
const sinfo = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8' });
const slurmUp = !sinfo.error && sinfo.status === 0 && /\b(idle|mix|alloc)/.test(sinfo.stdout);
if (!slurmUp) {
  const why = sinfo.error ? 'sinfo not found' : `sinfo: ${(sinfo.stderr || sinfo.stdout).trim() || `exit ${sinfo.status}`}`;
  console.warn(`warning: no Slurm cluster (${why}); the Slurm job-array sweep test is skipped (start one with: bash .ci/slurm-up.sh)`);
}

describe('Slurm job array (configs/sweeps/slurm-array.sh)', () => {
  it('sbatch --wait --array=1-5:2 runs the 3 shards; the merged rows equal an in-process run', { skip: slurmUp ? false : 'no Slurm cluster (see warning)', timeout: 600_000 }, async () => {
    const d = mkdtempSync(join(tmpdir(), 'thermodiff-sweep-slurm-'));
    writeFileSync(join(d, 'sweep.json'), JSON.stringify(TINY_SWISS_ROLL));
    planSweep(join(d, 'sweep.json'), join(d, 'ref'));
    await runSweep(join(d, 'ref'), { setup: TEST_SETUP, workers: 0 });
    const out = join(d, 'slurm');
    planSweep(join(d, 'sweep.json'), out);
    const thermodiff = `${process.execPath} --import tsx ${join(repo, 'src/cli/main.ts')}`;
    const t0 = performance.now();
    const r = spawnSync(
      'sbatch',
      ['--wait', '--array=1-5:2', '--cpus-per-task=1', '--time=10', `--output=${join(d, 'slurm-%a.out')}`, `--export=ALL,THERMODIFF=${thermodiff}`, join(repo, 'configs/sweeps/slurm-array.sh'), out],
      { encoding: 'utf8', cwd: repo, timeout: 540_000 },
    );
    const logs = readdirSync(d)
      .filter((f) => f.startsWith('slurm-'))
      .map((f) => `${f}:\n${readFileSync(join(d, f), 'utf8')}`)
      .join('\n');
    assert.equal(r.status, 0, `sbatch: ${r.stderr}\n${logs}`);
    console.log(`# slurm array of 3 elements: ${((performance.now() - t0) / 1000).toFixed(1)} s wall (sbatch --wait)`);
    assert.deepEqual(
      readdirSync(d).filter((f) => /^slurm-\d+\.out$/.test(f)).sort(),
      ['slurm-1.out', 'slurm-3.out', 'slurm-5.out'],
    );
    const m = mergeSweep(out).merged;
    assert.equal(m.done, 6);
    // elements 1, 3, 5 of --array=1-5:2 are shards 0, 1, 2 of 3: two tasks each, round robin
    const shards = m.rows.map((row) => row.run?.shard);
    assert.deepEqual(shards, ['0/3', '1/3', '2/3', '0/3', '1/3', '2/3']);
    assert.equal(comparable(out), comparable(join(d, 'ref')));
  });
});
