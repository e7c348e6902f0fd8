/**
 * `thermodiff sweep plan|run|status|merge`: many independent runs of one config-driven command over
 * a grid of config values, on local cores or as the elements of a Slurm job array or a Kubernetes
 * Indexed Job (docs/sweeps.md). Exit codes: 0 success; 2 bad input; 4 incomplete (a task failed or
 * was interrupted in `run`; missing or failed tasks in `merge` without --allow-partial).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { mergeSweep } from '../../sweep/mergeSweep.ts';
import { planSweep } from '../../sweep/planSweep.ts';
import { defaultWorkers, runSweep } from '../../sweep/runSweep.ts';
import { resolveShard } from '../../sweep/shard.ts';
import { readPlan, sweepStatus } from '../../sweep/sweepFolder.ts';
import { sweepCommand, sweepCommandNames } from '../../sweep/sweepRegistry.ts';
import { rowsToCsv } from '../../sweep/sweepRows.ts';
import { describeParams, type SweepFigure } from '../../sweep/sweepSpec.ts';
import { nonFiniteReplacer } from '../../sweep/stableJson.ts';
import { UsageError } from '../errors.ts';
import { parseIntFlag } from '../flags.ts';
import { checkOutputs, writeOutputs } from '../outputs.ts';
import { createProgress } from '../progress.ts';
import { SWEEP_SETUP } from '../sweepable/index.ts';

/** Exit code of an incomplete sweep (docs/cli.md). */
export const EXIT_INCOMPLETE = 4;

const list = (s: string | undefined) =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

function positiveInt(s: string, flag: string, min: number, max?: number): number {
  return parseIntFlag(s, flag, min, max);
}

function parseFigure(s: string): SweepFigure {
  const m = /^([^:]+):([^:]+)$/.exec(s);
  if (!m) throw new UsageError(`--figure: expected <quantity>:<axis> such as eta:process.g, got ${JSON.stringify(s)}`);
  return { y: m[1], x: m[2] };
}

const json = (v: unknown) => `${JSON.stringify(v, nonFiniteReplacer)}\n`;

export function register(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('plan, run (locally, as Slurm array elements or Kubernetes Indexed Job pods), check and merge a sweep of one command over a grid of config values')
    .addHelpText('after', '\nExit codes: 0 success, 2 bad input, 4 incomplete (failed or interrupted tasks; merge: missing or failed tasks without --allow-partial).\nSee docs/sweeps.md.');

  sweep
    .command('plan')
    .description(`expand a sweep file into tasks, validate every config, write <dir>/plan.json (sweepable: ${sweepCommandNames().join(', ')})`)
    .argument('<sweep>', 'sweep file: {"command", "config" (path or object), "grid": {"dotted.path": [values]}, "merge"}')
    .requiredOption('--out <dir>', 'sweep folder (new, or holding this same sweep)')
    .option('--json', 'print {tasks, created, dir} as JSON')
    .action((file: string, o: { out: string; json?: boolean }) => {
      const r = planSweep(file, o.out);
      if (o.json) {
        process.stdout.write(json({ dir: resolve(o.out), tasks: r.plan.tasks.length, created: r.created, command: r.plan.command, axes: r.plan.axes }));
        return;
      }
      for (const p of r.addedPaths) process.stderr.write(`note: grid path ${p} is not in the base config; it is added to every task\n`);
      process.stdout.write(`${r.plan.tasks.length} tasks of ${r.plan.command}${r.created ? '' : ' (already planned)'} in ${resolve(o.out)}\n`);
    });

  sweep
    .command('run')
    .description('run the unfinished tasks of a sweep folder (or of one shard) on long-lived workers; finished tasks are skipped')
    .argument('<dir>', 'sweep folder made by `sweep plan`')
    .option('--workers <k>', 'parallel workers (default: SLURM_CPUS_PER_TASK, else all cores; 0 = in this process)')
    .option('--pool <kind>', 'processes (isolated: a crash or OOM kill ends one worker) or threads', 'processes')
    .option('--shard <i/N>', 'run shard i of N (0-based; task k is in shard k mod N); default from SLURM_ARRAY_TASK_* or JOB_COMPLETION_INDEX')
    .option('--shards <N>', 'shard count for JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs: the completions)')
    .option('--retry-failed', 'run failed tasks again')
    .option('--stale-after <s>', 'take over a claim from another host not refreshed for this many seconds', '120')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the outcome as JSON')
    .action(async (dir: string, o: { workers?: string; pool: string; shard?: string; shards?: string; retryFailed?: boolean; staleAfter: string; quiet?: boolean; json?: boolean }) => {
      if (o.pool !== 'processes' && o.pool !== 'threads') throw new UsageError(`--pool: expected processes or threads, got ${JSON.stringify(o.pool)}`);
      const workers = o.workers === undefined ? defaultWorkers() : positiveInt(o.workers, '--workers', 0, 1024);
      const shards = o.shards === undefined ? undefined : positiveInt(o.shards, '--shards', 1);
      const staleSeconds = positiveInt(o.staleAfter, '--stale-after', 1, 1e9);
      const shard = resolveShard({ shard: o.shard, shards }, process.env);
      const plan = readPlan(dir);
      sweepCommand(plan.command, `${dir}/plan.json: command`);
      const progress = o.quiet ? null : createProgress();
      const abort = new AbortController();
      const onSignal = (sig: NodeJS.Signals) => {
        process.stderr.write(`\nthermodiff: ${sig}: stopping the workers; unfinished tasks stay pending\n`);
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let todo = 0;
      let ended = 0;
      let failed = 0;
      let running = 0;
      const bundledWorker = sweepWorkerBundle();
      const label = shard.count > 1 ? `sweep shard ${shard.index}/${shard.count}` : 'sweep';
      try {
        const r = await runSweep(dir, {
          setup: bundledWorker ?? SWEEP_SETUP,
          ...(bundledWorker ? { workerEntry: bundledWorker } : {}),
          workers,
          pool: o.pool,
          shard,
          retryFailed: o.retryFailed,
          staleSeconds,
          signal: abort.signal,
          onEvent: (e) => {
            if (e.type === 'start') {
              todo = e.todo;
              progress?.note(
                `${label}: ${e.selected} tasks (${e.alreadyDone} done before${e.skippedFailed ? `, ${e.skippedFailed} failed before (--retry-failed to rerun)` : ''}), ${e.todo} to run on ${e.workers} ${e.workers === 0 ? 'in-process runner' : o.pool === 'threads' ? 'worker threads' : 'worker processes'}`,
              );
              if (e.todo > 0) progress?.start(label, e.todo);
            } else if (e.type === 'task-start') {
              running++;
            } else {
              if (e.status === 'done' || e.status === 'failed' || e.status === 'interrupted') running--;
              ended++;
              if (e.status === 'failed') {
                failed++;
                progress?.note(`task ${e.task.index + 1} (${describeParams(e.task.params)}) failed: ${e.error}`);
              }
              if (e.status === 'interrupted' && !abort.signal.aborted) progress?.note(`task ${e.task.index + 1} (${describeParams(e.task.params)}) interrupted: ${e.error}`);
              progress?.update(ended, todo, `${ended - failed} ok, ${failed} failed, ${running} running`);
            }
          },
        });
        if (todo > 0) progress?.finish(`${r.done.length} done, ${r.failed.length} failed, ${r.interrupted.length} interrupted in ${r.seconds.toFixed(1)} s`);
        const incomplete = r.failed.length + r.interrupted.length + r.skippedFailed;
        if (o.json) process.stdout.write(json(r));
        else {
          const parts = [`${r.alreadyDone + r.done.length + r.doneElsewhere.length} of ${r.selected} tasks done`];
          if (r.failed.length + r.skippedFailed) parts.push(`${r.failed.length + r.skippedFailed} failed`);
          if (r.interrupted.length) parts.push(`${r.interrupted.length} interrupted (run again to finish)`);
          if (r.heldElsewhere.length) parts.push(`${r.heldElsewhere.length} running in another runner`);
          process.stdout.write(`${label}: ${parts.join(', ')}\n`);
        }
        if (incomplete > 0) process.exitCode = EXIT_INCOMPLETE;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  sweep
    .command('status')
    .description('done / failed / running / pending task counts of a sweep folder')
    .argument('<dir>', 'sweep folder')
    .option('--stale-after <s>', 'a claim from another host older than this many seconds counts as abandoned', '120')
    .option('--json', 'print JSON')
    .action((dir: string, o: { staleAfter: string; json?: boolean }) => {
      const plan = readPlan(dir);
      const s = sweepStatus(dir, plan, 1000 * positiveInt(o.staleAfter, '--stale-after', 1, 1e9));
      if (o.json) {
        process.stdout.write(json(s));
        return;
      }
      const lines = [`${s.tasks} tasks of ${plan.command}: ${s.done} done, ${s.failed} failed, ${s.running} running, ${s.pending} pending`];
      for (const f of s.failures) lines.push(`  failed: ${f.id} (${describeParams(f.params)}): ${f.error}`);
      if (s.foreign.length) lines.push(`  ignored: ${s.foreign.length} result files of tasks not in this plan`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  sweep
    .command('merge')
    .description('one row per task (grid values and result), summaries over --over axes, CSV, figures with error bars and report.md')
    .argument('<dir>', 'sweep folder')
    .option('--over <axes>', 'comma-separated grid axes to summarise over (mean, std, count); default: the sweep file\'s merge.over; "" for none')
    .option('--quantities <names>', 'result quantities for the report table and default figures (dotted paths)')
    .option('--figure <y:x>', 'a figure of quantity y against axis x (repeatable); default: the sweep file\'s merge.figures', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--report <dir>', 'folder for report.md and the figures (default <dir>/report)')
    .option('--csv <file>', 'also write the rows as CSV')
    .option('--json', 'print {tasks, done, failed, missing, rows, summary, ...} as JSON on stdout')
    .option('--allow-partial', 'merge what is finished even if tasks are missing or failed (exit 0)')
    .action(async (dir: string, o: { over?: string; quantities?: string; figure: string[]; report?: string; csv?: string; json?: boolean; allowPartial?: boolean }) => {
      const figuresOpt = o.figure.map(parseFigure);
      const { plan, merged } = mergeSweep(dir, { over: list(o.over) });
      for (const f of figuresOpt) if (!plan.axes.includes(f.x)) throw new UsageError(`--figure: ${JSON.stringify(f.x)} is not a grid axis (axes: ${plan.axes.join(', ')})`);
      if ((merged.failed || merged.missing) && !o.allowPartial) {
        const lines = [`thermodiff: incomplete sweep: ${merged.done} of ${merged.tasks} tasks done, ${merged.failed} failed, ${merged.missing} missing (--allow-partial merges what is there)`];
        for (const f of merged.failures) lines.push(`  failed: task ${f.index + 1} ${f.id} (${describeParams(f.params)}): ${f.error}`);
        for (const m of merged.missingTasks.slice(0, 20)) lines.push(`  missing: task ${m.index + 1} ${m.id} (${describeParams(m.params)})`);
        if (merged.missingTasks.length > 20) lines.push(`  ... and ${merged.missingTasks.length - 20} more missing`);
        process.stderr.write(`${lines.join('\n')}\n`);
        process.exitCode = EXIT_INCOMPLETE;
        return;
      }
      const quantities = list(o.quantities) ?? plan.merge.quantities ?? sweepCommand(plan.command, `${dir}/plan.json: command`).quantities;
      const firstAxis = plan.axes.find((a) => !merged.over.includes(a));
      const figures = figuresOpt.length ? figuresOpt : plan.merge.figures.length ? plan.merge.figures : firstAxis && quantities.length ? [{ y: quantities[0], x: firstAxis }] : [];
      const reportDir = o.report ?? resolve(dir, 'report');
      checkOutputs(
        [{ flag: '--report', path: reportDir, kind: 'dir', files: ['report.md'] }, ...(o.csv ? [{ flag: '--csv', path: o.csv }] : [])],
        [{ flag: 'sweep folder', path: resolve(dir, 'plan.json') }],
      );
      // charts and PNG (vega, resvg) load only here: see the start-up rule in commands/index.ts
      const { writeSweepReport } = await import('../../sweep/sweepReport.ts');
      const written = writeSweepReport(reportDir, plan, merged, { quantities, figures });
      if (o.csv) {
        const csv = o.csv;
        await writeOutputs((files) => files.write(csv, rowsToCsv(merged.rows, plan.axes)));
      }
      if (o.json) {
        process.stdout.write(json(merged));
        return;
      }
      process.stdout.write(`${merged.done} of ${merged.tasks} tasks merged${merged.failed ? `, ${merged.failed} failed` : ''}${merged.missing ? `, ${merged.missing} missing` : ''}; ${written.map((f) => resolve(reportDir, f)).join(', ')}${o.csv ? `, ${resolve(o.csv)}` : ''}\n`);
    });
}

/**
 * The worker module of the installed (bundled) CLI, `dist/cli/sweepWorker.js`, which registers the
 * sweepable commands itself; undefined when running from the TypeScript sources.
 */
function sweepWorkerBundle(): string | undefined {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return undefined;
  const i = here.lastIndexOf('/dist/cli/');
  return i < 0 ? undefined : `${here.slice(0, i)}/dist/cli/sweepWorker.js`;
}
