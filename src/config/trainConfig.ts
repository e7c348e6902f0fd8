/**
 * The JSON configuration of `thermodiff train` (documented in docs/nn.md), browser-safe parser.
 */
import { assertInteger, assertPositive } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import { SCHEDULE_NAMES } from '../schedules/namedSchedule.ts';
import { COUPLINGS, type Coupling } from '../nn/train/couplings.ts';
import { type DatasetSpec, parseDatasetSpec } from './datasetSpec.ts';
import { normalizeConfig } from './normalizeConfig.ts';
import type { LrScheduleKind } from '../nn/train/lrSchedule.ts';

export interface TrainConfig {
  /** Training data: a dataset spec plus the number of points drawn (`n`, default 20000). */
  data: DatasetSpec & { n: number };
  /** Source at t = tau: `gaussian` or a dataset spec (e.g. eight-gaussians -> moons). */
  source: 'gaussian' | (DatasetSpec & { n: number });
  schedule: { name: string; tau: number; options: Record<string, number> };
  coupling: Coupling;
  hidden: number[];
  steps: number;
  batchSize: number;
  lr: number;
  lrSchedule: LrScheduleKind;
  warmup: number;
  maxGradNorm: number;
  ema?: number;
  checkpointEvery: number;
  threads: number;
  sinkhornReg: number;
  seed: number;
  /** Output run folder. */
  out: string;
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError('expected an object', where);
  return v as Record<string, unknown>;
}

function num(o: Record<string, unknown>, key: string, where: string, dflt?: number): number {
  const v = o[key] ?? dflt;
  if (v === undefined) throw new InputError('missing required number', `${where}.${key}`);
  assertPositive(v, `${where}.${key}`);
  return v;
}

/**
 * The canonical JSON of a parsed training config (docs/config.md): what model.json records, and
 * what {@link parseTrainConfig} turns back into the same config.
 */
export function trainConfigToJson(cfg: TrainConfig): Record<string, unknown> {
  return {
    data: cfg.data,
    source: cfg.source,
    schedule: cfg.schedule.name,
    tau: cfg.schedule.tau,
    ...(Object.keys(cfg.schedule.options).length > 0 ? { scheduleOptions: cfg.schedule.options } : {}),
    coupling: cfg.coupling,
    model: { hidden: cfg.hidden },
    train: {
      steps: cfg.steps,
      batchSize: cfg.batchSize,
      lr: cfg.lr,
      lrSchedule: cfg.lrSchedule,
      warmup: cfg.warmup,
      maxGradNorm: cfg.maxGradNorm,
      ...(cfg.ema !== undefined ? { ema: cfg.ema } : {}),
      checkpointEvery: cfg.checkpointEvery,
      threads: cfg.threads,
      sinkhornReg: cfg.sinkhornReg,
    },
    seed: cfg.seed,
    out: cfg.out,
  };
}

/**
 * Parse and validate a training config (canonical dialect, docs/config.md; old spellings are
 * accepted, see normalizeConfig).
 * @throws InputError naming the JSON path of the first problem (e.g. `config.train.steps`).
 */
export function parseTrainConfig(json: unknown, where = 'config'): TrainConfig {
  const c = obj(normalizeConfig('train', json, where).config, where);
  const data = parseDatasetSpec(c.data, `${where}.data`) as DatasetSpec & { n: number };
  data.n = (data.n as number | undefined) ?? 20000;
  assertInteger(data.n, `${where}.data.n`, 1);
  let source: TrainConfig['source'] = 'gaussian';
  if (c.source !== undefined && c.source !== 'gaussian') {
    const s = parseDatasetSpec(c.source, `${where}.source`) as DatasetSpec & { n: number };
    s.n = (s.n as number | undefined) ?? data.n;
    assertInteger(s.n, `${where}.source.n`, 1);
    source = s;
  }
  const name = c.schedule ?? 'cond-ot';
  if (!SCHEDULE_NAMES.includes(name as never)) {
    throw new InputError(`expected one of ${SCHEDULE_NAMES.join(', ')}, got ${JSON.stringify(name)}`, `${where}.schedule`);
  }
  const tau = num(c, 'tau', where, 1);
  const sc = obj(c.scheduleOptions ?? {}, `${where}.scheduleOptions`);
  const options: Record<string, number> = {};
  for (const k of ['betaMin', 'betaMax', 'sigmaMin', 'sigmaMax']) if (k in sc) options[k] = num(sc, k, `${where}.scheduleOptions`);
  const coupling = (c.coupling ?? 'independent') as Coupling;
  if (!COUPLINGS.includes(coupling)) {
    throw new InputError(`expected one of ${COUPLINGS.join(', ')}, got ${JSON.stringify(c.coupling)}`, `${where}.coupling`);
  }
  const model = obj(c.model ?? {}, `${where}.model`);
  const hidden = (model.hidden ?? [256, 256, 256]) as number[];
  if (!Array.isArray(hidden) || hidden.length === 0) throw new InputError('expected a non-empty array of layer widths', `${where}.model.hidden`);
  hidden.forEach((h, i) => {
    assertInteger(h, `${where}.model.hidden[${i}]`, 1, 1 << 16);
  });
  const tr = obj(c.train ?? {}, `${where}.train`);
  const steps = num(tr, 'steps', `${where}.train`, 2000);
  assertInteger(steps, `${where}.train.steps`, 1);
  const batchSize = num(tr, 'batchSize', `${where}.train`, 256);
  // the OT couplings build a dense B x B cost (8 B^2 bytes: 128 MB at 4096); plain batches are
  // bounded by the training graph's memory
  assertInteger(batchSize, `${where}.train.batchSize`, 1, coupling === 'independent' ? 65536 : 4096);
  const lrSchedule = (tr.lrSchedule ?? 'cosine') as LrScheduleKind;
  if (!['constant', 'cosine', 'linear'].includes(lrSchedule)) {
    throw new InputError(`expected constant, cosine or linear, got ${JSON.stringify(tr.lrSchedule)}`, `${where}.train.lrSchedule`);
  }
  const warmup = tr.warmup === undefined ? 0 : (tr.warmup as number);
  assertInteger(warmup, `${where}.train.warmup`, 0);
  let ema: number | undefined;
  if (tr.ema !== undefined) {
    ema = tr.ema as number;
    if (!(typeof ema === 'number' && ema > 0 && ema < 1)) throw new InputError(`expected a number in (0, 1), got ${JSON.stringify(tr.ema)}`, `${where}.train.ema`);
  }
  const checkpointEvery = num(tr, 'checkpointEvery', `${where}.train`, 500);
  assertInteger(checkpointEvery, `${where}.train.checkpointEvery`, 1);
  const threads = num(tr, 'threads', `${where}.train`, 1);
  assertInteger(threads, `${where}.train.threads`, 1, 64);
  const seed = c.seed === undefined ? 0 : (c.seed as number);
  assertInteger(seed, `${where}.seed`, 0);
  if (typeof c.out !== 'string' || c.out === '') throw new InputError('expected an output folder path', `${where}.out`);
  return {
    data,
    source,
    schedule: { name: name as string, tau, options },
    coupling,
    hidden,
    steps,
    batchSize,
    lr: num(tr, 'lr', `${where}.train`, 1e-3),
    lrSchedule,
    warmup,
    maxGradNorm: num(tr, 'maxGradNorm', `${where}.train`, 1),
    ema,
    checkpointEvery,
    threads,
    sinkhornReg: num(tr, 'sinkhornReg', `${where}.train`, 0.05),
    seed,
    out: c.out,
  };
}
