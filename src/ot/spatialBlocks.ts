/**
 * Spatial blocks of a point cloud, used to prune O(n m) passes: points are ordered by strips
 * (sorted by the first coordinate, cut into about sqrt(n / B) strips, each sorted by the second
 * coordinate; in 3-D and above along a Hilbert curve) and cut into blocks of B consecutive points
 * with axis-aligned bounding boxes.
 */
import type { Points } from '../core/points.ts';
import { hilbertKeys, orderByKeys } from './hilbertOrder.ts';

/** Blocks of a cloud: `order[t]` is the point at position t; block b holds positions [bB, (b+1)B). */
export interface SpatialBlocks {
  order: Int32Array;
  /** block size */
  size: number;
  /** number of blocks */
  count: number;
  /** lower / upper corners, `count x dim` row-major */
  lo: Float64Array;
  hi: Float64Array;
}

/**
 * Build {@link SpatialBlocks} with blocks of `size` points. `hilbert`, when given, is an order of the
 * points along a Hilbert curve (e.g. one already computed over a common bounding box with another
 * cloud); in 3-D and above it is used instead of computing one.
 */
export function spatialBlocks(y: Points, size = 32, hilbert?: Int32Array): SpatialBlocks {
  const { data, n, dim } = y;
  // 3-D and above: strips by two coordinates would leave every block spanning the other axes, so
  // the points are ordered along a Hilbert curve instead (compact blocks in any dimension)
  const order =
    dim >= 3
      ? hilbert
        ? Int32Array.from(hilbert)
        : orderByKeys(hilbertKeys([y])[0])
      : Int32Array.from({ length: n }, (_, j) => j).sort((p, q) => data[p * dim] - data[q * dim]);
  if (dim === 2) {
    const strips = Math.max(1, Math.round(Math.sqrt(n / size)));
    const per = Math.ceil(n / strips);
    for (let s0 = 0; s0 < n; s0 += per) {
      order.subarray(s0, Math.min(n, s0 + per)).sort((p, q) => data[p * dim + 1] - data[q * dim + 1]);
    }
  }
  const count = Math.ceil(n / size);
  const lo = new Float64Array(count * dim).fill(Infinity);
  const hi = new Float64Array(count * dim).fill(-Infinity);
  for (let t = 0; t < n; t++) {
    const b = Math.floor(t / size);
    const j = order[t];
    for (let c = 0; c < dim; c++) {
      const val = data[j * dim + c];
      if (val < lo[b * dim + c]) lo[b * dim + c] = val;
      if (val > hi[b * dim + c]) hi[b * dim + c] = val;
    }
  }
  return { order, size, count, lo, hi };
}

/**
 * The k nearest points of `to` (squared Euclidean distance) for every point of `from`, as
 * `out[i * k + t]`, nearest first. Exact (block lower bounds only skip blocks that cannot contain a
 * nearer point); ties are broken arbitrarily. Requires k <= to.n.
 */
export function nearestNeighbours(from: Points, to: Points, k: number, blocks: SpatialBlocks = spatialBlocks(to)): Int32Array {
  const d = from.dim;
  const { order, size, count, lo, hi } = blocks;
  const xd = from.data;
  const yd = to.data;
  const m = to.n;
  const out = new Int32Array(from.n * k);
  const bestD = new Float64Array(k);
  const bestJ = new Int32Array(k);
  const lb = new Float64Array(count);
  const visit = new Int32Array(count + 4);
  for (let i = 0; i < from.n; i++) {
    const xb = i * d;
    // lower bounds; the nearest blocks are visited first to get a tight k-th distance early
    let first = -1;
    let second = -1;
    for (let b = 0; b < count; b++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const xc = xd[xb + c];
        const l = lo[b * d + c];
        const h = hi[b * d + c];
        const gap = xc < l ? l - xc : xc > h ? xc - h : 0;
        s += gap * gap;
      }
      lb[b] = s;
      if (first < 0 || s < lb[first]) {
        second = first;
        first = b;
      } else if (second < 0 || s < lb[second]) second = b;
    }
    let nv = 0;
    visit[nv++] = first;
    if (second >= 0) visit[nv++] = second;
    for (let b = 0; b < count; b++) if (b !== first && b !== second) visit[nv++] = b;
    let filled = 0;
    let worst = Infinity;
    for (let q = 0; q < nv; q++) {
      const b = visit[q];
      // (1 - 1e-12): the box distance may round above a true distance by an ulp
      if (filled === k && lb[b] * (1 - 1e-12) >= worst) continue;
      const tEnd = Math.min(m, (b + 1) * size);
      for (let t = b * size; t < tEnd; t++) {
        const j = order[t];
        let s = 0;
        for (let c = 0; c < d; c++) {
          const z = xd[xb + c] - yd[j * d + c];
          s += z * z;
        }
        if (filled < k || s < worst) {
          let p = filled < k ? filled++ : k - 1;
          while (p > 0 && bestD[p - 1] > s) {
            bestD[p] = bestD[p - 1];
            bestJ[p] = bestJ[p - 1];
            p--;
          }
          bestD[p] = s;
          bestJ[p] = j;
          if (filled === k) worst = bestD[k - 1];
        }
      }
    }
    out.set(bestJ.subarray(0, k), i * k);
  }
  return out;
}
