import { describe } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import { normalizeConfig } from './normalizeConfig.ts';
import { type GaussianMixture, gaussianMixtureFromBlock } from '../data/gaussianMixture.ts';
import type { NamedScheduleOptions } from '../schedules/namedSchedule.ts';
import type { PerturbationSpec } from '../thermo/perturbation.ts';
import { PROTOCOL_NAMES, type ProtocolName, type SpeedAccuracyConfig } from '../thermo/speedAccuracy1d.ts';

type Json = Record<string, unknown>;

function asObject(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`expected an object, got ${describe(v)}`, where);
  return v as Json;
}

function rejectUnknownKeys(o: Json, known: readonly string[], where: string): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new InputError(`unknown key ${JSON.stringify(key)} (expected ${known.join(', ')})`, where);
  }
}

function finite(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`expected a finite number, got ${describe(v)}`, where);
  return v;
}

/** A coordinate vector given as an array of numbers, or a bare number for 1-D. */
function vector(v: unknown, where: string): number[] {
  if (typeof v === 'number' || !Array.isArray(v)) return [finite(v, where)];
  if (v.length === 0) throw new InputError('expected at least one coordinate, got an empty array', where);
  return v.map((x, i) => finite(x, `${where}[${i}]`));
}

/** Keys accepted at the top level. The multi-D extension adds its own (e.g. `process`). */
export const CONFIG_KEYS = ['data', 'schedule', 'tau', 'perturbation', 'scheduleOptions'] as const;

/**
 * Parse the data block `{kind: "gaussian-mixture", means: [[..], ..], stds: [..], weights: [..]}`,
 * or with `covariances: [[[..], ..], ..]` (one d x d symmetric positive definite matrix per
 * component) instead of `stds`.
 * @throws InputError with the JSON path of the first problem.
 */
export function parseMixtureBlock(v: unknown, where: string, allowedKind = 'gaussian-mixture'): GaussianMixture {
  const o = asObject(v, where);
  rejectUnknownKeys(o, ['kind', 'means', 'stds', 'covariances', 'weights'], where);
  if (o.kind !== allowedKind) throw new InputError(`expected kind "${allowedKind}", got ${describe(o.kind)}`, `${where}.kind`);
  return gaussianMixtureFromBlock(o, where);
}

/**
 * Parse the perturbation block: `{kind: "normal", mean: [..], std}`, `{kind: "uniform", low, high}`
 * (numbers or arrays), or `{kind: "gaussian-mixture", means, stds, weights}`; its dimension must equal `dim`.
 * @throws InputError with the JSON path of the first problem.
 */
export function parsePerturbation(v: unknown, dim: number, where = 'config.perturbation'): PerturbationSpec {
  const o = asObject(v, where);
  const kind = o.kind;
  const checkDim = (n: number, w: string) => {
    if (n !== dim) throw new InputError(`expected ${dim} coordinate(s) (the data dimension), got ${n}`, w);
  };
  if (kind === 'normal') {
    rejectUnknownKeys(o, ['kind', 'mean', 'std'], where);
    if (!('mean' in o)) throw new InputError('missing key "mean"', where);
    if (!('std' in o)) throw new InputError('missing key "std"', where);
    const mean = vector(o.mean, `${where}.mean`);
    checkDim(mean.length, `${where}.mean`);
    const std = finite(o.std, `${where}.std`);
    if (!(std > 0)) throw new InputError(`expected a standard deviation > 0, got ${std}`, `${where}.std`);
    return { kind, mean, std };
  }
  if (kind === 'uniform') {
    rejectUnknownKeys(o, ['kind', 'low', 'high'], where);
    if (!('low' in o) || !('high' in o)) throw new InputError('expected keys "low" and "high"', where);
    const low = vector(o.low, `${where}.low`);
    const high = vector(o.high, `${where}.high`);
    checkDim(low.length, `${where}.low`);
    checkDim(high.length, `${where}.high`);
    low.forEach((l, i) => {
      if (!(high[i] > l)) throw new InputError(`expected high > low, got low = ${l}, high = ${high[i]}`, `${where}.high[${i}]`);
    });
    return { kind, low, high };
  }
  if (kind === 'gaussian-mixture') {
    const mixture = parseMixtureBlock(o, where);
    checkDim(mixture.dim, `${where}.means`);
    if (mixture.covariances) {
      // the perturbation's sampler and density (thermo/perturbationNd.ts) are isotropic per component
      throw new InputError('full covariances are not supported for the perturbation (only for the data); give "stds"', `${where}.covariances`);
    }
    return { kind, mixture };
  }
  throw new InputError(`unknown perturbation kind ${describe(kind)}, expected normal, uniform or gaussian-mixture`, `${where}.kind`);
}

/**
 * Validate a speed-accuracy config for data of ANY dimension (the extension point for multi-D
 * processes): the keys of {@link CONFIG_KEYS} plus `extraKeys`, whose raw values are returned in `extra`
 * for the caller to validate (e.g. a `process` block). Same checks as {@link parseSpeedAccuracyConfig}
 * except the dimension restriction.
 * @throws InputError with the JSON path of the first problem.
 */
export function parseSpeedAccuracyConfigAnyDim(
  json: unknown,
  extraKeys: readonly string[] = [],
): { config: SpeedAccuracyConfig; extra: Record<string, unknown> } {
  const where = 'config';
  const o = asObject(normalizeConfig('speed-accuracy', json, where).config, where); // old spellings, $schema, types and ranges (docs/config.md)
  rejectUnknownKeys(o, [...CONFIG_KEYS, ...extraKeys], where);
  for (const key of ['data', 'schedule', 'perturbation']) {
    if (!(key in o)) throw new InputError(`missing key "${key}"`, where);
  }
  if (typeof o.schedule !== 'string' || !(PROTOCOL_NAMES as readonly string[]).includes(o.schedule)) {
    throw new InputError(`unknown schedule ${describe(o.schedule)}, expected one of ${PROTOCOL_NAMES.join(', ')}`, `${where}.schedule`);
  }
  const schedule = o.schedule as ProtocolName;
  let tau = 1;
  if ('tau' in o) {
    tau = finite(o.tau, `${where}.tau`);
    if (!(tau > 0)) throw new InputError(`expected tau > 0, got ${tau}`, `${where}.tau`);
  }
  const data = parseMixtureBlock(o.data, `${where}.data`);
  const perturbation = parsePerturbation(o.perturbation, data.dim, `${where}.perturbation`);
  let scheduleOptions: NamedScheduleOptions | undefined;
  if ('scheduleOptions' in o) {
    const so = asObject(o.scheduleOptions, `${where}.scheduleOptions`);
    const keys = ['betaMin', 'betaMax', 'sigmaMin', 'sigmaMax'] as const;
    rejectUnknownKeys(so, keys, `${where}.scheduleOptions`);
    scheduleOptions = {};
    for (const key of keys) if (key in so) scheduleOptions[key] = finite(so[key], `${where}.scheduleOptions.${key}`);
  }
  const extra: Record<string, unknown> = {};
  for (const key of extraKeys) if (key in o) extra[key] = o[key];
  return { config: { data, schedule, tau, perturbation, scheduleOptions }, extra };
}

/**
 * Validate a speed-accuracy config (parsed JSON) for the one-dimensional experiment:
 * ```json
 * {"data": {"kind": "gaussian-mixture", "means": [[-0.6], [0.6]], "stds": [0.3, 0.3], "weights": [0.5, 0.5]},
 *  "schedule": "cosine", "tau": 1,
 *  "perturbation": {"kind": "normal", "mean": [1], "std": 1},
 *  "scheduleOptions": {"betaMin": 0.1, "betaMax": 20, "sigmaMin": 0.01, "sigmaMax": 50}}
 * ```
 * `schedule` is one of cosine, cond-ot, ot, vp-linear, ve; `tau` defaults to 1; `scheduleOptions` is
 * optional. Extension point for more dimensions: {@link parseSpeedAccuracyConfigAnyDim} does everything
 * but the dimension check and accepts extra top-level keys (e.g. `process`); dispatch on `data.dim`.
 * @throws InputError with the JSON path of the first problem: unknown keys (named), missing keys,
 *   non-numbers (strings, null, NaN, Infinity), wrong dimensions, std <= 0, weights not summing to 1,
 *   unknown schedule or perturbation kind, tau <= 0, data of dimension other than 1.
 */
export function parseSpeedAccuracyConfig(json: unknown): SpeedAccuracyConfig {
  const { config } = parseSpeedAccuracyConfigAnyDim(json);
  if (config.data.dim !== 1) {
    throw new InputError(`the speed-accuracy experiment supports one-dimensional data only, got dim = ${config.data.dim}`, 'config.data.means');
  }
  return config;
}
