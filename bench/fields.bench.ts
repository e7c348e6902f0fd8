/**
 * Exact mixture velocity (src/fields/linearForceMixtureField.ts): K data points (point masses) x
 * N particles in 2-D under the Swiss-roll force, i.e. K N kernel evaluations per velocity call,
 * at an early time (narrow components: most terms skipped below exp(-60)) and a late time (every
 * term needs an exp). Also the OT kernel velocity and the weighted Poisson projection.
 * Usage: `npx tsx bench/fields.bench.ts [maxSize]` (default 10000: the 10^4 x 10^4 case).
 */
import { Rng } from '../src/core/rng.ts';
import { swissRoll } from '../src/data/swissRoll.ts';
import { gradientProjection2d } from '../src/fields/gradientProjection.ts';
import { linearForceMixtureField, mixtureFromPoints } from '../src/fields/linearForceMixtureField.ts';
import { otDisplacementField } from '../src/fields/otDisplacementField.ts';
import { swissRollForce } from '../src/processes/swissRollForce.ts';
import { emit, timeIt } from './benchCase.ts';

const maxSize = Number(process.argv[2] ?? 10000);
const rng = new Rng(1);
for (const size of [1000, 3000, 10000].filter((s) => s <= maxSize)) {
  const field = linearForceMixtureField(swissRollForce({ h: 1.1, g: 3, Tfin: 0.5, tau: 3 }), mixtureFromPoints(swissRoll(size, rng)));
  for (const t of [0.03, 3]) {
    const x = field.sample(t, size, rng);
    const out = new Float64Array(2 * size);
    const repeats = size >= 10000 ? 1 : 3;
    const r = await timeIt(() => field.velocity(t, x.data, size, out), { warmup: 1, repeats });
    emit({
      name: `mixtureVelocity t/tau=${t / 3}`,
      size,
      seconds: r.seconds,
      cpuSeconds: r.cpuSeconds,
      throughput: (size * size) / r.seconds,
      kernelEvaluations: size * size,
      nsPerPair: (r.seconds / (size * size)) * 1e9,
    });
  }
}
{
  const n = 1000;
  const data = swissRoll(n, rng);
  const target = { data: new Float64Array(2 * n).map(() => rng.normal()), n, dim: 2 };
  let field: ReturnType<typeof otDisplacementField> | null = null;
  const rPlan = await timeIt(() => (field = otDisplacementField(data, target, 1)), { warmup: 0, repeats: 1 });
  emit({ name: 'otDisplacementField plan (emd 1000 x 1000)', size: n, seconds: rPlan.seconds, cpuSeconds: rPlan.cpuSeconds, throughput: n / rPlan.seconds });
  const q = new Float64Array(2 * n).map(() => rng.normal());
  const r = await timeIt(() => field!.velocity(0.5, q, n), { repeats: 3 });
  emit({ name: 'otDisplacementField velocity', size: n, seconds: r.seconds, cpuSeconds: r.cpuSeconds, throughput: (n * n) / r.seconds });
}
{
  const field = linearForceMixtureField(swissRollForce({ h: 1.1, g: 3, Tfin: 0.5, tau: 3 }), mixtureFromPoints(swissRoll(1000, rng)));
  const t = 1.5;
  for (const cells of [64, 128]) {
    const r = await timeIt(
      () =>
        gradientProjection2d(
          { logDensity: (x, n) => field.logDensity(t, x, n), velocity: (x, n) => field.velocity(t, x, n), densityAndVelocity: (x, n) => field.densityAndVelocity(t, x, n) },
          { box: [-5, 5, -5, 5], cells },
        ),
      { warmup: 0, repeats: 1 },
    );
    emit({ name: 'gradientProjection2d (1000 components)', size: cells, seconds: r.seconds, cpuSeconds: r.cpuSeconds, throughput: (cells * cells) / r.seconds });
  }
}
