import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';

/**
 * A set of `n` grey-scale images of `height` x `width` pixels (uint8, 0 = black, 255 = white,
 * row-major per image: `images[i * height * width + r * width + c]`) with a class label each.
 * Fashion-MNIST ({@link loadFashionMnist}) and the synthetic stand-in ({@link syntheticGarmentImages})
 * both return this shape.
 */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  /** Class names indexed by label. */
  classNames: readonly string[];
  /** Where the images came from, e.g. a folder or `synthetic`. */
  source: string;
}

/**
 * Flatten images into {@link Points} (`dim = height * width`) with pixel value
 * `v / 255 * (hi - lo) + lo`; the default range [-1, 1] is the usual flow-matching pixel scaling.
 * @param limit use the first `limit` images (default: all).
 * @throws InputError if `limit` is not an integer in [1, n] or `lo >= hi`.
 */
export function imagesToPoints(set: ImageSet, opts: { lo?: number; hi?: number; limit?: number } = {}): Points {
  const { lo = -1, hi = 1, limit = set.n } = opts;
  if (!Number.isInteger(limit) || limit < 1 || limit > set.n) {
    throw new InputError(`expected limit an integer in [1, ${set.n}], got ${limit}`, 'imagesToPoints');
  }
  if (!(lo < hi)) throw new InputError(`expected lo < hi, got lo=${lo}, hi=${hi}`, 'imagesToPoints');
  const dim = set.height * set.width;
  const data = new Float64Array(limit * dim);
  const scale = (hi - lo) / 255;
  for (let i = 0; i < data.length; i++) data[i] = set.images[i] * scale + lo;
  return { data, n: limit, dim };
}

/**
 * Map pixel values in [lo, hi] back to [0, 1] intensities (clamped), for `imageGridPng`.
 */
export function pixelsToUnit(x: ArrayLike<number>, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.min(1, Math.max(0, (x[i] - lo) / (hi - lo)));
  return out;
}
