/**
 * `thermodiff sample --model DIR --n N --solver S (--steps K | --grid FILE) --out FILE.npy [--seed S] [--json]`:
 * draw n points from the model's source at t = tau and integrate the probability-flow ODE to t = 0
 * (`euler`, `heun`, `rk4` with K steps, `dopri5` adaptive with --rtol/--atol), or the reverse SDE
 * with the velocity-implied score (`--solver sde`, K Euler-Maruyama steps). Writes an [n, dim]
 * float32 .npy and prints the NFE.
 */
import { existsSync, statfsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.ts';
import type { Points } from '../../core/points.ts';
import { Rng } from '../../core/rng.ts';
import type { FlowModel } from '../../nn/models/flowModel.ts';
import { integrateFlow } from '../../nn/sample/integrateFlow.ts';
import { loadFlowModel } from '../../nn/models/loadFlowModel.ts';
import { sampleReverseSde } from '../../nn/sample/sampleReverseSde.ts';
import { parseTrainConfig, type TrainConfig } from '../../config/trainConfig.ts';
import { namedSchedule } from '../../schedules/namedSchedule.ts';
import type { Schedule } from '../../schedules/schedule.ts';
import { UsageError } from '../errors.ts';
import { readJsonFile } from '../../io/files.ts';
import { parseChoiceFlag, parseIntFlag, parsePositiveFlag, parseSeedFlag } from '../flags.ts';
import { checkBudget, formatBytes, formatCount } from '../limits.ts';
import { checkOutputs, writeOutputs } from '../outputs.ts';
import { parseGridFile } from '../../grids/gridFile.ts';
import { parseScheduleFile } from '../../schedules/scheduleFile.ts';
import { loadDataset, STREAMS } from './train.ts';

/** The training config recorded in a model's model.json (unparsed), or undefined. */
export function trainConfigJson(model: FlowModel): unknown {
  return (model.meta.training as { config?: unknown } | undefined)?.config;
}

/**
 * n fresh points of a training config's dataset (`cfg.data` or `cfg.source`) on random stream
 * `stream` of `seed` (never the training points); a file dataset gives the whole file.
 */
export function freshData(spec: TrainConfig['data'], n: number, seed: number, stream: number, where: string, baseDir = process.cwd()): Points {
  return loadDataset({ ...spec, n: spec.kind === 'npy' ? spec.n : n }, seed, stream, baseDir, where);
}

/**
 * The model's schedule: from the schedule file it was trained with, else rebuilt by name.
 * @throws InputError for a schedule namedSchedule does not know, or an invalid stored schedule file.
 */
export function modelSchedule(model: FlowModel): Schedule {
  if (model.meta.scheduleFile) return parseScheduleFile(model.meta.scheduleFile, 'model.json scheduleFile').schedule;
  return namedSchedule(model.scheduleName, model.tau, model.meta.scheduleOptions ?? {});
}

/**
 * n draws from the model's source at t = tau: sigma(tau) N(0, I) for a Gaussian source (the data
 * term m(tau) y is dropped; it is exactly 0 for cond-OT and cosine), or fresh points of the source
 * dataset recorded in the model's training config.
 */
export function priorSamples(model: FlowModel, n: number, rng: Rng, baseDir = process.cwd()): Points {
  const d = model.dim;
  if (model.meta.source === 'gaussian') {
    const sig = modelSchedule(model).sigma(model.tau);
    const data = new Float64Array(n * d);
    for (let i = 0; i < n * d; i++) data[i] = sig * rng.normal();
    return { data, n, dim: d };
  }
  const cfg = parseTrainConfig(trainConfigJson(model), 'model.json training.config');
  if (cfg.source === 'gaussian') throw new InputError('source dataset missing from the training config', 'model.json');
  const src = freshData(cfg.source, n, rng.nextUint32(), STREAMS.source, 'source', baseDir);
  if (src.n < n) throw new InputError(`source dataset has ${src.n} points, ${n} requested`, 'source');
  if (src.n === n) return src;
  // a file source: draw n points with replacement
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const j = rng.int(src.n);
    for (let k = 0; k < d; k++) data[i * d + k] = src.data[j * d + k];
  }
  return { data, n, dim: d };
}

/** Rows of one sampling batch: activations of about 128 MB whatever the model (1024 to 65536 rows). */
export function sampleBatchRows(dim: number, hidden: readonly number[]): number {
  const perRow = 16 * (hidden.reduce((a, b) => a + b, 0) + 16 * dim);
  return Math.max(1024, Math.min(65536, Math.floor(2 ** 27 / perRow)));
}

/** Samples drawn in the --png scatter plot (the first ones; the .npy holds all). */
export const PNG_MAX_POINTS = 10000;

/** Model evaluations per sample: exact for the fixed-step solvers, a lower bound (two steps) for dopri5. */
function evaluationsPerSample(solver: string, steps: number): number {
  if (solver === 'euler') return steps;
  if (solver === 'heun') return 2 * steps;
  if (solver === 'rk4') return 4 * steps;
  if (solver === 'sde') return steps + 40; // + 10 RK4 steps of the ODE part next to tau
  return 12;
}

/** Optimistic cost of one model evaluation on one sample, seconds (2e11 flop/s, at least 10 ns). */
export function secondsPerEvaluation(dim: number, hidden: readonly number[]): number {
  const widths = [dim + 1, ...hidden, dim];
  let flops = 0;
  for (let i = 1; i < widths.length; i++) flops += 2 * widths[i - 1] * widths[i];
  return Math.max(flops / 2e11, 1e-8);
}

/** Free bytes of the file system holding `path` (or its nearest existing folder); Infinity when unknown. */
export function freeBytes(path: string): number {
  let d = resolve(path);
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  try {
    const st = statfsSync(d);
    return st.bavail * st.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** The header of a float32 C-order .npy of shape [rows, cols] (format 1.0, as io/npy.ts writes it). */
export function npyFloat32Header(rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

export function register(program: Command): void {
  program
    .command('sample')
    .description('generate samples from a trained flow model (probability-flow ODE or reverse SDE), streamed in batches (bounded memory)')
    .requiredOption('--model <dir>', 'model folder (model.json + weights.bin), or a run folder containing model/')
    .requiredOption('--n <n>', 'number of samples')
    .requiredOption('--out <file.npy>', 'output .npy file')
    .option('--solver <s>', 'euler | heun | rk4 | dopri5 | sde', 'dopri5')
    .option('--steps <k>', 'steps of the fixed-step solvers and the SDE', '100')
    .option('--rtol <x>', 'dopri5 relative tolerance', '1e-5')
    .option('--atol <x>', 'dopri5 absolute tolerance', '1e-5')
    .option('--seed <s>', 'seed of the source draws (and SDE noise)', '0')
    .option('--grid <file>', 'fixed-step grid from tau to 0 (an optimize-schedule --out file, a {"times": [...]} object or an array); the solver defaults to the grid\'s')
    .option('--grid-name <name>', 'which grid of an optimize-schedule file', 'optimised')
    .option('--png <file.png>', `2-D models: scatter plot of the first ${PNG_MAX_POINTS} samples over fresh data from the training config`)
    .option('--json', 'print a JSON summary')
    .addHelpText('after', '\nExit codes: 0 success, 2 bad input or a request beyond the memory/time/disk limits (nothing written), 3 non-finite velocities (nothing written). See docs/cli.md.')
    .action(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const explicit = (k: string) => cmd.getOptionValueSource(k) !== 'default';
      const n = parseIntFlag(o.n, '--n', 1);
      const steps = parseIntFlag(o.steps, '--steps', 1);
      const seed = parseSeedFlag(o.seed);
      const rtol = parsePositiveFlag(o.rtol, '--rtol', 1);
      const atol = parsePositiveFlag(o.atol, '--atol');
      let solver: string = parseChoiceFlag(o.solver, '--solver', ['euler', 'heun', 'rk4', 'dopri5', 'sde'] as const);
      if (o.grid === undefined && explicit('gridName')) throw new UsageError('--grid-name needs --grid');
      if (o.grid !== undefined) {
        if (explicit('steps')) throw new UsageError('--steps and --grid are alternatives (the grid fixes the steps)');
        if (explicit('solver') && !['euler', 'heun', 'rk4'].includes(solver)) throw new UsageError(`--grid: expected a fixed-step solver (euler, heun, rk4), got ${solver}`);
      }
      if (explicit('steps') && solver === 'dopri5') throw new UsageError('--steps: dopri5 chooses its own steps (use --rtol/--atol, or a fixed-step --solver)');
      for (const k of ['rtol', 'atol'] as const) {
        if (explicit(k) && (solver !== 'dopri5' || o.grid !== undefined)) throw new UsageError(`--${k}: only used by --solver dopri5, not ${o.grid !== undefined ? 'with --grid' : solver}`);
      }
      const out = resolve(String(o.out));
      const modelDir = resolve(String(o.model));
      const inputs = [
        ...['model.json', 'weights.bin'].flatMap((f) => [join(modelDir, f), join(modelDir, 'model', f)]).map((path) => ({ flag: '--model', path })),
        ...(o.grid === undefined ? [] : [{ flag: '--grid', path: String(o.grid) }]),
      ];
      checkOutputs([{ flag: '--out', path: out }, ...(o.png === undefined ? [] : [{ flag: '--png', path: String(o.png) }])], inputs);
      const model = await loadModelArg(String(o.model));
      const grid = o.grid === undefined ? null : parseGridFile(readJsonFile(String(o.grid)), model.tau, String(o.grid), String(o.gridName));
      if (grid && !explicit('solver')) solver = grid.solver ?? 'euler';
      if (o.png !== undefined && model.dim !== 2) throw new UsageError(`--png: expected a 2-D model, this one has dim = ${model.dim}`);
      const d = model.dim;
      const hidden = model.meta.hidden ?? [];
      const batch = Math.min(n, sampleBatchRows(d, hidden));
      const fileBytes = 128 + 4 * n * d;
      const free = freeBytes(out);
      if (fileBytes > free) throw new UsageError(`--out: needs ~${formatBytes(fileBytes)} of disk for ${formatCount(n)} samples of dim ${d}; ${dirname(out)} has ${formatBytes(free)} free; use a smaller --n`);
      const evals = evaluationsPerSample(solver, grid ? grid.times.length - 1 : steps);
      checkBudget({
        what: `${formatCount(n)} samples of dim ${d} (${solver}, ${solver === 'dopri5' ? '>= ' : ''}${evals} model evaluations each)`,
        // one batch: float64 solver stages and float32 activations, plus the plotted samples
        bytes: 64 * 2 ** 20 + batch * (d * 8 * 12 + 16 * (hidden.reduce((a, b) => a + b, 0) + 16 * d)) + (o.png === undefined ? 0 : 24 * Math.min(n, PNG_MAX_POINTS) * d),
        seconds: n * evals * secondsPerEvaluation(d, hidden),
        hint: 'use a smaller --n or fewer --steps',
      });
      const rng = new Rng(seed);
      const t0 = performance.now();
      let nfe = 0;
      const shown = new Float32Array(Math.min(n, PNG_MAX_POINTS) * d);
      await writeOutputs(async (files) => {
        const npy = files.stream(out);
        npy.write(npyFloat32Header(n, d));
        for (let done = 0; done < n; done += batch) {
          const b = Math.min(batch, n - done);
          const x0 = Float32Array.from(priorSamples(model, b, rng).data);
          let x: Float32Array;
          if (solver === 'sde') {
            const r = await sampleReverseSde(model, modelSchedule(model), x0, b, { steps, rng });
            x = r.x;
            nfe = Math.max(nfe, r.nfe);
          } else {
            const r = await integrateFlow(model, x0, b, {
              from: model.tau,
              to: 0,
              solver: solver as 'euler',
              steps,
              ...(grid ? { times: Array.from(grid.times), finalEuler: grid.finalEuler && solver === 'heun' } : {}),
              rtol,
              atol,
            });
            x = r.x;
            nfe = Math.max(nfe, r.nfe);
          }
          if (done * d < shown.length) shown.set(x.subarray(0, Math.min(x.length, shown.length - done * d)), done * d);
          npy.write(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
        }
        npy.close();
        if (o.png !== undefined) files.write(resolve(String(o.png)), await samplesPng(model, shown, shown.length / d, n, solver, nfe, seed));
      });
      const seconds = (performance.now() - t0) / 1000;
      const batches = Math.ceil(n / batch);
      const summary = { n, dim: d, solver, nfe, seconds, out, ...(batches > 1 ? { batches, batchSize: batch } : {}), ...(grid ? { grid: grid.name, steps: grid.times.length - 1 } : {}), ...(o.png !== undefined ? { png: resolve(String(o.png)) } : {}) };
      process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : `wrote ${n} samples to ${summary.out} (${solver}, NFE ${solver === 'dopri5' && batches > 1 ? `up to ${nfe} per batch` : nfe}, ${seconds.toFixed(2)} s)\n`);
    });
}

/**
 * Scatter plot (PNG) of 2-D samples over as many fresh data points from the model's training config
 * (a data stream of its own, so never the training points; omitted when the config is missing).
 */
async function samplesPng(model: FlowModel, x: Float32Array, n: number, total: number, solver: string, nfe: number, seed: number): Promise<Uint8Array> {
  // the chart modules (vega, resvg) load here, not at CLI start (see commands/index.ts)
  const [{ scatterChart }, { svgToPng }] = await Promise.all([import('../../report/scatterChart.ts'), import('../../report/png.ts')]);
  const series = [];
  const cfgJson = trainConfigJson(model);
  if (cfgJson) {
    const cfg = parseTrainConfig(cfgJson, 'model.json training.config');
    const data = freshData(cfg.data, n, cfg.seed + 7919 * (seed + 1), STREAMS.sampling, 'data for --png');
    series.push({ name: `data (${data.n} points)`, xy: data.data, opacity: 0.35 });
  }
  series.push({ name: n < total ? `samples (first ${n} of ${total})` : `samples (${n})`, xy: x, opacity: 0.6 });
  const svg = scatterChart({ title: `${model.scheduleName} flow model: ${solver}, NFE ${nfe}`, xLabel: 'x₁ (a.u.)', yLabel: 'x₂ (a.u.)', series });
  return svgToPng(svg);
}

/** Load `dir` as a model folder, or `dir/model` when given a run folder. */
export async function loadModelArg(dir: string): Promise<FlowModel> {
  const d = resolve(dir);
  if (!existsSync(join(d, 'model.json')) && existsSync(join(d, 'model', 'model.json'))) return loadFlowModel(join(d, 'model'));
  return loadFlowModel(d);
}
