/**
 * `thermodiff train --config FILE [--quiet] [--fresh]`: conditional flow matching from a JSON config
 * (docs/nn.md). Writes into the run folder `out`:
 *   config.json (the resolved config), checkpoint.bin (every `checkpointEvery` steps, atomic),
 *   model/ (model.json + weights.bin), losses.json and loss.png (loss curve).
 * If `out/checkpoint.bin` exists the run resumes from it (same config required) and ends with
 * the same weights as an uninterrupted run; `--fresh` ignores an existing checkpoint.
 */
import { existsSync } from 'node:fs';
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
import { parseTrainConfig, type TrainConfig, trainConfigToJson } from '../../config/trainConfig.ts';
import { printConfigWarnings } from '../configWarnings.ts';
import { trainFlowModel } from '../../nn/train/trainFlowModel.ts';
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

/** Run a training config end to end; returns the run folder and summary numbers. */
export async function runTrainConfig(
  cfg: TrainConfig,
  baseDir: string,
  opts: { quiet?: boolean; fresh?: boolean; log?: (s: string) => void; scheduleFile?: unknown } = {},
): Promise<{ out: string; finalLoss: number; resumedFrom: number; seconds: number; stepsPerSecond: number }> {
  const out = resolve(baseDir, cfg.out);
  const data = loadDataset(cfg.data, cfg.seed, STREAMS.data, baseDir, 'config.data');
  const source = cfg.source === 'gaussian' ? 'gaussian' : loadDataset(cfg.source, cfg.seed, STREAMS.source, baseDir, 'config.source');
  // A schedule file (e.g. optimize-schedule --schedule-out) replaces the config's named schedule.
  const fromFile = opts.scheduleFile === undefined ? null : parseScheduleFile(opts.scheduleFile, 'schedule file');
  if (fromFile && Math.abs(fromFile.file.tau - cfg.schedule.tau) > 1e-12 * cfg.schedule.tau) {
    throw new InputError(`the schedule file has tau = ${fromFile.file.tau}, the config's schedule ${cfg.schedule.tau}`, 'schedule file');
  }
  const schedule = fromFile ? fromFile.schedule : namedSchedule(cfg.schedule.name, cfg.schedule.tau, cfg.schedule.options);
  const ckPath = join(out, 'checkpoint.bin');
  let resume: TrainState | undefined;
  if (!opts.fresh && existsSync(ckPath)) resume = readCheckpointFile(ckPath);
  writeFileAtomic(join(out, 'config.json'), JSON.stringify(cfg, null, 2));
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
    onCheckpoint: (s) => writeCheckpointFile(ckPath, s),
    resume,
    onProgress: (step, loss) => {
      lossAvg = Number.isNaN(lossAvg) ? loss : 0.98 * lossAvg + 0.02 * loss;
      if (bar && (step % 10 === 0 || step === cfg.steps)) bar.update(step, { loss: lossAvg.toFixed(4) });
    },
  });
  bar?.stop();
  const seconds = (performance.now() - t0) / 1000;
  (model.meta.training as Record<string, unknown>).config = trainConfigToJson(cfg);
  await model.save(join(out, 'model'));
  writeFileAtomic(join(out, 'losses.json'), JSON.stringify({ step0: 1, losses }));
  // the chart modules (vega, resvg) load here, not at CLI start (see commands/index.ts)
  const { lossCurvePng } = await import('../../report/lossCurvePng.ts');
  writeFileAtomic(join(out, 'loss.png'), lossCurvePng(losses, `${cfg.data.kind}, ${schedule.name}, ${cfg.coupling}`));
  return {
    out,
    finalLoss: losses.slice(-50).reduce((a, b) => a + b, 0) / Math.min(50, losses.length),
    resumedFrom: first,
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
      const raw = readJsonFile(cfgPath);
      printConfigWarnings('train', raw, o.config);
      const cfg = parseTrainConfig(raw, o.config);
      const scheduleFile = o.scheduleFile === undefined ? undefined : readJsonFile(o.scheduleFile);
      const r = await runTrainConfig(cfg, process.cwd(), { quiet: o.quiet, fresh: o.fresh, scheduleFile });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
      } else {
        process.stdout.write(
          `trained ${cfg.steps} steps${r.resumedFrom ? ` (resumed at step ${r.resumedFrom})` : ''} in ${r.seconds.toFixed(1)} s ` +
            `(${r.stepsPerSecond.toFixed(1)} steps/s); mean loss of the last 50 steps ${r.finalLoss.toFixed(5)}\n` +
            `model: ${join(r.out, 'model')}  losses: ${join(r.out, 'losses.json')}\n`,
        );
      }
    });
}
