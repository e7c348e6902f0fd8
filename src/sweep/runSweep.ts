import { existsSync, rmSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { writeFileAtomic } from '../io/files.ts';
import { shardTasks } from './shard.ts';
import {
  failurePath,
  idsIn,
  newClaimant,
  publishExclusive,
  readPlan,
  releaseClaim,
  resultPath,
  retireClaimant,
  type SweepTask,
  touchClaims,
  tryClaim,
  workPath,
} from './sweepFolder.ts';
import { makeWorkerPool } from './workerPool.ts';
import runWorkerTask, { oneLineError, type WorkerOutcome, type WorkerTask } from './sweepWorker.ts';

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** URL of a module that registers the sweep commands (imported in every worker). */
  setup: string;
  /** Long-lived workers (at most one per unfinished task); 0 runs the tasks in this thread. */
  workers: number;
  /**
   * URL of the worker module (default export: the task function of sweepWorker.ts). Needed when the
   * code runs from a bundle (the installed CLI), where sweepWorker.js is not beside this module.
   * @default sweepWorker next to this module
   */
  workerEntry?: string;
  /** Worker threads or child processes. @default 'processes' */
  pool?: 'threads' | 'processes';
  /** Run only shard `index` of `count` (task k belongs to shard k mod count). */
  shard?: { index: number; count: number };
  /** Run failed tasks again (by default they are skipped like finished ones). */
  retryFailed?: boolean;
  /** A claim not refreshed for this long, by a runner on another host, is taken over. @default 120 */
  staleSeconds?: number;
  /** How often held claims are refreshed. @default 10 */
  heartbeatSeconds?: number;
  /** Stop dispatching, end the workers, release claims; running tasks count as interrupted. */
  signal?: AbortSignal;
  onEvent?: (e: SweepEvent) => void;
}

/** Progress events of {@link runSweep}. */
export type SweepEvent =
  | { type: 'start'; selected: number; alreadyDone: number; skippedFailed: number; todo: number; workers: number }
  | { type: 'task-start'; task: SweepTask }
  | { type: 'task-end'; task: SweepTask; status: 'done' | 'failed' | 'interrupted' | 'held-elsewhere' | 'done-elsewhere'; error?: string; seconds?: number };

/** What {@link runSweep} did. */
export interface RunSweepOutcome {
  shard: { index: number; count: number };
  /** Tasks in this shard. */
  selected: number;
  alreadyDone: number;
  /** Failed before and not retried. */
  skippedFailed: number;
  done: string[];
  failed: { id: string; error: string }[];
  /** The worker died or the run was aborted: no result written; the next run redoes them. */
  interrupted: { id: string; reason: string }[];
  /** Claimed by another live runner (overlapping shards): left to it. */
  heldElsewhere: string[];
  /** Finished by another runner while this one was busy. */
  doneElsewhere: string[];
  workers: number;
  seconds: number;
}

/** Default worker count: the CPUs Slurm gave this task (SLURM_CPUS_PER_TASK), else the machine's. */
export function defaultWorkers(env: Record<string, string | undefined> = process.env): number {
  const slurm = Number(env.SLURM_CPUS_PER_TASK);
  return Number.isInteger(slurm) && slurm > 0 ? slurm : availableParallelism();
}

/** The sweep worker module beside this one (.ts from the sources, .js when compiled unbundled). */
function defaultWorkerEntry(): string {
  return new URL('./sweepWorker.ts', import.meta.url).href.replace(/\.ts$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js');
}

/**
 * Run the unfinished tasks of a planned sweep folder (or of one shard of it) on long-lived
 * workers. Each task is claimed (claims/<id>.json) before it starts, so runners given overlapping
 * shards never run a task at the same time; its result is published exclusively to
 * results/<id>.json, or its one-line error to failed/<id>.json, and the others go on. A worker that
 * dies leaves no result: the task is reported as interrupted and a later run redoes it.
 */
export async function runSweep(dir: string, opts: RunSweepOptions): Promise<RunSweepOutcome> {
  const t0 = performance.now();
  const plan = readPlan(dir);
  const shard = opts.shard ?? { index: 0, count: 1 };
  const selected = shardTasks(plan.tasks, shard);
  const done0 = idsIn(dir, 'results');
  const failed0 = idsIn(dir, 'failed');
  const alreadyDone = selected.filter((t) => done0.has(t.id)).length;
  const skippedFailed = opts.retryFailed ? 0 : selected.filter((t) => !done0.has(t.id) && failed0.has(t.id)).length;
  const todo = selected.filter((t) => !done0.has(t.id) && (opts.retryFailed || !failed0.has(t.id)));
  const workers = Math.max(0, Math.min(Math.floor(opts.workers), todo.length));
  const out: RunSweepOutcome = {
    shard,
    selected: selected.length,
    alreadyDone,
    skippedFailed,
    done: [],
    failed: [],
    interrupted: [],
    heldElsewhere: [],
    doneElsewhere: [],
    workers,
    seconds: 0,
  };
  const emit = opts.onEvent ?? (() => {});
  emit({ type: 'start', selected: selected.length, alreadyDone, skippedFailed, todo: todo.length, workers });
  if (todo.length === 0) {
    out.seconds = (performance.now() - t0) / 1000;
    return out;
  }
  const staleMs = 1000 * (opts.staleSeconds ?? 120);
  const me = newClaimant();
  const held = new Set<string>();
  const heartbeat = setInterval(() => touchClaims(dir, held), 1000 * (opts.heartbeatSeconds ?? 10));
  heartbeat.unref();
  const poolKind = opts.pool ?? 'processes';
  const pool = workers > 0 ? makeWorkerPool(opts.workerEntry ?? defaultWorkerEntry(), poolKind, workers) : null;
  if (!pool) await import(opts.setup);
  let aborted = opts.signal?.aborted ?? false;
  const onAbort = () => {
    aborted = true;
    void pool?.destroy();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const host = hostname();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < todo.length && !aborted) {
      const task = todo[next++];
      if (existsSync(resultPath(dir, task.id))) {
        out.doneElsewhere.push(task.id);
        emit({ type: 'task-end', task, status: 'done-elsewhere' });
        continue;
      }
      if (!tryClaim(dir, task.id, me, staleMs)) {
        out.heldElsewhere.push(task.id);
        emit({ type: 'task-end', task, status: 'held-elsewhere' });
        continue;
      }
      if (existsSync(resultPath(dir, task.id))) {
        // published by another runner between the check above and the claim
        releaseClaim(dir, task.id, me);
        out.doneElsewhere.push(task.id);
        emit({ type: 'task-end', task, status: 'done-elsewhere' });
        continue;
      }
      held.add(task.id);
      emit({ type: 'task-start', task });
      const input: WorkerTask = { setup: opts.setup, command: plan.command, config: task.config, baseDir: plan.baseDir, workDir: workPath(dir, task.id) };
      const w0 = performance.now();
      let result: WorkerOutcome | undefined;
      let reason = '';
      try {
        result = pool ? ((await pool.run(input)) as WorkerOutcome) : await runWorkerTask(input);
      } catch (e) {
        reason = aborted ? 'run aborted' : oneLineError(e);
      }
      const run = { ...result?.run, wallSeconds: (performance.now() - w0) / 1000, host, pool: pool ? poolKind : 'in-process', shard: `${shard.index}/${shard.count}` };
      const head = `{"command":${JSON.stringify(plan.command)},"id":${JSON.stringify(task.id)},"index":${task.index},"params":${JSON.stringify(task.params)}`;
      if (result?.ok) {
        publishExclusive(resultPath(dir, task.id), `${head},"result":${result.resultJson},"run":${JSON.stringify(run)}}\n`);
        rmSync(failurePath(dir, task.id), { force: true });
        out.done.push(task.id);
        emit({ type: 'task-end', task, status: 'done', seconds: run.wallSeconds });
      } else if (result) {
        writeFileAtomic(failurePath(dir, task.id), `${head},"error":${JSON.stringify(result.error)},"stack":${JSON.stringify(result.stack ?? null)},"run":${JSON.stringify(run)}}\n`);
        out.failed.push({ id: task.id, error: result.error });
        emit({ type: 'task-end', task, status: 'failed', error: result.error, seconds: run.wallSeconds });
      } else {
        out.interrupted.push({ id: task.id, reason });
        emit({ type: 'task-end', task, status: 'interrupted', error: reason });
      }
      held.delete(task.id);
      releaseClaim(dir, task.id, me);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, workers) }, lane));
  } finally {
    clearInterval(heartbeat);
    opts.signal?.removeEventListener('abort', onAbort);
    for (const id of held) releaseClaim(dir, id, me);
    retireClaimant(me);
    await pool?.destroy();
  }
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}

