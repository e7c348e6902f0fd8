import { InputError } from '../core/errors.ts';
import { evaluateGaussianSum, type GaussianSumOutputs, GAUSSIAN_SUM_SKIP, type IsotropicGaussianSum } from './isotropicGaussianSum.ts';

/**
 * A bucket grid over the centres of an {@link IsotropicGaussianSum} (dim 1-3), so that a query
 * visits only the components that can be within {@link GAUSSIAN_SUM_SKIP} nats of the largest
 * exponent. With mu_k = a_k / (2 b_k) and C_k = c_k + b_k |mu_k|^2 (= ln w_k - (d/2) ln(2 pi gamma_k)),
 * every exponent satisfies l_k(x) = C_k - b_k |x - mu_k|^2 <= Cmax - bMin |x - mu_k|^2.
 */
export interface GaussianSumIndex {
  readonly sum: IsotropicGaussianSum;
  readonly dim: number;
  /** Lower corner of the bucket grid, bucket edge, buckets per axis. */
  readonly lo: Float64Array;
  readonly cell: number;
  readonly cells: Int32Array;
  /** CSR lists: bucket q holds components items[start[q] .. start[q+1]). */
  readonly start: Int32Array;
  readonly items: Int32Array;
  readonly cMax: number;
  readonly bMin: number;
}

/**
 * Build a {@link GaussianSumIndex}: buckets of edge max(extent / k^(1/d), sqrt(|SKIP| / bMin) / 2),
 * at most 256 per axis. Components with zero weight are left out (they never contribute).
 * @throws InputError if dim is not 1-3.
 */
export function gaussianSumIndex(sum: IsotropicGaussianSum): GaussianSumIndex {
  const { dim, k, a, b, c } = sum;
  if (dim < 1 || dim > 3) throw new InputError(`expected dim 1-3 for a bucket index, got ${dim}`, 'gaussianSumIndex');
  const mu = new Float64Array(k * dim);
  const lo = new Float64Array(dim).fill(Infinity);
  const hi = new Float64Array(dim).fill(-Infinity);
  let cMax = -Infinity;
  let bMin = Infinity;
  let live = 0;
  for (let j = 0; j < k; j++) {
    if (c[j] === -Infinity) continue;
    live++;
    let m2 = 0;
    for (let d = 0; d < dim; d++) {
      const m = a[j * dim + d] / (2 * b[j]);
      mu[j * dim + d] = m;
      m2 += m * m;
      lo[d] = Math.min(lo[d], m);
      hi[d] = Math.max(hi[d], m);
    }
    cMax = Math.max(cMax, c[j] + b[j] * m2);
    bMin = Math.min(bMin, b[j]);
  }
  let extent = 0;
  for (let d = 0; d < dim; d++) {
    if (live === 0) lo[d] = hi[d] = 0;
    extent = Math.max(extent, hi[d] - lo[d]);
  }
  let cell = Math.max(extent / Math.max(1, live) ** (1 / dim), 0.5 * Math.sqrt(-GAUSSIAN_SUM_SKIP / bMin), extent / 256, 1e-300);
  if (!Number.isFinite(cell)) cell = Math.max(extent, 1);
  const cells = new Int32Array(dim);
  let total = 1;
  for (let d = 0; d < dim; d++) {
    cells[d] = Math.max(1, Math.min(256, Math.floor((hi[d] - lo[d]) / cell) + 1));
    total *= cells[d];
  }
  const bucketOf = (j: number) => {
    let q = 0;
    for (let d = dim - 1; d >= 0; d--) q = q * cells[d] + Math.min(cells[d] - 1, Math.floor((mu[j * dim + d] - lo[d]) / cell));
    return q;
  };
  const start = new Int32Array(total + 1);
  for (let j = 0; j < k; j++) if (c[j] !== -Infinity) start[bucketOf(j) + 1]++;
  for (let q = 0; q < total; q++) start[q + 1] += start[q];
  const fill = start.slice(0, total);
  const items = new Int32Array(live);
  for (let j = 0; j < k; j++) if (c[j] !== -Infinity) items[fill[bucketOf(j)]++] = j;
  return { sum, dim, lo, cell, cells, start, items, cMax, bMin };
}

/**
 * The same numbers as {@link evaluateGaussianSum} (log-density, score and/or posterior averages),
 * summing over the same terms: a query first finds a lower bound l* of the largest exponent from
 * the nearest non-empty buckets, then visits only the buckets within radius
 * R = sqrt((Cmax - l* - SKIP) / bMin); a component outside has l_k < l* + SKIP <= max + SKIP and is
 * skipped by the full evaluation too. Only the order of summation differs (rounding ~1e-16
 * relative). Falls back to all components when the ball covers the whole grid.
 * @throws InputError if x.length !== n * dim or an output has the wrong length.
 */
export function evaluateGaussianSumIndexed(idx: GaussianSumIndex, x: Float64Array, n: number, out: GaussianSumOutputs): void {
  const { sum, dim, lo, cell, cells, start, items, cMax, bMin } = idx;
  const { k, a, b, c } = sum;
  if (x.length !== n * dim) throw new InputError(`expected ${n}x${dim} query values, got ${x.length}`, 'queries');
  const { logDensity, score, average, values } = out;
  const dv = out.dv ?? 0;
  if (logDensity && logDensity.length < n) throw new InputError(`logDensity output needs ${n} entries`, 'outputs');
  if (score && score.length < n * dim) throw new InputError(`score output needs ${n * dim} entries`, 'outputs');
  if (average) {
    if (!values || values.length !== k * dv || dv < 1) throw new InputError(`expected values of ${k}x${dv}`, 'outputs.values');
    if (average.length < n * dv) throw new InputError(`average output needs ${n * dv} entries`, 'outputs');
  }
  const buf = new Float64Array(k);
  const ids = new Int32Array(k);
  const sa = new Float64Array(dim);
  const acc = new Float64Array(Math.max(dv, 1));
  const cx = new Int32Array(dim);
  const rlo = new Int32Array(dim);
  const rhi = new Int32Array(dim);
  let totalCells = 1;
  for (let d = 0; d < dim; d++) totalCells *= cells[d];
  // a grid of a few buckets prunes nothing: the plain loop
  if (totalCells <= 4) {
    evaluateGaussianSum(sum, x, n, out);
    return;
  }
  const c1 = dim > 1 ? cells[0] : 1;
  const c2 = dim > 2 ? cells[1] : 1;
  const wide: number[] = [];
  for (let i = 0; i < n; i++) {
    const off = i * dim;
    let r2 = 0;
    for (let d = 0; d < dim; d++) r2 += x[off + d] * x[off + d];
    // 1. lower bound l* of the largest exponent: the buckets of Chebyshev rings 0, 1, ... around x until one holds a component
    for (let d = 0; d < dim; d++) cx[d] = Math.max(0, Math.min(cells[d] - 1, Math.floor((x[off + d] - lo[d]) / cell)));
    let lStar = -Infinity;
    for (let ring = 0; lStar === -Infinity && items.length > 0; ring++) {
      let any = false;
      for (let d = 0; d < dim; d++) {
        rlo[d] = Math.max(0, cx[d] - ring);
        rhi[d] = Math.min(cells[d] - 1, cx[d] + ring);
        if (cx[d] - ring >= 0 || cx[d] + ring < cells[d]) any = true;
      }
      if (!any) break;
      for (let q2 = dim > 2 ? rlo[2] : 0; q2 <= (dim > 2 ? rhi[2] : 0); q2++) {
        for (let q1 = dim > 1 ? rlo[1] : 0; q1 <= (dim > 1 ? rhi[1] : 0); q1++) {
          for (let q0 = rlo[0]; q0 <= rhi[0]; q0++) {
            const onRing = Math.max(Math.abs(q0 - cx[0]), dim > 1 ? Math.abs(q1 - cx[1]) : 0, dim > 2 ? Math.abs(q2 - cx[2]) : 0) === ring;
            if (!onRing) continue;
            const q = q0 + c1 * (q1 + c2 * q2);
            for (let s = start[q]; s < start[q + 1]; s++) {
              const j = items[s];
              let l = c[j] - b[j] * r2;
              for (let d = 0; d < dim; d++) l += a[j * dim + d] * x[off + d];
              if (l > lStar) lStar = l;
            }
          }
        }
      }
    }
    // 2. every component that can be within SKIP nats of the maximum
    let m = 0;
    let max = -Infinity;
    const R = Math.sqrt(Math.max(0, (cMax - lStar - GAUSSIAN_SUM_SKIP) / bMin));
    let boxCells = 1;
    for (let d = 0; d < dim; d++) {
      rlo[d] = Math.max(0, Math.floor((x[off + d] - R - lo[d]) / cell));
      rhi[d] = Math.min(cells[d] - 1, Math.floor((x[off + d] + R - lo[d]) / cell));
      boxCells *= Math.max(0, rhi[d] - rlo[d] + 1);
    }
    if (!(R < Infinity) || boxCells >= totalCells) {
      // the ball covers every bucket: left to the plain loop of evaluateGaussianSum (one batch below)
      wide.push(i);
      continue;
    }
    for (let q2 = dim > 2 ? rlo[2] : 0; q2 <= (dim > 2 ? rhi[2] : 0); q2++) {
      for (let q1 = dim > 1 ? rlo[1] : 0; q1 <= (dim > 1 ? rhi[1] : 0); q1++) {
        for (let q0 = rlo[0]; q0 <= rhi[0]; q0++) {
          const q = q0 + c1 * (q1 + c2 * q2);
          for (let s = start[q]; s < start[q + 1]; s++) {
            const j = items[s];
            let l = c[j] - b[j] * r2;
            for (let d = 0; d < dim; d++) l += a[j * dim + d] * x[off + d];
            buf[m] = l;
            ids[m++] = j;
            if (l > max) max = l;
          }
        }
      }
    }
    if (max === -Infinity) {
      if (logDensity) logDensity[i] = -Infinity;
      if (score) for (let d = 0; d < dim; d++) score[off + d] = Number.NaN;
      if (average) for (let v = 0; v < dv; v++) average[i * dv + v] = Number.NaN;
      continue;
    }
    let total = 0;
    let sb = 0;
    sa.fill(0);
    if (average) acc.fill(0);
    for (let p = 0; p < m; p++) {
      const z = buf[p] - max;
      if (z < GAUSSIAN_SUM_SKIP) continue;
      const j = ids[p];
      const e = Math.exp(z);
      total += e;
      if (score) {
        sb += e * b[j];
        if (dim === 2) {
          sa[0] += e * a[2 * j];
          sa[1] += e * a[2 * j + 1];
        } else for (let d = 0; d < dim; d++) sa[d] += e * a[j * dim + d];
      }
      if (average) for (let v = 0; v < dv; v++) acc[v] += e * values![j * dv + v];
    }
    const inv = 1 / total;
    if (logDensity) logDensity[i] = max + Math.log(total);
    if (score) {
      const q = 2 * sb * inv;
      for (let d = 0; d < dim; d++) score[off + d] = sa[d] * inv - q * x[off + d];
    }
    if (average) for (let v = 0; v < dv; v++) average[i * dv + v] = acc[v] * inv;
  }
  if (wide.length > 0) {
    const nw = wide.length;
    const xw = new Float64Array(nw * dim);
    for (let r = 0; r < nw; r++) xw.set(x.subarray(wide[r] * dim, (wide[r] + 1) * dim), r * dim);
    const o: GaussianSumOutputs = {
      logDensity: logDensity ? new Float64Array(nw) : undefined,
      score: score ? new Float64Array(nw * dim) : undefined,
      average: average ? new Float64Array(nw * dv) : undefined,
      values,
      dv,
    };
    evaluateGaussianSum(sum, xw, nw, o);
    wide.forEach((i, r) => {
      if (logDensity) logDensity[i] = o.logDensity![r];
      if (score) score.set(o.score!.subarray(r * dim, (r + 1) * dim), i * dim);
      if (average) average.set(o.average!.subarray(r * dv, (r + 1) * dv), i * dv);
    });
  }
}
