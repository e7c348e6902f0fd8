/**
 * `thermodiff train --config FILE [--quiet] [--fresh]`: conditional flow matching from a JSON config
 * (docs/nn.md). Writes into the run folder `out`:
 *   config.json (the resolved config), checkpoint.bin (every `checkpointEvery` steps, atomic),
 *   model/ (model.json + weights.bin), losses.json and loss.png (loss curve).
 * If `out/checkpoint.bin` exists the run resumes from it (same config required) and ends with
 * the same weights as an uninterrupted run; a finished run is extended when only `train.steps` was
 * raised; any other change is refused with one line naming it and `--fresh`, which ignores an
 * existing checkpoint.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.ts';
import { makePoints, type Points } from '../../core/points.ts';
import { readNpy } from '../../io/npy.ts';
import type { TrainState } from '../../nn/train/checkpointFormat.ts';
import { type DatasetSpec, sampleDataset } from '../../config/datasetSpec.ts';
import { readCheckpointFile, writeCheckpointFile } from '../../nn/train/checkpointFiles.ts';
import { stepRng } from '../../nn/train/stepRng.ts';
import { parseTrainConfig, type TrainConfig } from '../../config/trainConfig.ts';
import { trainConfigKey, trainFlowModel } from '../../nn/train/trainFlowModel.ts';
import { UsageError } from '../errors.ts';
import { checkBudget, formatCount } from '../limits.ts';
import { canonicalPath, checkOutputs } from '../outputs.ts';
import { namedSchedule } from '../../schedules/namedSchedule.ts';
import { parseScheduleFile } from '../../schedules/scheduleFile.ts';
import { readFileChecked, readJsonFile, writeFileAtomic } from '../../io/files.ts';

/** Load or generate the points of a dataset spec (stream `stream` of the run seed). */
export function loadDataset(spec: DatasetSpec & { n: number }, seed: number, stream: number, baseDir: string, where: string): Points {
  if (spec.kind === 'npy') {
    const path = resolve(baseDir, spec.file as string);
    const bytes = readFileChecked(path);
    const a = readNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
    if (a.shape.length !== 2) throw new InputError(`expected a 2-D array [n, dim], got shape [${a.shape.join(', ')}]`, path);
    return makePoints(a.data, a.shape[0], a.shape[1], `${where} (${path})`);
  }
  return sampleDataset(spec, spec.n, stepRng(seed, 0, stream));
}

/** Random streams (of stepRng(seed, 0, stream)) used for data, source and evaluation sets. */
export const STREAMS = { data: 1, source: 2, heldOut: 3, heldOut2: 4, heldOutSource: 5, sampling: 6 } as const;

/** Where each field of the training config key lives in the JSON config (for messages). */
const KEY_PATHS: Record<string, string> = {
  data: 'data (points x dim)',
  src: 'source',
  schedule: 'schedule (or --schedule-file)',
  tau: 'schedule.tau',
  coupling: 'coupling',
  hidden: 'model.hidden',
  steps: 'train.steps',
  batchSize: 'train.batchSize',
  lr: 'train.lr',
  seed: 'seed',
  ema: 'train.ema',
  lrSchedule: 'train.lrSchedule',
  warmup: 'train.warmup',
  maxGradNorm: 'train.maxGradNorm',
  sinkhornReg: 'train.sinkhornReg',
  threads: 'train.threads',
};

/**
 * Decide whether the checkpoint in `out` can continue under this config. Same config: resume.
 * Only `train.steps` raised past the checkpoint: extend the run (returns the checkpoint's step; the
 * learning-rate schedule is that of the new total). Anything else: one line naming what changed
 * and `--fresh`.
 * @throws UsageError
 */
export function checkResume(resume: TrainState, key: string, out: string): number | undefined {
  if (resume.configKey === key) return undefined;
  let before: Record<string, unknown>;
  let now: Record<string, unknown>;
  try {
    before = JSON.parse(resume.configKey) as Record<string, unknown>;
    now = JSON.parse(key) as Record<string, unknown>;
  } catch {
    throw new UsageError(`${out}/checkpoint.bin was written by another version or configuration; use --fresh to start over (replaces the run)`);
  }
  const changed = Object.keys({ ...before, ...now }).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(now[k]));
  if (changed.length === 1 && changed[0] === 'steps') {
    const steps = now.steps as number;
    if (steps > resume.step) {
      resume.configKey = key;
      return resume.step;
    }
    throw new UsageError(`config train.steps = ${steps}, but ${out}/checkpoint.bin is already at step ${resume.step}; raise train.steps to extend the run, or use --fresh to start over (replaces the run)`);
  }
  const shown = changed
    .slice(0, 3)
    .map((k) => `${KEY_PATHS[k] ?? k} ${JSON.stringify(before[k])} -> ${JSON.stringify(now[k])}`)
    .join(', ');
  throw new UsageError(
    `the config changed since ${out}/checkpoint.bin was written (${shown}${changed.length > 3 ? `, and ${changed.length - 3} more` : ''}); use --fresh to start over (replaces the run), or another "out" folder`,
  );
}

/** Dimension of a dataset spec before loading it (npy: unknown, 0). */
function specDim(spec: DatasetSpec): number {
  if (spec.kind === 'npy') return 0;
  if (spec.kind === 'gaussian-mixture') return ((spec.means as number[][])[0] ?? []).length || 1;
  return 2;
}

/**
 * Refuse a training config whose data, model or step count cannot fit in memory or time
 * (see limits.ts): data n x dim float64 (twice: points and batches), npy files at their size,
 * parameters x 4 (weights, gradient, two Adam moments) in float32, activations of one batch, and an
 * optimistic 2e11 flop/s for forward + backward (3 x the forward's 2 x weights flops per row).
 */
export function checkTrainBudget(cfg: TrainConfig, baseDir: string): void {
  const sets = [cfg.data, ...(cfg.source === 'gaussian' ? [] : [cfg.source])];
  let dim = 2;
  let dataBytes = 0;
  for (const d of sets) {
    if (d.kind === 'npy') {
      try {
        dataBytes += 2 * statSync(resolve(baseDir, d.file as string)).size;
      } catch {
        // a missing file is reported when it is loaded
      }
    } else {
      dim = specDim(d);
      dataBytes += 16 * d.n * dim;
    }
  }
  const widths = [dim + 1, ...cfg.hidden, dim];
  let weights = 0;
  for (let i = 1; i < widths.length; i++) weights += widths[i - 1] * widths[i] + widths[i];
  const act = cfg.batchSize * cfg.hidden.reduce((a, b) => a + b, 0) * 4 * 6;
  const couplingBytes = cfg.coupling === 'independent' ? 0 : 8 * cfg.batchSize * cfg.batchSize;
  checkBudget({
    what: `training ${formatCount(cfg.steps)} steps of a ${widths.join('-')} MLP on ${sets.map((d) => (d.kind === 'npy' ? 'an npy file' : `${formatCount(d.n)} points`)).join(' and ')}`,
    bytes: 128 * 2 ** 20 + dataBytes + 16 * weights + act + couplingBytes,
    seconds: (cfg.steps * cfg.batchSize * 6 * weights) / 2e11,
    hint: 'reduce data.n, model.hidden, train.batchSize or train.steps',
  });
}

/** Run a training config end to end; returns the run folder and summary numbers. */
export async function runTrainConfig(
  cfg: TrainConfig,
  baseDir: string,
  opts: { quiet?: boolean; fresh?: boolean; log?: (s: string) => void; scheduleFile?: unknown; configPath?: string; scheduleFilePath?: string } = {},
): Promise<{ out: string; finalLoss: number; resumedFrom: number; extendedFrom?: number; seconds: number; stepsPerSecond: number }> {
  const out = resolve(baseDir, cfg.out);
  checkTrainBudget(cfg, baseDir);
  const configIsRunFile = opts.configPath !== undefined && canonicalPath(opts.configPath) === canonicalPath(join(out, 'config.json'));
  checkOutputs(
    [{ flag: 'config.out', path: out, kind: 'dir', files: [...(configIsRunFile ? [] : ['config.json']), 'checkpoint.bin', 'losses.json', 'loss.png', 'model/model.json', 'model/weights.bin'] }],
    [
      ...(opts.configPath === undefined ? [] : [{ flag: '--config', path: opts.configPath }]),
      ...(opts.scheduleFilePath === undefined ? [] : [{ flag: '--schedule-file', path: opts.scheduleFilePath }]),
      ...[cfg.data, cfg.source].flatMap((d, i) => (d !== 'gaussian' && d.kind === 'npy' ? [{ flag: i === 0 ? 'config.data.file' : 'config.source.file', path: resolve(baseDir, d.file as string) }] : [])),
    ],
  );
  const data = loadDataset(cfg.data, cfg.seed, STREAMS.data, baseDir, 'config.data');
  const source: 'gaussian' | Points = cfg.source === 'gaussian' ? 'gaussian' : loadDataset(cfg.source, cfg.seed, STREAMS.source, baseDir, 'config.source');
  // A schedule file (e.g. optimize-schedule --schedule-out) replaces the config's named schedule.
  const fromFile = opts.scheduleFile === undefined ? null : parseScheduleFile(opts.scheduleFile, 'schedule file');
  if (fromFile && Math.abs(fromFile.file.tau - cfg.schedule.tau) > 1e-12 * cfg.schedule.tau) {
    throw new InputError(`the schedule file has tau = ${fromFile.file.tau}, the config's schedule ${cfg.schedule.tau}`, 'schedule file');
  }
  const schedule = fromFile ? fromFile.schedule : namedSchedule(cfg.schedule.name, cfg.schedule.tau, cfg.schedule.options);
  const ckPath = join(out, 'checkpoint.bin');
  let resume: TrainState | undefined;
  const trainOptions = {
    data,
    source,
    sourceLabel: cfg.source === 'gaussian' ? 'gaussian' : cfg.source.kind,
    schedule,
    scheduleOptions: fromFile ? ({ ...fromFile.file.base.options } as Record<string, number>) : cfg.schedule.options,
    ...(fromFile ? { scheduleFile: opts.scheduleFile as Record<string, unknown> } : {}),
    coupling: cfg.coupling,
    hidden: cfg.hidden,
    steps: cfg.steps,
    batchSize: cfg.batchSize,
    lr: cfg.lr,
    seed: cfg.seed,
    ema: cfg.ema,
    lrSchedule: cfg.lrSchedule,
    warmup: cfg.warmup,
    maxGradNorm: cfg.maxGradNorm,
    sinkhornReg: cfg.sinkhornReg,
    threads: cfg.threads,
    checkpointEvery: cfg.checkpointEvery,
  };
  let extendedFrom: number | undefined;
  if (!opts.fresh && existsSync(ckPath)) {
    resume = readCheckpointFile(ckPath);
    extendedFrom = checkResume(resume, trainConfigKey(trainOptions), out);
  }
  if (!configIsRunFile) writeFileAtomic(join(out, 'config.json'), JSON.stringify(cfg, null, 2));
  const bar =
    opts.quiet || !process.stderr.isTTY
      ? null
      : new cliProgress.SingleBar(
          { format: 'train [{bar}] {value}/{total} steps | loss {loss} | {eta_formatted} left', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
  bar?.start(cfg.steps, resume?.step ?? 0, { loss: '-' });
  let lossAvg = Number.NaN;
  const t0 = performance.now();
  const first = resume?.step ?? 0;
  const { model, losses } = await trainFlowModel({
    ...trainOptions,
    onCheckpoint: (s) => writeCheckpointFile(ckPath, s),
    resume,
    onProgress: (step, loss) => {
      lossAvg = Number.isNaN(lossAvg) ? loss : 0.98 * lossAvg + 0.02 * loss;
      if (bar && (step % 10 === 0 || step === cfg.steps)) bar.update(step, { loss: lossAvg.toFixed(4) });
    },
  });
  bar?.stop();
  const seconds = (performance.now() - t0) / 1000;
  (model.meta.training as Record<string, unknown>).config = cfg;
  await model.save(join(out, 'model'));
  writeFileAtomic(join(out, 'losses.json'), JSON.stringify({ step0: 1, losses }));
  // the chart modules (vega, resvg) load here, not at CLI start (see commands/index.ts)
  const { lossCurvePng } = await import('../../report/lossCurvePng.ts');
  writeFileAtomic(join(out, 'loss.png'), lossCurvePng(losses, `${cfg.data.kind}, ${schedule.name}, ${cfg.coupling}`));
  return {
    out,
    finalLoss: losses.slice(-50).reduce((a, b) => a + b, 0) / Math.min(50, losses.length),
    resumedFrom: first,
    ...(extendedFrom !== undefined ? { extendedFrom } : {}),
    seconds,
    stepsPerSecond: (cfg.steps - first) / seconds,
  };
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a flow-matching MLP from a JSON config (resumes from out/checkpoint.bin if present)')
    .requiredOption('--config <file>', 'training config JSON (see docs/nn.md)')
    .option('--quiet', 'no progress bar')
    .option('--fresh', 'ignore an existing checkpoint and start over')
    .option('--json', 'print the summary as JSON')
    .option('--schedule-file <file>', 'train under the schedule of a schedule file (e.g. optimize-schedule --schedule-out) instead of the config\'s; stored in model.json')
    .action(async (o: { config: string; quiet?: boolean; fresh?: boolean; json?: boolean; scheduleFile?: string }) => {
      const cfgPath = resolve(o.config);
      const cfg = parseTrainConfig(readJsonFile(cfgPath), o.config);
      const scheduleFile = o.scheduleFile === undefined ? undefined : readJsonFile(o.scheduleFile);
      const r = await runTrainConfig(cfg, process.cwd(), { quiet: o.quiet, fresh: o.fresh, scheduleFile, configPath: cfgPath, ...(o.scheduleFile === undefined ? {} : { scheduleFilePath: o.scheduleFile }) });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
      } else {
        process.stdout.write(
          `trained ${cfg.steps} steps${r.extendedFrom !== undefined ? ` (extended from the finished run at step ${r.extendedFrom})` : r.resumedFrom ? ` (resumed at step ${r.resumedFrom})` : ''} in ${r.seconds.toFixed(1)} s ` +
            `(${r.stepsPerSecond.toFixed(1)} steps/s); mean loss of the last 50 steps ${r.finalLoss.toFixed(5)}\n` +
            `model: ${join(r.out, 'model')}  losses: ${join(r.out, 'losses.json')}\n`,
        );
      }
    });
}
