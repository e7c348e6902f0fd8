/**
 * Optimal-transport benchmarks: exact OT (assignment solver, certificate included) and Sinkhorn
 * on 2-D uniform clouds of 500 .. 10000 points, plus munkres at n = 1000 for comparison.
 * One JSON line per case (name, size, seconds = median wall time, cpuSeconds, throughput = points/s).
 * Sinkhorn: epsilon = 0.01 (absolute; squared distances in the unit square are <= 2), tol 1e-6
 * (L1 marginal error), epsilon scaling, maxIter 1000, full solve (after one untimed warm-up solve)
 * while the kernel fits (n^2 <= 2^27, the scaling path: up to 11585 points), adaptive
 * over-relaxation and, up to 2000 points, plain Sinkhorn; 5 fixed iterations above (blocked
 * path, see below); `path`, `converged`, `iterations` and `secondsPerIteration` are recorded.
 * `ot.sinkhorn.perIteration.uniform2d`: CPU seconds per iteration (seconds = cpuSeconds; throughput =
 * iterations/s) at eps = 0.01 against n, setup and kernel builds excluded, on the path sinkhorn takes.
 * Usage: `npm run bench -- ot`, or `tsx bench/ot.bench.ts [sizes...]`.
 */
import { munkres } from 'munkres';
import { Rng } from '../src/core/rng.ts';
import { costMatrix, costRow } from '../src/ot/costSpec.ts';
import { emd } from '../src/ot/emd.ts';
import { type SinkhornOptions, sinkhorn } from '../src/ot/sinkhorn.ts';
import { OmegaSchedule } from '../src/ot/overRelaxation.ts';
import { BlockedSinkhorn } from '../src/ot/sinkhornBlocked.ts';
import { MAX_KERNEL_ENTRIES, ScalingSinkhorn } from '../src/ot/sinkhornScaling.ts';
import { emit, timeIt } from './benchCase.ts';

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [500, 1000, 2000, 4000, 10000];
const cloud = (rng: Rng, n: number) => ({ data: Float64Array.from({ length: 2 * n }, () => rng.uniform()), n, dim: 2 });

for (const n of sizes) {
  const rng = new Rng(1000 + n);
  const x = cloud(rng, n);
  const y = cloud(rng, n);
  let result = emd(null, null, { kind: 'sqeuclidean', x, y });
  const t = await timeIt(() => (result = emd(null, null, { kind: 'sqeuclidean', x, y })), { warmup: 0, repeats: n >= 4000 ? 1 : 3 });
  emit({
    name: 'ot.exact.w2sq.uniform2d',
    size: n,
    seconds: t.seconds,
    cpuSeconds: t.cpuSeconds,
    throughput: n / t.seconds,
    cost: result.cost,
    algorithm: result.algorithm,
    optimal: result.certificate.optimal,
    maxDualViolation: result.certificate.maxDualViolation,
  });
}

for (const n of sizes) {
  const rng = new Rng(1000 + n);
  const x = cloud(rng, n);
  const y = cloud(rng, n);
  const cost = { kind: 'sqeuclidean' as const, x, y };
  // while the n^2 kernel fits (MAX_KERNEL_ENTRIES = 2^27, 11585 points): a full solve on the scaling
  // path, adaptive over-relaxation (the default) and, up to 2000 points, plain Sinkhorn for the
  // iteration counts. Above, sinkhorn runs on the blocked path (one exponential per entry and
  // iteration), so only 5 iterations at the final epsilon are timed and reported per iteration;
  // `converged` is then false by construction.
  const full = n * n <= MAX_KERNEL_ENTRIES;
  const variants: [string, SinkhornOptions][] = full
    ? [['auto', { epsilon: 0.01, tol: 1e-6, maxIter: 1000, plan: false }]]
    : [['auto', { epsilon: 0.01, tol: 1e-6, maxIter: 5, plan: false, epsilonScaling: false }]];
  if (full && n <= 2000) variants.push(['plain', { epsilon: 0.01, tol: 1e-6, maxIter: 1000, plan: false, overRelaxation: 1 }]);
  for (const [relax, opts] of variants) {
    // warm-up: one full solve (V8 compiles the loops on the first call)
    let r = sinkhorn(null, null, cost, full ? opts : { ...opts, maxIter: 1 });
    const t = await timeIt(() => (r = sinkhorn(null, null, cost, opts)), { warmup: 0, repeats: 1 });
    emit({
      name: 'ot.sinkhorn.uniform2d',
      size: n,
      seconds: t.seconds,
      cpuSeconds: t.cpuSeconds,
      throughput: n / t.seconds,
      mode: full ? 'solve' : 'fixed-iterations',
      path: full ? 'scaling' : 'blocked',
      overRelaxation: relax,
      epsilon: opts.epsilon,
      tol: opts.tol,
      maxIter: opts.maxIter,
      epsilonScaling: full,
      iterations: r.iterations,
      secondsPerIteration: t.seconds / r.iterations,
      converged: r.converged,
      marginalError: r.marginalError,
      cost: r.cost,
    });
  }
}

// Time per iteration at eps = 0.01 against n, without setup and kernel builds, on the stage solvers
// sinkhorn uses (cold start f = g = 0, epsilon scaling off): scaling path (kernel stored, up to
// 2^27 entries): CPU of a stage with 21 iterations minus one with 1 (each builds its kernel), over
// 20, min of 3 runs each; blocked path (above; kernel recomputed per block, nothing to build): CPU
// of a 3-iteration stage over 3, min of 2 runs.
for (const n of sizes) {
  const rng = new Rng(1000 + n);
  const x = cloud(rng, n);
  const y = cloud(rng, n);
  const cost = { kind: 'sqeuclidean' as const, x, y };
  const buf = new Float64Array(n);
  const w = new Float64Array(n).fill(1 / n);
  const stored = n * n <= MAX_KERNEL_ENTRIES;
  const solver = stored ? new ScalingSinkhorn(cost, w, w, (i) => costRow(cost, i, buf)) : new BlockedSinkhorn(cost, w, w, (i) => costRow(cost, i, buf));
  const stageCpu = (k: number, repeats: number): number => {
    let best = Infinity;
    for (let r = 0; r < repeats; r++) {
      const c0 = process.cpuUsage();
      solver.stage(new Float64Array(n), new Float64Array(n), 0.01, k, 1e-300, true, new OmegaSchedule(null));
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1e6);
    }
    return best;
  };
  stageCpu(stored ? 21 : 1, 1); // warm-up
  const perIteration = stored ? (stageCpu(21, 3) - stageCpu(1, 3)) / 20 : stageCpu(3, 2) / 3;
  emit({
    name: 'ot.sinkhorn.perIteration.uniform2d',
    size: n,
    seconds: perIteration,
    cpuSeconds: perIteration,
    throughput: 1 / perIteration,
    path: stored ? 'scaling' : 'blocked',
    nsPerKernelEntry: (perIteration * 1e9) / (n * n),
  });
}

if (process.argv.length <= 2 || sizes.includes(1000)) {
  const n = 1000;
  const rng = new Rng(1000 + n);
  const x = cloud(rng, n);
  const y = cloud(rng, n);
  const C = costMatrix({ kind: 'sqeuclidean', x, y });
  const rows = Array.from({ length: n }, (_, i) => Array.from(C.subarray(i * n, (i + 1) * n)));
  let cost = 0;
  const t = await timeIt(
    () => {
      cost = munkres(rows).reduce((s, [i, j]) => s + rows[i][j], 0) / n;
    },
    { warmup: 0, repeats: 1 },
  );
  const ours = emd(null, null, { kind: 'sqeuclidean', x, y }).cost;
  emit({ name: 'ot.munkres.w2sq.uniform2d', size: n, seconds: t.seconds, cpuSeconds: t.cpuSeconds, throughput: n / t.seconds, cost, relDiffVsThermodiff: (cost - ours) / ours });
}
