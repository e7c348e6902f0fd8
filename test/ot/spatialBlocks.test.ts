import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { hilbertKeys, orderByKeys, orderByValues } from '../../src/ot/hilbertOrder.ts';
import { nearestNeighbours, spatialBlocks } from '../../src/ot/spatialBlocks.ts';
import { TEST_SEED } from '../support/expectClose.ts';
import { uniformCloud } from './otFixtures.ts';

test('block-pruned k nearest neighbours equal brute force (distances), in 1, 2 and 3 dimensions', () => {
  const rng = new Rng(TEST_SEED);
  for (const [n, m, d, k] of [[300, 500, 2, 24], [200, 700, 3, 10], [150, 90, 1, 7], [50, 20, 2, 20]] as const) {
    const x = uniformCloud(rng, n, d);
    const y = uniformCloud(rng, m, d);
    // a cluster far away makes some blocks elongated
    for (let t = 0; t < 10 * d; t++) y.data[t] = 5 + rng.uniform();
    const knn = nearestNeighbours(x, y, k, spatialBlocks(y, 16));
    for (let i = 0; i < n; i++) {
      const dist = (j: number) => {
        let s = 0;
        for (let c = 0; c < d; c++) s += (x.data[i * d + c] - y.data[j * d + c]) ** 2;
        return s;
      };
      const brute = Array.from({ length: m }, (_, j) => dist(j)).sort((a, b) => a - b).slice(0, k);
      const got = Array.from(knn.subarray(i * k, (i + 1) * k), dist);
      // same distances in the same order (indices may differ only on exact ties)
      assert.deepEqual(got, brute, `point ${i} (n=${n}, d=${d})`);
    }
  }
});

test('orderByKeys (packed native sort) equals the stable comparator sort, ties and fallback included', () => {
  const rng = new Rng(TEST_SEED);
  const comparator = (keys: Float64Array) => Array.from(keys.keys()).sort((p, q) => keys[p] - keys[q] || p - q);
  for (const [n, range] of [[1, 4], [50, 8], [3000, 1e6], [2000, 2 ** 41]] as const) {
    // integer keys, many ties when the range is small
    const keys = Float64Array.from({ length: n }, () => Math.floor(rng.uniform() * range));
    assert.deepEqual(Array.from(orderByKeys(keys)), comparator(keys), `n=${n}, range=${range}`);
  }
  // keys the packing cannot hold exactly (too large for key * n + i, fractional, negative): comparator path
  for (const keys of [Float64Array.of(2 ** 52, 3, 2 ** 52, 1), Float64Array.of(0.5, 0.25, 0.5), Float64Array.of(-1, 2, -3)]) {
    assert.deepEqual(Array.from(orderByKeys(keys)), comparator(keys));
  }
});

test('orderByValues sorts reals ascending (exactly when they are farther apart than its resolution)', () => {
  const rng = new Rng(TEST_SEED);
  const n = 5000;
  // distinct values on a grid of step 1e-6 in [-3, 7]: far above the resolution 10 / floor(2^52 / n) ~ 1e-11
  const values = Float64Array.from({ length: n }, (_, i) => -3 + 1e-6 * Math.round(rng.uniform() * 1e7) + 1e-13 * i);
  const order = orderByValues(values);
  const exact = Array.from(values.keys()).sort((p, q) => values[p] - values[q] || p - q);
  assert.deepEqual(Array.from(order), exact);
  // equal values keep index order; a non-finite value falls back to the exact comparator sort
  assert.deepEqual(Array.from(orderByValues(Float64Array.of(2, 1, 2, 1))), [1, 3, 0, 2]);
  assert.deepEqual(Array.from(orderByValues(Float64Array.of(2, Infinity, -1))), [2, 0, 1]);
});

test('spatial blocks built from a given Hilbert order: same k nearest distances as the default blocks (3-D)', () => {
  const rng = new Rng(TEST_SEED);
  const x = uniformCloud(rng, 200, 3);
  const y = uniformCloud(rng, 300, 3);
  const [, ky] = hilbertKeys([x, y], 8);
  const blocks = spatialBlocks(y, 16, orderByKeys(ky));
  assert.deepEqual(Array.from(blocks.order).sort((p, q) => p - q), Array.from({ length: 300 }, (_, j) => j));
  const d2 = (i: number, j: number) => (x.data[3 * i] - y.data[3 * j]) ** 2 + (x.data[3 * i + 1] - y.data[3 * j + 1]) ** 2 + (x.data[3 * i + 2] - y.data[3 * j + 2]) ** 2;
  const a = nearestNeighbours(x, y, 5, blocks);
  const b = nearestNeighbours(x, y, 5, spatialBlocks(y, 16));
  // exact k-NN either way: the same distances (indices may differ only on exact ties)
  assert.deepEqual(Array.from(a, (j, t) => d2(Math.floor(t / 5), j)), Array.from(b, (j, t) => d2(Math.floor(t / 5), j)));
});
