/**
 * The JSON config of `thermodiff a2a train` (docs/a2a.md). Pure parsing; the CLI loads the data.
 */
import { assertInteger, assertNonNegative, assertPositive, jsonObject, rejectUnknownKeys } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { LrScheduleKind } from '../nn/train/lrSchedule.ts';
import type { A2AVariant } from './a2aGraphs.ts';
import type { A2AMethod } from './a2aModel.ts';

/** Where the (x, c) training samples come from. */
export type A2ADataSpec =
  | { kind: 'quarter-annulus'; n: number }
  | { kind: 'grouped-mixture'; perClass: number }
  /** x (n x dx) and c (n x dc) in two .npy files (a length-n c is taken as n x 1). */
  | { kind: 'npy'; x: string; c: string }
  /** One .npy table n x (dx + dc): the first dx columns are x, the rest c. */
  | { kind: 'table'; file: string; dx: number };

/** A parsed config. */
export interface A2ATrainConfig {
  data: A2ADataSpec;
  /** Second training set for B2 (default: a second independent draw of a generator, the same files otherwise). */
  data2?: A2ADataSpec;
  method: A2AMethod;
  /** pdcfg sampling settings (default partialT 0.3, guidance 0.3). */
  partial?: { partialT: number; guidance: number };
  variant: A2AVariant;
  hidden: number[];
  steps: number;
  batchSize: number;
  lr: number;
  /** Paper-convention beta, or "rule" for N^(1/(2 d_c)). */
  beta: number | 'rule';
  lrSchedule: LrScheduleKind;
  warmup: number;
  maxGradNorm?: number;
  ema?: number;
  seed: number;
  threads: number;
  checkpointEvery: number;
}

const KEYS = ['data', 'data2', 'method', 'partial', 'variant', 'hidden', 'steps', 'batchSize', 'lr', 'beta', 'lrSchedule', 'warmup', 'maxGradNorm', 'ema', 'seed', 'threads', 'checkpointEvery', 'comment'];

function parseData(v: unknown, where: string): A2ADataSpec {
  const o = jsonObject(v, where);
  switch (o.kind) {
    case 'quarter-annulus':
      rejectUnknownKeys(o, ['kind', 'n'], where);
      assertInteger(o.n, `${where}.n`, 2);
      return { kind: 'quarter-annulus', n: o.n };
    case 'grouped-mixture':
      rejectUnknownKeys(o, ['kind', 'perClass'], where);
      assertInteger(o.perClass, `${where}.perClass`, 1);
      return { kind: 'grouped-mixture', perClass: o.perClass };
    case 'npy':
      rejectUnknownKeys(o, ['kind', 'x', 'c'], where);
      if (typeof o.x !== 'string' || typeof o.c !== 'string') throw new InputError('expected file names "x" and "c"', where);
      return { kind: 'npy', x: o.x, c: o.c };
    case 'table':
      rejectUnknownKeys(o, ['kind', 'file', 'dx'], where);
      if (typeof o.file !== 'string') throw new InputError('expected a file name "file"', where);
      assertInteger(o.dx, `${where}.dx`, 1);
      return { kind: 'table', file: o.file, dx: o.dx };
    default:
      throw new InputError(`unknown data kind ${JSON.stringify(o.kind)} (expected quarter-annulus, grouped-mixture, npy or table)`, `${where}.kind`);
  }
}

/** Parse and validate a config. @throws InputError naming the key. */
export function parseA2AConfig(v: unknown, where = 'config'): A2ATrainConfig {
  const o = jsonObject(v, where);
  rejectUnknownKeys(o, KEYS, where);
  const method = o.method ?? 'a2a';
  if (method !== 'a2a' && method !== 'otcfm' && method !== 'pdcfg') throw new InputError(`expected "a2a", "otcfm" or "pdcfg", got ${JSON.stringify(method)}`, `${where}.method`);
  let partial: { partialT: number; guidance: number } | undefined;
  if (o.partial !== undefined) {
    const p = jsonObject(o.partial, `${where}.partial`);
    rejectUnknownKeys(p, ['partialT', 'guidance'], `${where}.partial`);
    assertPositive(p.partialT, `${where}.partial.partialT`);
    if ((p.partialT as number) > 1) throw new InputError(`expected partialT <= 1, got ${p.partialT}`, `${where}.partial.partialT`);
    assertNonNegative(p.guidance, `${where}.partial.guidance`);
    partial = { partialT: p.partialT as number, guidance: p.guidance as number };
  }
  const variant = o.variant ?? 'plain';
  if (variant !== 'plain' && variant !== 'antisymmetric') throw new InputError(`expected "plain" or "antisymmetric", got ${JSON.stringify(variant)}`, `${where}.variant`);
  if (!Array.isArray(o.hidden) || o.hidden.length === 0) throw new InputError('expected a non-empty array of layer widths', `${where}.hidden`);
  o.hidden.forEach((h, i) => {
    assertInteger(h, `${where}.hidden[${i}]`, 1);
  });
  assertInteger(o.steps, `${where}.steps`, 1);
  assertInteger(o.batchSize, `${where}.batchSize`, 2);
  assertPositive(o.lr, `${where}.lr`);
  const beta = o.beta ?? 'rule';
  if (beta !== 'rule') assertPositive(beta, `${where}.beta`);
  const lrSchedule = o.lrSchedule ?? 'constant';
  if (lrSchedule !== 'constant' && lrSchedule !== 'cosine' && lrSchedule !== 'linear') {
    throw new InputError(`expected constant, cosine or linear, got ${JSON.stringify(lrSchedule)}`, `${where}.lrSchedule`);
  }
  const warmup = o.warmup ?? 0;
  assertInteger(warmup, `${where}.warmup`, 0);
  if (o.maxGradNorm !== undefined) assertPositive(o.maxGradNorm, `${where}.maxGradNorm`);
  if (o.ema !== undefined && !(typeof o.ema === 'number' && o.ema > 0 && o.ema < 1)) throw new InputError(`expected a number in (0, 1), got ${JSON.stringify(o.ema)}`, `${where}.ema`);
  const seed = o.seed ?? 1;
  assertInteger(seed, `${where}.seed`, 0);
  const threads = o.threads ?? 1;
  assertInteger(threads, `${where}.threads`, 1, 64);
  const checkpointEvery = o.checkpointEvery ?? 500;
  assertInteger(checkpointEvery, `${where}.checkpointEvery`, 1);
  return {
    data: parseData(o.data, `${where}.data`),
    ...(o.data2 === undefined ? {} : { data2: parseData(o.data2, `${where}.data2`) }),
    method,
    ...(partial ? { partial } : {}),
    variant,
    hidden: o.hidden as number[],
    steps: o.steps,
    batchSize: o.batchSize,
    lr: o.lr,
    beta: beta as number | 'rule',
    lrSchedule,
    warmup: warmup as number,
    ...(o.maxGradNorm === undefined ? {} : { maxGradNorm: o.maxGradNorm as number }),
    ...(o.ema === undefined ? {} : { ema: o.ema as number }),
    seed: seed as number,
    threads: threads as number,
    checkpointEvery: checkpointEvery as number,
  };
}
