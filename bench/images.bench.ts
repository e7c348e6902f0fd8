/**
 * Image-pipeline benchmarks: Fashion-MNIST loading (when installed; synthetic images otherwise),
 * PCA fit (full EVD vs subspace iteration) and encoding. Usage: `tsx bench/images.bench.ts`.
 */
import { Rng } from '../src/core/rng.ts';
import { fashionMnistUnavailableReason, loadFashionMnist } from '../src/data/fashionMnist.ts';
import { imagesToPoints } from '../src/data/imageSet.ts';
import { syntheticGarmentImages } from '../src/data/syntheticImages.ts';
import { fitPca } from '../src/data/pca.ts';
import { emit, timeIt } from './benchCase.ts';

const real = fashionMnistUnavailableReason() === undefined;
if (real) {
  const t = await timeIt(() => loadFashionMnist(), { warmup: 0, repeats: 1 });
  emit({ name: 'fashion-mnist-load-train', size: 60000, seconds: t.seconds, cpuSeconds: t.cpuSeconds, throughput: 60000 / t.seconds });
}
const set = real ? loadFashionMnist({ limit: 10000 }) : syntheticGarmentImages(10000, new Rng(1));
const x = imagesToPoints(set);
for (const [method, samples] of [['evd', 2000], ['subspace', 2000], ['subspace', 10000]] as const) {
  const t = await timeIt(() => fitPca(x, 32, { method, maxSamples: samples }), { warmup: 0, repeats: 1 });
  emit({ name: `pca-fit-${method}`, size: samples, dim: 32, seconds: t.seconds, cpuSeconds: t.cpuSeconds, throughput: samples / t.seconds, data: real ? 'fashion-mnist' : 'synthetic' });
}
const pca = fitPca(x, 32, { maxSamples: 2000 });
const t = await timeIt(() => pca.encode(x), { warmup: 0, repeats: 1 });
emit({ name: 'pca-encode', size: x.n, dim: 32, seconds: t.seconds, cpuSeconds: t.cpuSeconds, throughput: x.n / t.seconds });
