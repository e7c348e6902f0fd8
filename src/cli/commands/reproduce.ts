/**
 * `thermodiff reproduce [names...] [--out DIR] [--quick] [--seed S]`: run the registered paper
 * reproductions (src/experiments/registry.ts) and write results.json, PNG figures and report.md
 * into the output folder. Progress goes to stderr; stdout gets only the final summary.
 */
import { cpus, platform, release } from 'node:os';
import { isAbsolute, join, normalize, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Experiment } from '../../experiments/experiment.ts';
import { UsageError } from '../errors.ts';
import { parseIntFlag, parseSeedFlag } from '../flags.ts';
import { checkOutputs, type OutputSet, writeOutputs } from '../outputs.ts';
import { lazyHelp } from '../lazyHelp.ts';
import { createProgress, type Progress } from '../progress.ts';
import type { ReproduceWorkerTask } from '../reproduceWorker.ts';
import { makeWorkerPool } from '../../sweep/workerPool.ts';
import { thermodiffVersion } from '../version.ts';

/** Options of {@link runReproduce}. */
export interface ReproduceOptions {
  /** Experiment names; empty = every experiment with `runsByDefault`. */
  names: string[];
  /** Output folder (created if missing). */
  out: string;
  quick: boolean;
  seed: number;
  /** Experiments to choose from. @default the registry */
  experiments?: readonly Experiment[];
  /** Progress sink. @default stderr progress (bar on a TTY, terse lines otherwise) */
  progress?: Progress;
  /**
   * Worker threads for experiments that split into independent tasks (`Experiment.tasks`, e.g. the
   * Swiss roll's protocol runs); 1 runs everything in this thread. Results are the same bits either way.
   * @default 1
   */
  jobs?: number;
}

/** What a reproduce run did. */
export interface ReproduceSummary {
  out: string;
  ran: { name: string; seconds: number }[];
  skipped: { name: string; reason: string }[];
  failed: { name: string; error: string }[];
  /** Files written, relative to `out`. */
  files: string[];
  seconds: number;
}

function selectExperiments(names: string[], list: readonly Experiment[]): Experiment[] {
  if (names.length === 0) return list.filter((e) => e.runsByDefault);
  if (names.includes('all')) return [...list];
  const known = [...list.map((e) => e.name), 'all'];
  const chosen: Experiment[] = [];
  for (const n of names) {
    const e = list.find((x) => x.name === n);
    if (!e) throw new UsageError(`unknown experiment ${JSON.stringify(n)} (expected one of: ${known.join(', ')})`);
    if (!chosen.includes(e)) chosen.push(e);
  }
  return chosen;
}

function safeRelPath(rel: string, experiment: string): string {
  const n = normalize(rel);
  if (isAbsolute(n) || n.startsWith('..') || n === '.' || n === '') {
    throw new Error(`experiment ${experiment} tried to write outside the output folder: ${rel}`);
  }
  return n;
}

function reportHeader(opts: ReproduceOptions, summary: ReproduceSummary, started: Date): string {
  const cpu = cpus();
  const lines = [
    '# thermodiff reproduction report',
    '',
    'Paper: K. Ikeda, T. Uda, D. Okanohara, S. Ito, "Speed-accuracy relations for diffusion models: Wisdom from ' +
      'nonequilibrium thermodynamics and optimal transport", Phys. Rev. X 15, 031031 (2025).',
    '',
    `- date: ${started.toISOString()}`,
    `- machine: ${cpu[0]?.model?.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${platform()} ${release()}, Node ${process.versions.node}`,
    `- thermodiff version: ${thermodiffVersion()}`,
    `- seed: ${opts.seed}${opts.quick ? ' (quick run: reduced sizes)' : ''}`,
    `- experiments run: ${summary.ran.map((r) => `${r.name} (${r.seconds.toFixed(1)} s)`).join(', ') || 'none'}`,
  ];
  if (summary.skipped.length > 0) lines.push(`- skipped: ${summary.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`);
  if (summary.failed.length > 0) lines.push(`- FAILED: ${summary.failed.map((s) => `${s.name} (${s.error})`).join('; ')}`);
  lines.push(`- total time: ${summary.seconds.toFixed(1)} s`, '');
  return lines.join('\n');
}

/**
 * Run the selected experiments and write `results.json` (results keyed by experiment name),
 * the figures and `report.md` into `opts.out`, all files as one set (renamed into place at the end;
 * nothing is written when the run is interrupted). An experiment whose
 * `unavailableReason()` is set is reported and skipped; one that throws is recorded as failed and
 * the others still run. results.json and report.md describe this run only (they are rewritten).
 * @throws UsageError for an unknown experiment name or an --out that is a file; InputError if the
 *   folder cannot be created.
 */
export async function runReproduce(opts: ReproduceOptions): Promise<ReproduceSummary> {
  // the registry loads every experiment (and vega): only when reproduce runs (see commands/index.ts)
  const list = opts.experiments ?? (await import('../../experiments/registry.ts')).experiments;
  const chosen = selectExperiments(opts.names, list);
  const dir = resolve(opts.out);
  checkOutputs([{ flag: '--out', path: dir, kind: 'dir', files: ['results.json', 'report.md'] }]);
  return writeOutputs((files) => runChosen(opts, chosen, dir, files));
}

async function runChosen(opts: ReproduceOptions, chosen: Experiment[], dir: string, files: OutputSet): Promise<ReproduceSummary> {
  const progress = opts.progress ?? createProgress();
  const started = new Date();
  const t0 = performance.now();
  const summary: ReproduceSummary = { out: dir, ran: [], skipped: [], failed: [], files: [], seconds: 0 };
  const results: Record<string, unknown> = {};
  const sections: string[] = [];
  const jobs = opts.jobs ?? 1;
  const pool = jobs > 1 && chosen.some((e) => e.tasks) ? makeWorkerPool(reproduceWorkerEntry(), 'threads', jobs) : null;
  try {
    for (const exp of chosen) await runOne(exp);
  } finally {
    await pool?.destroy();
  }
  summary.seconds = (performance.now() - t0) / 1000;
  files.write(join(dir, 'results.json'), JSON.stringify(results, null, 1) + '\n');
  summary.files.push('results.json');
  files.write(join(dir, 'report.md'), [reportHeader(opts, summary, started), ...sections].join('\n'));
  summary.files.push('report.md');
  return summary;

  async function runOne(exp: Experiment): Promise<void> {
    const reason = exp.unavailableReason?.();
    if (reason) {
      summary.skipped.push({ name: exp.name, reason });
      progress.note(`skipped ${exp.name}: ${reason}`);
      sections.push(`## ${exp.title}\n\nSkipped: ${reason}\n`);
      return;
    }
    const te = performance.now();
    progress.start(exp.name, 1);
    try {
      const output = await exp.run({
        seed: opts.seed,
        quick: opts.quick,
        ...(pool
          ? {
              parallel: <T, R>(task: string, inputs: T[], onDone?: (index: number) => void): Promise<R[]> =>
                Promise.all(
                  inputs.map(async (input, i) => {
                    const r = (await pool.run({ experiment: exp.name, task, input } satisfies ReproduceWorkerTask)) as R;
                    onDone?.(i);
                    return r;
                  }),
                ),
            }
          : {}),
        onProgress: (done, total, label) => progress.update(done, total, label),
        writeFile: (rel, content) => {
          const safe = safeRelPath(rel, exp.name);
          files.write(join(dir, safe), content);
          if (!summary.files.includes(safe)) summary.files.push(safe);
        },
      });
      const seconds = (performance.now() - te) / 1000;
      results[exp.name] = output.results;
      sections.push(output.reportSection.trimEnd() + '\n');
      summary.ran.push({ name: exp.name, seconds });
      progress.finish(`done in ${seconds.toFixed(1)} s`);
    } catch (e) {
      const msg = (e as Error)?.message ?? String(e);
      summary.failed.push({ name: exp.name, error: msg });
      progress.finish(`FAILED: ${msg}`);
      sections.push(`## ${exp.title}\n\nFailed: ${msg}\n`);
    }
  }
}

/** The worker module: beside this command's source under tsx, the bundled one in an installed CLI. */
function reproduceWorkerEntry(): string {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('../reproduceWorker.ts', here).href;
  const i = here.lastIndexOf('/dist/cli/');
  if (i < 0) throw new Error(`reproduce --jobs: cannot locate the worker bundle from ${here}`);
  return `${here.slice(0, i)}/dist/cli/reproduceWorker.js`;
}

/** Register `thermodiff reproduce`. */
export function register(program: Command): void {
  const cmd = program
    .command('reproduce')
    .description('reproduce the paper\'s experiments: results.json, PNG figures and report.md')
    .argument('[names...]', 'experiments to run (listed below), or "all" (default: those that run by default)')
    .option('--out <dir>', 'output folder', 'out')
    .option('--quick', 'reduced sizes (for tests; the report says so)', false)
    .option('--seed <n>', 'random seed', '1')
    .option('--jobs <k>', 'worker threads for experiments made of independent runs (swiss-roll); results are identical for any k', '1')
    .action(async (names: string[], o: { out: string; quick: boolean; seed: string; jobs: string }) => {
      const seed = parseSeedFlag(o.seed);
      const jobs = parseIntFlag(o.jobs, '--jobs', 1, 1024);
      const s = await runReproduce({ names, out: o.out, quick: Boolean(o.quick), seed, jobs });
      const figures = s.files.filter((f) => f.endsWith('.png')).length;
      const parts = [`wrote ${join(o.out, 'report.md')}, ${join(o.out, 'results.json')} and ${figures} figure${figures === 1 ? '' : 's'}`];
      if (s.ran.length > 0) parts.push(`ran ${s.ran.map((r) => `${r.name} (${r.seconds.toFixed(1)} s)`).join(', ')}`);
      if (s.skipped.length > 0) parts.push(`skipped ${s.skipped.map((r) => `${r.name} (${r.reason})`).join(', ')}`);
      if (s.failed.length > 0) parts.push(`FAILED ${s.failed.map((r) => r.name).join(', ')}`);
      process.stdout.write(`${parts.join('; ')}; total ${s.seconds.toFixed(1)} s\n`);
      if (s.failed.length > 0) process.exitCode = 1;
    });
  lazyHelp(cmd, async () => {
    const { experiments } = await import('../../experiments/registry.ts');
    return `\nExperiments:\n${experiments.map((e) => `  ${e.name}${e.runsByDefault ? '' : ' (not by default)'}: ${e.title}`).join('\n')}`;
  });
}
