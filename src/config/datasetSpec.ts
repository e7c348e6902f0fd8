/**
 * Named 2-D toy datasets and Gaussian mixtures for the trainer's JSON config (browser-safe):
 *   { "kind": "moons", "noise"?: 0.1 } | { "kind": "eight-gaussians", "radius"?: 2, "std"?: 0.2 } |
 *   { "kind": "swiss-roll", "noise"?: 0.1, "radius"?: 4 } | { "kind": "checkerboard", "scale"?: 1 } |
 *   { "kind": "gaussian-mixture", "means": number[][], "stds": number[], "weights": number[] } |
 *     (or "covariances": number[][][], one d x d matrix per component, instead of "stds") |
 *   { "kind": "npy", "file": "path.npy" }  (loaded by the CLI, not here)
 * (old spellings `8gaussians`, `swissroll` are renamed: docs/config.md). Generators come from src/data/.
 */
import { assertFiniteNumber } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';
import { checkerboard } from '../data/checkerboard.ts';
import { eightGaussians } from '../data/eightGaussians.ts';
import { type GaussianMixture, gaussianMixtureFromBlock, makeGaussianMixture, sampleGaussianMixture } from '../data/gaussianMixture.ts';
import { swissRoll } from '../data/swissRoll.ts';
import { twoMoons } from '../data/twoMoons.ts';
import { OLD_DATA_KINDS } from './normalizeConfig.ts';

export const DATASET_KINDS = ['moons', 'eight-gaussians', 'swiss-roll', 'checkerboard', 'gaussian-mixture', 'npy'] as const;

/** A dataset description from a config file. */
export type DatasetSpec = { kind: (typeof DATASET_KINDS)[number] } & Record<string, unknown>;

/**
 * Validate a dataset spec. @throws InputError naming the JSON path.
 */
export function parseDatasetSpec(v: unknown, where: string): DatasetSpec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError('expected an object with a "kind"', where);
  let o = v as Record<string, unknown>;
  if (typeof o.kind === 'string' && o.kind in OLD_DATA_KINDS) o = { ...o, kind: OLD_DATA_KINDS[o.kind] };
  if (!DATASET_KINDS.includes(o.kind as never)) {
    throw new InputError(`expected kind to be one of ${DATASET_KINDS.join(', ')}, got ${JSON.stringify(o.kind)}`, `${where}.kind`);
  }
  for (const key of ['noise', 'radius', 'std', 'scale']) if (key in o) assertFiniteNumber(o[key], `${where}.${key}`);
  if (o.kind === 'gaussian-mixture') mixtureOf(o as DatasetSpec, where);
  if (o.kind === 'npy' && typeof o.file !== 'string') throw new InputError('expected a "file" path', `${where}.file`);
  return o as DatasetSpec;
}

/** The Gaussian mixture of a `gaussian-mixture` spec (also the law of `eight-gaussians`), else null. */
export function mixtureOf(spec: DatasetSpec, where = 'data'): GaussianMixture | null {
  if (spec.kind === 'gaussian-mixture') {
    return gaussianMixtureFromBlock(spec, where);
  }
  if (spec.kind === 'eight-gaussians') {
    const r = (spec.radius as number | undefined) ?? 2;
    const s = (spec.std as number | undefined) ?? 0.2;
    const means: number[][] = [];
    for (let k = 0; k < 8; k++) means.push([r * Math.cos((k * Math.PI) / 4), r * Math.sin((k * Math.PI) / 4)]);
    return makeGaussianMixture(means, new Array(8).fill(s), new Array(8).fill(1 / 8), where);
  }
  return null;
}

/**
 * Draw n points of a generated dataset.
 * @throws InputError for `npy` (file data must be loaded by the caller).
 */
export function sampleDataset(spec: DatasetSpec, n: number, rng: Rng): Points {
  switch (spec.kind) {
    case 'moons':
      return twoMoons(n, rng, (spec.noise as number | undefined) ?? 0.1);
    case 'eight-gaussians':
      return eightGaussians(n, rng, { radius: spec.radius as number | undefined, std: spec.std as number | undefined });
    case 'swiss-roll':
      return swissRoll(n, rng, { noise: spec.noise as number | undefined, radius: spec.radius as number | undefined });
    case 'checkerboard':
      return checkerboard(n, rng, (spec.scale as number | undefined) ?? 1);
    case 'gaussian-mixture':
      return sampleGaussianMixture(mixtureOf(spec) as GaussianMixture, n, rng);
    default:
      throw new InputError('npy data cannot be generated; load the file', 'data.kind');
  }
}
