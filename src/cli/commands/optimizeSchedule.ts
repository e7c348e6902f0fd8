/**
 * `thermodiff optimize-schedule (--config FILE | --model RUN) [--nfe K] [--solver euler|heun]
 *  [--nfe-sweep 2,4,..] [--sweep-solvers euler,heun] [--schedule-file F] [--schedule-out F]
 *  [--out grid.json] [--report DIR] [--json]`: thermodynamic length and the constant-speed time change
 * of a path, and step grids at a fixed NFE (docs/schedules.md). Exit codes: 0 ok, 2 bad input,
 * 3 a non-finite or unconverged computation.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { NumericalError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { type ModelStudyInputs, optimizeScheduleForModel } from '../../grids/modelStudy.ts';
import type { FlowModel } from '../../nn/models/flowModel.ts';
import { parseTrainConfig } from '../../config/trainConfig.ts';
import { parseOptimizeScheduleConfig } from '../../config/optimizeScheduleConfig.ts';
import { type OptimizeScheduleOptions, type OptimizeScheduleResult, optimizeSchedule } from '../../grids/optimizeSchedule.ts';
import { parseScheduleFile } from '../../schedules/scheduleFile.ts';
import { UsageError } from '../errors.ts';
import { readJsonFile } from '../../io/files.ts';
import { parseIntFlag, parseSeedFlag } from '../flags.ts';
import { checkBudget, formatCount } from '../limits.ts';
import { checkOutputs, writeOutputs } from '../outputs.ts';
import { freshData, loadModelArg, modelSchedule, priorSamples, trainConfigJson } from './sample.ts';
import { STREAMS } from './train.ts';

function intOpt(v: unknown, name: string, min: number, max: number): number | undefined {
  return v === undefined ? undefined : parseIntFlag(v, name, min, max);
}

function listOpt<T>(v: unknown, name: string, parse: (s: string) => T): T[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new UsageError(`${name}: expected a comma-separated list, got ${v}`);
  return parts.map(parse);
}

/** Largest NFE of a grid (a grid of 10^4 steps is already far past any sampler's budget). */
const MAX_NFE = 10000;

/** Options from the command line (only those given; they override the config's `optimize` block). */
function cliOptions(o: Record<string, unknown>): OptimizeScheduleOptions {
  const out: OptimizeScheduleOptions = {};
  const nfe = intOpt(o.nfe, '--nfe', 1, MAX_NFE);
  if (nfe !== undefined) out.nfe = nfe;
  if (o.solver !== undefined) {
    if (o.solver !== 'euler' && o.solver !== 'heun') throw new UsageError(`--solver: expected euler or heun, got ${o.solver}`);
    out.solver = o.solver;
  }
  const sweep = listOpt(o.nfeSweep, '--nfe-sweep', (s) => {
    return parseIntFlag(s, '--nfe-sweep', 1, MAX_NFE);
  });
  if (sweep) out.nfeSweep = sweep;
  const solvers = listOpt(o.sweepSolvers, '--sweep-solvers', (s) => {
    if (s !== 'euler' && s !== 'heun') throw new UsageError(`--sweep-solvers: expected euler or heun, got ${s}`);
    return s;
  });
  if (solvers) out.sweepSolvers = solvers;
  const panels = intOpt(o.panels, '--panels', 4, 100000);
  if (panels !== undefined) out.panels = panels;
  const starts = intOpt(o.starts, '--starts', 2, 1e6);
  if (starts !== undefined) out.optStarts = starts;
  const evalStarts = intOpt(o.evalStarts, '--eval-starts', 2, 1e6);
  if (evalStarts !== undefined) out.evalStarts = evalStarts;
  const seed = o.seed === undefined ? undefined : parseSeedFlag(o.seed);
  if (seed !== undefined) out.seed = seed;
  const it = intOpt(o.maxIterations, '--max-iterations', 0, 100000);
  if (it !== undefined) out.maxIterations = it;
  if (o.multiStart !== undefined) out.multiStart = o.multiStart === true;
  return out;
}

/**
 * Refuse an optimisation whose Levenberg-Marquardt Jacobian cannot fit in memory: the residual
 * Jacobian (starts x dim rows, steps - 1 columns, float64), the states kept at every grid time and
 * a product of the same size: about 24 x starts x dim x (steps + 2) bytes at the largest NFE.
 * @throws UsageError with the estimate (see limits.ts)
 */
export function checkOptimizeBudget(o: OptimizeScheduleOptions, dim: number): void {
  const nfe = Math.max(o.nfe ?? 8, ...(o.nfeSweep ?? []));
  const starts = Math.max(o.optStarts ?? 1000, o.evalStarts ?? 1000);
  checkBudget({
    what: `grids of NFE ${nfe} on ${formatCount(starts)} starts of dim ${dim}`,
    bytes: 64 * 2 ** 20 + 24 * starts * dim * (nfe + 2),
    hint: 'use fewer --starts/--eval-starts or a smaller --nfe',
  });
}

/**
 * Starts and held-out data of a model study: two independent source draws (optimisation and
 * evaluation) from the seed, and two held-out data sets regenerated from the training config (streams
 * of their own, never the training points; omitted when the model has no training config).
 */
export function modelStudyInputs(model: FlowModel, o: { nOpt: number; nEval: number; seed: number; label: string }): ModelStudyInputs {
  const rng = new Rng(o.seed);
  const optStarts = Float64Array.from(priorSamples(model, o.nOpt, rng).data);
  const evalStarts = Float64Array.from(priorSamples(model, o.nEval, rng).data);
  let schedule = null;
  let scheduleBase: ModelStudyInputs['scheduleBase'];
  try {
    schedule = modelSchedule(model);
    const stored = model.meta.scheduleFile as { base?: { name: string; options?: Record<string, number> }; timeChange?: unknown } | undefined;
    // A model trained on a schedule file: export relative to the file's base only if the file has no
    // time change of its own (two time changes are not composed).
    if (!stored) scheduleBase = { name: model.scheduleName, options: model.meta.scheduleOptions ?? {} };
    else if (stored.base && !stored.timeChange) scheduleBase = { name: stored.base.name, options: stored.base.options ?? {} };
  } catch {
    schedule = null; // a schedule namedSchedule does not know: no EDM / log-SNR grids, no export
  }
  const inputs: ModelStudyInputs = { optStarts, evalStarts, schedule, scheduleBase, label: o.label };
  const cfgJson = trainConfigJson(model);
  if (cfgJson) {
    const cfg = parseTrainConfig(cfgJson, 'model.json training.config');
    const seed = cfg.seed + 1000003 * (o.seed + 1);
    inputs.data = freshData(cfg.data, o.nEval, seed, STREAMS.heldOut, 'held-out data');
    inputs.data2 = freshData(cfg.data, o.nEval, seed, STREAMS.heldOut2, 'held-out data');
  }
  return inputs;
}

function fmt(x: number | undefined): string {
  if (x === undefined) return '-';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(3) : x.toPrecision(4);
}

/** A plain-text summary of a result. */
export function optimizeScheduleTable(r: OptimizeScheduleResult): string {
  const lines = [
    `path: ${r.protocol} (${r.dim}-D, tau = ${r.tau}); field: ${r.field}`,
    `thermodynamic length L = ${r.L.toPrecision(6)}; c2 = ${r.c2.toPrecision(6)}; constant speed: c2 = L^2/tau = ${r.c2ConstantSpeed.toPrecision(6)} (recomputed on the new clock: ${r.c2After.toPrecision(6)})`,
    '',
    `grids at NFE ${r.nfe} (${r.solver}, ${r.steps} steps); endpoint error = RMS distance to a fine-step solution from the same starts${r.w2Measure ? '; W2 to the data' : ''}`,
    `${'grid'.padEnd(14)}${'endpoint err'.padStart(14)}${'W2 to data'.padStart(14)}  note`,
  ];
  for (const g of r.grids) {
    const note = g.optimisation ? `from ${g.optimisation.start}, ${g.optimisation.iterations} LM iterations${g.optimisation.keptStandard ? ', standard grid kept' : ''}` : '';
    lines.push(`${g.name.padEnd(14)}${fmt(g.endpointError).padStart(14)}${fmt(g.w2).padStart(14)}  ${note}`);
  }
  if (r.w2DataNoise !== undefined) lines.push(`(W2 between two held-out data sets of the same size: ${fmt(r.w2DataNoise)})`);
  for (const s of r.sweep) {
    lines.push('', `error vs NFE (${s.solver}, endpoint error${s.grids.some((g) => g.w2.some((v) => v !== null)) ? ' / W2' : ''})`);
    lines.push(`${'grid'.padEnd(14)}${s.nfe.map((k) => `NFE ${k}`.padStart(20)).join('')}`);
    for (const g of s.grids) lines.push(`${g.name.padEnd(14)}${g.endpointError.map((v, i) => `${fmt(v)}${g.w2[i] === null ? '' : ` / ${fmt(g.w2[i] as number)}`}`.padStart(20)).join('')}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}

/** @throws NumericalError naming every non-finite L, c2, c2ConstantSpeed, endpoint error or W2 of a result. */
export function checkFinite(r: OptimizeScheduleResult): void {
  const bad: string[] = [];
  for (const [k, v] of [
    ['L', r.L],
    ['c2', r.c2],
    ['c2ConstantSpeed', r.c2ConstantSpeed],
  ] as const) {
    if (!Number.isFinite(v)) bad.push(`${k} = ${v}`);
  }
  for (const g of r.grids) if (!Number.isFinite(g.endpointError) || (g.w2 !== undefined && !Number.isFinite(g.w2))) bad.push(`grid ${g.name}: endpoint error ${g.endpointError}, W2 ${g.w2}`);
  if (bad.length > 0) throw new NumericalError(`non-finite result: ${bad.join('; ')}`);
}

export function register(program: Command): void {
  program
    .command('optimize-schedule')
    .description('thermodynamic length and constant-speed time change of a path; step grids (uniform, EDM, log-SNR, equal length, optimised) at a fixed NFE for the probability-flow ODE')
    .option('--config <file>', 'speed-accuracy config (data, schedule, tau; optional "optimize" block)')
    .option('--model <run>', 'a trained model (run or model folder) instead of --config: grids from its own velocity')
    .option('--nfe <k>', 'NFE budget (default 8)')
    .option('--solver <s>', 'euler | heun (default euler; Heun with an odd NFE ends with an Euler step)')
    .option('--nfe-sweep <list>', 'also compare the grids at these NFE values, e.g. 2,4,8,16,32,64 (default with --report)')
    .option('--sweep-solvers <list>', 'solvers of the sweep, e.g. euler,heun (default: --solver)')
    .option('--schedule-file <file>', 'run on the schedule of a schedule file (e.g. one written by --schedule-out) instead of the config\'s')
    .option('--schedule-out <file>', 'write the constant-speed schedule as a schedule file')
    .option('--out <file>', 'write the result JSON (its grids are read by `sample --grid`)')
    .option('--report <dir>', 'write report.md and figures (speed, grids, error vs NFE)')
    .option('--starts <n>', 'sampled fields: optimisation starts (default 1000)')
    .option('--eval-starts <n>', 'sampled fields: evaluation starts and data points (default 1000)')
    .option('--seed <s>', 'sampled fields: seed of every draw (default 0)')
    .option('--panels <n>', 'panels of the thermodynamic-length table (default 128 in 1-D, 48 sampled)')
    .option('--max-iterations <n>', 'Levenberg-Marquardt iterations of the grid optimiser')
    .option('--multi-start', 'optimise from every standard grid, not only the best (default in 1-D)')
    .option('--no-multi-start', 'optimise from the best standard grid only (default for sampled fields and models)')
    .option('--json', 'print the result as one JSON object')
    .addHelpText('after', '\nExit codes: 0 success, 1 internal error, 2 bad input, 3 a non-finite or unconverged result.')
    .action(async (o: Record<string, unknown>) => {
      if ((o.config === undefined) === (o.model === undefined)) throw new UsageError('expected exactly one of --config and --model');
      const opts = cliOptions(o);
      const modelDir = o.model === undefined ? null : resolve(String(o.model));
      checkOutputs(
        [
          ...(o.out === undefined ? [] : [{ flag: '--out', path: String(o.out) }]),
          ...(o.scheduleOut === undefined ? [] : [{ flag: '--schedule-out', path: String(o.scheduleOut) }]),
          ...(o.report === undefined ? [] : [{ flag: '--report', path: String(o.report), kind: 'dir' as const, files: ['report.md', 'result.json'] }]),
        ],
        [
          ...(o.config === undefined ? [] : [{ flag: '--config', path: String(o.config) }]),
          ...(o.scheduleFile === undefined ? [] : [{ flag: '--schedule-file', path: String(o.scheduleFile) }]),
          ...(modelDir ? ['model.json', 'weights.bin'].flatMap((f) => [join(modelDir, f), join(modelDir, 'model', f)]).map((path) => ({ flag: '--model', path })) : []),
        ],
      );
      if (o.report !== undefined && opts.nfeSweep === undefined) opts.nfeSweep = [2, 4, 8, 16, 32, 64];
      let result: OptimizeScheduleResult;
      try {
        if (o.config !== undefined) {
          const json = readJsonFile(String(o.config)) as Record<string, unknown>;
          if (o.scheduleFile !== undefined && json && typeof json === 'object') json.schedule = readJsonFile(String(o.scheduleFile));
          const config = parseOptimizeScheduleConfig(json, o.scheduleFile !== undefined ? `config (schedule from ${o.scheduleFile})` : 'config');
          if (o.scheduleOut !== undefined && (config.process || config.schedule === 'ot')) {
            throw new UsageError(`--schedule-out: ${config.process ? 'a linear-force process' : 'the OT protocol'} has no (m, sigma) schedule to time-change`);
          }
          if (config.data.dim === 1 && !config.process) {
            // exact 1-D: quadrature nodes, no sampled starts
            for (const [k, flag] of [['starts', '--starts'], ['evalStarts', '--eval-starts'], ['seed', '--seed']] as const) {
              if (o[k] !== undefined) throw new UsageError(`${flag}: one-dimensional mixtures are computed exactly on quadrature nodes; there are no sampled starts`);
            }
          } else {
            checkOptimizeBudget({ ...config.options, ...opts }, config.data.dim);
          }
          result = await optimizeSchedule({ ...config, options: { ...config.options, ...opts } });
        } else {
          if (o.scheduleFile !== undefined) throw new UsageError('--schedule-file applies to --config runs (a model keeps the schedule it was trained with)');
          const model = await loadModelArg(String(o.model));
          checkOptimizeBudget(opts, model.dim);
          const inputs = modelStudyInputs(model, { nOpt: opts.optStarts ?? 1000, nEval: opts.evalStarts ?? 1000, seed: opts.seed ?? 0, label: String(o.model) });
          result = await optimizeScheduleForModel(model, inputs, opts);
        }
        checkFinite(result);
      } catch (e) {
        if (!(e instanceof NumericalError)) throw e;
        process.stderr.write(`thermodiff: error: the computation did not produce a finite, converged result: ${e.message}\n`);
        process.exitCode = 3;
        return;
      }
      const json = JSON.stringify(result);
      // Render the report (vega is loaded only here) before anything is written.
      const rep = o.report === undefined ? null : (await import('../../report/optimizeScheduleReport.ts')).optimizeScheduleReport(result);
      // Validate the schedule file by reading it back through the parser before anything is written.
      if (result.scheduleFile) parseScheduleFile(JSON.parse(JSON.stringify(result.scheduleFile)), 'exported schedule file');
      if (o.scheduleOut !== undefined && !result.scheduleFile) {
        throw new UsageError('--schedule-out: this path has no named (m, sigma) schedule to time-change (OT protocol, linear-force process, or a schedule file that is already time-changed)');
      }
      await writeOutputs((files) => {
        if (o.scheduleOut !== undefined) files.write(resolve(String(o.scheduleOut)), `${JSON.stringify(result.scheduleFile, null, 1)}\n`);
        if (o.out !== undefined) files.write(resolve(String(o.out)), `${json}\n`);
        if (rep) {
          const dir = resolve(String(o.report));
          for (const f of rep.figures) files.write(join(dir, f.name), f.png);
          files.write(join(dir, 'report.md'), rep.markdown);
          files.write(join(dir, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
        }
      });
      process.stdout.write(o.json ? `${json}\n` : optimizeScheduleTable(result));
    });
}
