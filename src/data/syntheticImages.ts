import { assertInteger } from '../core/check.ts';
import type { Rng } from '../core/rng.ts';
import type { ImageSet } from './imageSet.ts';

/** Class names of {@link syntheticGarmentImages}, indexed by label. */
export const SYNTHETIC_GARMENT_CLASSES = ['T-shirt', 'Trouser', 'Dress', 'Bag', 'Sneaker'] as const;

/**
 * Small seeded garment-like silhouettes, a stand-in for Fashion-MNIST in tests and in `quick`
 * runs on machines without the dataset. Each image is one of five classes (T-shirt, trouser,
 * dress, bag, sneaker) drawn as a filled silhouette on a black background, with random size,
 * offset (up to ±2 px at 28 px), brightness and per-pixel texture, so the set has real
 * within-class variation but a low intrinsic dimension like real garments.
 *
 * Shapes are defined on the unit square and rasterised to `height` x `width`, so any size >= 8
 * works (28 x 28 matches Fashion-MNIST).
 *
 * @param n number of images (>= 1); labels cycle through the classes in a shuffled order.
 * @param rng seeded generator: same seed, same images.
 * @throws InputError if `n`, `height` or `width` is not an integer in range.
 */
export function syntheticGarmentImages(
  n: number,
  rng: Rng,
  opts: { height?: number; width?: number } = {},
): ImageSet {
  const { height = 28, width = 28 } = opts;
  assertInteger(n, 'syntheticGarmentImages.n', 1);
  assertInteger(height, 'syntheticGarmentImages.height', 8, 4096);
  assertInteger(width, 'syntheticGarmentImages.width', 8, 4096);
  const k = SYNTHETIC_GARMENT_CLASSES.length;
  const images = new Uint8Array(n * height * width);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = rng.int(k);
    labels[i] = label;
    // Random geometry: scale in [0.85, 1.1], shift of up to ~0.07 of the frame, brightness.
    const sx = 0.85 + 0.25 * rng.uniform();
    const sy = 0.85 + 0.25 * rng.uniform();
    const dx = (rng.uniform() - 0.5) * 0.14;
    const dy = (rng.uniform() - 0.5) * 0.14;
    const bright = 0.55 + 0.45 * rng.uniform();
    const p1 = rng.uniform();
    const p2 = rng.uniform();
    const inside = shapeOf(label, p1, p2);
    const off = i * height * width;
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        // Pixel centre in shape coordinates (origin at the frame centre, unit half-width).
        const u = ((c + 0.5) / width - 0.5 - dx) / (0.5 * sx);
        const v = ((r + 0.5) / height - 0.5 - dy) / (0.5 * sy);
        if (inside(u, v)) {
          const texture = 0.85 + 0.15 * rng.uniform();
          images[off + r * width + c] = Math.round(255 * Math.min(1, bright * texture));
        }
      }
    }
  }
  return { images, labels, n, height, width, classNames: SYNTHETIC_GARMENT_CLASSES, source: 'synthetic' };
}

/** Silhouette predicate on [-1, 1]^2 (v grows downwards) for a class, with two shape parameters in [0, 1). */
function shapeOf(label: number, p1: number, p2: number): (u: number, v: number) => boolean {
  switch (label) {
    case 0: {
      // T-shirt: body plus sleeves; sleeve length varies.
      const sleeve = 0.25 + 0.25 * p1;
      const bodyHalf = 0.45 + 0.1 * p2;
      return (u, v) =>
        (Math.abs(u) <= bodyHalf && v >= -0.75 && v <= 0.85 && !(Math.abs(u) < 0.15 && v < -0.6)) ||
        (Math.abs(u) <= 0.85 && v >= -0.75 && v <= -0.75 + sleeve && Math.abs(u) >= bodyHalf - 0.05);
    }
    case 1: {
      // Trousers: waistband and two legs with a gap.
      const gap = 0.04 + 0.06 * p1;
      const legW = 0.28 + 0.08 * p2;
      return (u, v) => v >= -0.9 && v <= 0.9 && Math.abs(u) <= gap + legW && (v < -0.5 || Math.abs(u) >= gap);
    }
    case 2: {
      // Dress: narrow top flaring to a wide hem.
      const top = 0.22 + 0.1 * p1;
      const hem = 0.6 + 0.25 * p2;
      return (u, v) => v >= -0.85 && v <= 0.9 && Math.abs(u) <= top + ((v + 0.85) / 1.75) * (hem - top);
    }
    case 3: {
      // Bag: a box with a handle loop on top.
      const boxTop = -0.25 + 0.2 * p1;
      const handleR = 0.3 + 0.15 * p2;
      return (u, v) => {
        if (Math.abs(u) <= 0.75 && v >= boxTop && v <= 0.75) return true;
        const rr = Math.hypot(u, (v - boxTop) * 1.2);
        return v < boxTop && rr <= handleR + 0.1 && rr >= handleR - 0.05;
      };
    }
    default: {
      // Sneaker: low shoe with a raised heel collar on the left.
      const toe = 0.7 + 0.2 * p1;
      const collar = -0.25 - 0.2 * p2;
      return (u, v) =>
        (u >= -0.9 && u <= toe && v >= 0.05 && v <= 0.5) || (u >= -0.9 && u <= -0.15 && v >= collar && v < 0.05);
    }
  }
}
