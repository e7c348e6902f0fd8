import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
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
