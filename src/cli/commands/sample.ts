/**
 * `thermodiff sample --model DIR --n N --solver S (--steps K | --grid FILE) --out FILE.npy [--seed S] [--json]`:
 * draw n points from the model's source at t = tau and integrate the probability-flow ODE to t = 0
 * (`euler`, `heun`, `rk4` with K steps, `dopri5` adaptive with --rtol/--atol), or the reverse SDE
 * with the velocity-implied score (`--solver sde`, K Euler-Maruyama steps). Writes an [n, dim]
 * float32 .npy and prints the NFE.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.ts';
import type { Points } from '../../core/points.ts';
import { Rng } from '../../core/rng.ts';
import { writeNpy } from '../../io/npy.ts';
import type { FlowModel } from '../../nn/models/flowModel.ts';
import { integrateFlow } from '../../nn/sample/integrateFlow.ts';
import { loadFlowModel } from '../../nn/models/loadFlowModel.ts';
import { sampleReverseSde } from '../../nn/sample/sampleReverseSde.ts';
import { parseTrainConfig, type TrainConfig } from '../../config/trainConfig.ts';
import { namedSchedule } from '../../schedules/namedSchedule.ts';
import type { Schedule } from '../../schedules/schedule.ts';
import { UsageError } from '../errors.ts';
import { readJsonFile, writeFileAtomic } from '../../io/files.ts';
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

export function register(program: Command): void {
  program
    .command('sample')
    .description('generate samples from a trained flow model (probability-flow ODE or reverse SDE)')
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
    .option('--png <file.png>', '2-D models: scatter plot of the samples over fresh data from the training config')
    .option('--json', 'print a JSON summary')
    .action(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const explicit = (k: string) => cmd.getOptionValueSource(k) !== 'default';
      const n = Number(o.n);
      const steps = Number(o.steps);
      const seed = Number(o.seed);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--n: expected a positive integer, got ${o.n}`);
      if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`--steps: expected a positive integer, got ${o.steps}`);
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed: expected a non-negative integer, got ${o.seed}`);
      let solver = String(o.solver);
      if (!['euler', 'heun', 'rk4', 'dopri5', 'sde'].includes(solver)) throw new UsageError(`--solver: expected euler, heun, rk4, dopri5 or sde, got ${solver}`);
      if (o.grid === undefined && explicit('gridName')) throw new UsageError('--grid-name needs --grid');
      if (o.grid !== undefined) {
        if (explicit('steps')) throw new UsageError('--steps and --grid are alternatives (the grid fixes the steps)');
        if (explicit('solver') && !['euler', 'heun', 'rk4'].includes(solver)) throw new UsageError(`--grid: expected a fixed-step solver (euler, heun, rk4), got ${solver}`);
      }
      const model = await loadModelArg(String(o.model));
      const grid = o.grid === undefined ? null : parseGridFile(readJsonFile(String(o.grid)), model.tau, String(o.grid), String(o.gridName));
      if (grid && !explicit('solver')) solver = grid.solver ?? 'euler';
      if (o.png !== undefined && model.dim !== 2) throw new UsageError(`--png: expected a 2-D model, this one has dim = ${model.dim}`);
      const rng = new Rng(seed);
      const prior = priorSamples(model, n, rng);
      const x0 = Float32Array.from(prior.data);
      const t0 = performance.now();
      let x: Float32Array;
      let nfe: number;
      if (solver === 'sde') {
        const r = await sampleReverseSde(model, modelSchedule(model), x0, n, { steps, rng });
        x = r.x;
        nfe = r.nfe;
      } else {
        const r = await integrateFlow(model, x0, n, {
          from: model.tau,
          to: 0,
          solver: solver as 'euler',
          steps,
          ...(grid ? { times: Array.from(grid.times), finalEuler: grid.finalEuler && solver === 'heun' } : {}),
          rtol: Number(o.rtol),
          atol: Number(o.atol),
        });
        x = r.x;
        nfe = r.nfe;
      }
      const seconds = (performance.now() - t0) / 1000;
      const png = o.png === undefined ? undefined : await samplesPng(model, x, n, solver, nfe, seed);
      writeFileAtomic(resolve(String(o.out)), writeNpy(x, [n, model.dim], 'float32'));
      if (png) writeFileAtomic(resolve(String(o.png)), png);
      const summary = { n, dim: model.dim, solver, nfe, seconds, out: resolve(String(o.out)), ...(grid ? { grid: grid.name, steps: grid.times.length - 1 } : {}), ...(png ? { png: resolve(String(o.png)) } : {}) };
      process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : `wrote ${n} samples to ${summary.out} (${solver}, NFE ${nfe}, ${seconds.toFixed(2)} s)\n`);
    });
}

/**
 * Scatter plot (PNG) of 2-D samples over as many fresh data points from the model's training config
 * (a data stream of its own, so never the training points; omitted when the config is missing).
 */
async function samplesPng(model: FlowModel, x: Float32Array, n: number, solver: string, nfe: number, seed: number): Promise<Uint8Array> {
  // the chart modules (vega, resvg) load here, not at CLI start (see commands/index.ts)
  const [{ scatterChart }, { svgToPng }] = await Promise.all([import('../../report/scatterChart.ts'), import('../../report/png.ts')]);
  const series = [];
  const cfgJson = trainConfigJson(model);
  if (cfgJson) {
    const cfg = parseTrainConfig(cfgJson, 'model.json training.config');
    const data = freshData(cfg.data, n, cfg.seed + 7919 * (seed + 1), STREAMS.sampling, 'data for --png');
    series.push({ name: `data (${data.n} points)`, xy: data.data, opacity: 0.35 });
  }
  series.push({ name: `samples (${n})`, xy: x, opacity: 0.6 });
  const svg = scatterChart({ title: `${model.scheduleName} flow model: ${solver}, NFE ${nfe}`, xLabel: 'x₁ (a.u.)', yLabel: 'x₂ (a.u.)', series });
  return svgToPng(svg);
}

/** Load `dir` as a model folder, or `dir/model` when given a run folder. */
export async function loadModelArg(dir: string): Promise<FlowModel> {
  const d = resolve(dir);
  if (!existsSync(join(d, 'model.json')) && existsSync(join(d, 'model', 'model.json'))) return loadFlowModel(join(d, 'model'));
  return loadFlowModel(d);
}
