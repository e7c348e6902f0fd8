/**
 * Sweep runner benchmarks (one JSON line per case; docs/benchmarks.md, docs/sweeps.md):
 * - per-task overhead with warm workers: a sweep of no-op tasks, 20 and then 120 tasks on one
 *   worker (processes, threads, in-process); overhead = (wall(120) - wall(20)) / 100, which leaves
 *   out the workers' start-up. It includes the claim, the dispatch, the round trip to the worker,
 *   the exclusive result file and the release.
 * - throughput on a CPU-bound sweep: 8 n-D speed-accuracy tasks (Swiss roll, Eq. 99 force, ~1 s CPU
 *   each) with 1 and with 2 worker processes, paired and alternating; speedup = wall(1) / wall(2).
 *   cpuSeconds = this process + the tasks' own CPU in the worker processes (not the workers' start-up).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeSweep } from '../src/sweep/mergeSweep.ts';
import { planSweep } from '../src/sweep/planSweep.ts';
import { runSweep } from '../src/sweep/runSweep.ts';
import { emit } from './benchCase.ts';
import { BENCH_SETUP } from './sweepCommands.ts';

await import(BENCH_SETUP);
const root = mkdtempSync(join(tmpdir(), 'thermodiff-sweep-bench-'));
let k = 0;
function plan(sweep: unknown): string {
  const d = join(root, String(k++));
  const f = `${d}.json`;
  writeFileSync(f, JSON.stringify(sweep));
  planSweep(f, d);
  return d;
}

async function timed(dir: string, opts: Parameters<typeof runSweep>[1]) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runSweep(dir, opts);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const rows = mergeSweep(dir).merged.rows;
  const taskCpu = rows.reduce((s, row) => s + (Number(row.run?.cpuSeconds) || 0), 0);
  const taskSeconds = rows.reduce((s, row) => s + Number(row.run?.seconds), 0);
  if (r.done.length !== rows.length) throw new Error(`expected ${rows.length} done, got ${r.done.length}`);
  return { wall, parentCpu: (c.user + c.system) / 1e6, taskCpu, taskSeconds, tasks: rows.length };
}

// per-task overhead with warm workers
for (const mode of ['processes', 'threads', 'in-process'] as const) {
  const walls: Record<number, number> = {};
  const cpus: Record<number, number> = {};
  for (const n of [20, 120]) {
    const dir = plan({ command: 'bench-noop', config: { i: 0 }, grid: { i: Array.from({ length: n }, (_, i) => i) } });
    const t = await timed(dir, { setup: BENCH_SETUP, workers: mode === 'in-process' ? 0 : 1, pool: mode === 'threads' ? 'threads' : 'processes' });
    walls[n] = t.wall;
    cpus[n] = t.parentCpu + t.taskCpu;
  }
  const per = (walls[120] - walls[20]) / 100;
  emit({ name: `sweep-task-overhead-${mode}`, size: 100, seconds: per, cpuSeconds: (cpus[120] - cpus[20]) / 100, throughput: 1 / per, unit: 'tasks/s', load1: loadavg()[0] });
}

// throughput on a CPU-bound sweep: 1 vs 2 worker processes, paired
const cpuBound = {
  command: 'speed-accuracy',
  config: {
    data: { kind: 'swiss-roll', n: 300, noise: 0.1, seed: 1 },
    process: { kind: 'swiss-roll-force', h: 1.1, g: 3, Tfin: 0.5 },
    tau: 3,
    perturbation: { kind: 'normal', mean: [0, 0], std: 0.9 },
    particles: 300,
    steps: 30,
    w1Times: 6,
    splitTimes: 4,
    seed: 1,
  },
  grid: { 'process.g': [0, 1, 2, 3], 'data.seed': [1, 2] },
};
const pairs = Number(process.env.SWEEP_BENCH_PAIRS ?? 2);
for (let p = 0; p < pairs; p++) {
  const load = loadavg()[0];
  const one = await timed(plan(cpuBound), { setup: BENCH_SETUP, workers: 1, pool: 'processes' });
  const two = await timed(plan(cpuBound), { setup: BENCH_SETUP, workers: 2, pool: 'processes' });
  for (const [w, t] of [[1, one], [2, two]] as const) {
    emit({ name: `sweep-cpu-bound-${w}-worker${w > 1 ? 's' : ''}`, size: t.tasks, seconds: t.wall, cpuSeconds: t.parentCpu + t.taskCpu, throughput: t.tasks / t.wall, unit: 'tasks/s', taskSeconds: t.taskSeconds, pair: p, load1: load });
  }
  emit({ name: 'sweep-speedup-2-workers', size: one.tasks, seconds: two.wall, throughput: one.wall / two.wall, unit: 'x serial', pair: p, load1: load });
}
// the same comparison with single-threaded tasks (pure arithmetic, 16 tasks of ~1 s): the runner's own
// scaling. The speed-accuracy tasks above use V8 background threads (concurrent compilation, GC)
// on the second core even when run serially, and two of them slow each other down (cache, memory),
// so their speedup is bounded by the workload, not by the pool.
const spin = { command: 'bench-spin', config: { i: 0, iterations: 4e8 }, grid: { i: Array.from({ length: 16 }, (_, i) => i) } };
for (let p = 0; p < pairs; p++) {
  const load = loadavg()[0];
  const one = await timed(plan(spin), { setup: BENCH_SETUP, workers: 1, pool: 'processes' });
  const two = await timed(plan(spin), { setup: BENCH_SETUP, workers: 2, pool: 'processes' });
  for (const [w, t] of [[1, one], [2, two]] as const) {
    emit({ name: `sweep-spin-${w}-worker${w > 1 ? 's' : ''}`, size: t.tasks, seconds: t.wall, cpuSeconds: t.parentCpu + t.taskCpu, throughput: t.tasks / t.wall, unit: 'tasks/s', taskSeconds: t.taskSeconds, pair: p, load1: load });
  }
  emit({ name: 'sweep-spin-speedup-2-workers', size: one.tasks, seconds: two.wall, throughput: one.wall / two.wall, unit: 'x serial', pair: p, load1: load });
}
rmSync(root, { recursive: true, force: true });
