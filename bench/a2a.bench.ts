/**
 * A2A-FM coupling benchmarks (one exact assignment per call, src/a2a/coupling.ts):
 * - `a2a.coupling.annulus`: two independent quarter-annulus batches (continuous c = theta), paper
 *   beta = N^(1/2) (the default rule), N = 256, 1000, 5000, every exact solver that fits
 *   (dense needs 8 N^2 bytes: up to N = 1000 here);
 * - `a2a.coupling.grouped`: the Table 1a problem (3 classes x 1000, beta = 1e4, B2 = B1 permuted),
 *   block solver with certificate vs the global solvers.
 * One JSON line per case: name, size (N), solver, seconds (median wall), cpuSeconds, throughput (rows/s).
 * Usage: `npm run bench -- a2a`, or `tsx bench/a2a.bench.ts`.
 */
import { Rng } from '../src/core/rng.ts';
import { type ConditionalSamples, a2aCoupling } from '../src/a2a/coupling.ts';
import { groupedMixture, quarterAnnulus } from '../src/a2a/datasets.ts';
import { emit, timeIt } from './benchCase.ts';

for (const n of [256, 1000, 5000]) {
  const b1 = quarterAnnulus(n, new Rng(10 + n));
  const b2 = quarterAnnulus(n, new Rng(20 + n));
  for (const solver of n <= 1000 ? (['dense', 'sparse', 'auto'] as const) : (['sparse', 'auto'] as const)) {
    let cost = 0;
    const t = await timeIt(() => (cost = a2aCoupling(b1, b2, { solver }).cost), { warmup: n >= 5000 ? 0 : 1, repeats: n >= 5000 ? 1 : 3 });
    emit({ name: 'a2a.coupling.annulus', size: n, solver, seconds: t.seconds, cpuSeconds: t.cpuSeconds, throughput: n / t.seconds, cost });
  }
}

{
  const rng = new Rng(7);
  const d = groupedMixture(1000, rng);
  const sigma = rng.shuffle(Int32Array.from({ length: d.n }, (_, i) => i));
  const b2: ConditionalSamples = { x: new Float64Array(2 * d.n), c: new Float64Array(d.n), n: d.n, dx: 2, dc: 1 };
  for (let j = 0; j < d.n; j++) {
    b2.x[2 * j] = d.x[2 * sigma[j]];
    b2.x[2 * j + 1] = d.x[2 * sigma[j] + 1];
    b2.c[j] = d.c[sigma[j]];
  }
  for (const solver of ['blocks', 'dense', 'sparse'] as const) {
    let cost = 0;
    const t = await timeIt(() => (cost = a2aCoupling(d, b2, { beta: 1e4, solver }).cost), { warmup: 0, repeats: solver === 'blocks' ? 3 : 1 });
    emit({ name: 'a2a.coupling.grouped', size: d.n, solver, seconds: t.seconds, cpuSeconds: t.cpuSeconds, throughput: d.n / t.seconds, cost });
  }
}
