import { Rng } from '../../core/rng.ts';

/**
 * The random stream of training step `step` of a run seeded with `seed`: a fresh {@link Rng}
 * whose seed mixes (seed, step) with a 32-bit avalanche hash. Because every step owns its stream,
 * a run resumed at step k draws exactly the same batches as an uninterrupted run, and the only
 * "rng state" a checkpoint needs is (seed, step).
 */
export function stepRng(seed: number, step: number, stream = 0): Rng {
  let h = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
  for (const v of [step >>> 0, Math.floor(step / 4294967296) >>> 0, stream >>> 0]) {
    h = Math.imul(h ^ v, 0x9e3779b1) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca77) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae3d) >>> 0;
    h ^= h >>> 16;
  }
  return new Rng(h * 4294967296 + (Math.imul(h ^ 0x27d4eb2f, 0x165667b1) >>> 0));
}
