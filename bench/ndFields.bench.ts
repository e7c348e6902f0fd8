/**
 * Full-covariance mixture fields and small SPD factorisations (src/fields/mixtureKernel.ts,
 * src/core/cholesky.ts):
 * - Cholesky + inverse of d x d SPD matrices: hand-rolled vs ml-matrix `CholeskyDecomposition`
 *   (paired, alternating, same matrices);
 * - velocity of K point masses x N particles under the cosine schedule: posterior-mean form
 *   (general kernel, scalar layout) vs the force form on the isotropic a/b/c kernel (same field
 *   without `momentRates`), alternating;
 * - velocity + divergence of full-covariance mixtures (k components, d = 2, 3, 8).
 * Usage: `npx tsx bench/ndFields.bench.ts`.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { cholesky, inverseFromCholesky } from '../src/core/cholesky.ts';
import { Rng } from '../src/core/rng.ts';
import { makeGaussianMixtureWithCovariances } from '../src/data/gaussianMixture.ts';
import { swissRoll } from '../src/data/swissRoll.ts';
import { linearForceMixtureField, mixtureFromPoints } from '../src/fields/linearForceMixtureField.ts';
import { scheduleProcess } from '../src/processes/scheduleProcess.ts';
import { namedSchedule } from '../src/schedules/namedSchedule.ts';
import { emit, timeIt } from './benchCase.ts';

const rng = new Rng(1);
function randomSpd(d: number): Float64Array {
  const b = new Float64Array(d * d).map(() => rng.normal());
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = i === j ? d : 0;
    for (let k = 0; k < d; k++) s += b[i * d + k] * b[j * d + k];
    a[i * d + j] = s;
  }
  return a;
}

for (const d of [2, 3, 8]) {
  const count = 20000;
  const mats = Array.from({ length: count }, () => randomSpd(d));
  const out = new Float64Array(d * d);
  const ours = () => {
    for (const m of mats) inverseFromCholesky(cholesky(m, d)!, d, out);
  };
  const theirs = () => {
    for (const m of mats) {
      const c = new CholeskyDecomposition(new Matrix(Array.from({ length: d }, (_, i) => Array.from(m.subarray(i * d, (i + 1) * d)))));
      c.solve(Matrix.eye(d));
    }
  };
  // paired, alternating
  const a: number[] = [];
  const b: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    a.push((await timeIt(ours, { warmup: 1, repeats: 1 })).cpuSeconds);
    b.push((await timeIt(theirs, { warmup: 1, repeats: 1 })).cpuSeconds);
  }
  a.sort();
  b.sort();
  emit({ name: `cholesky+inverse hand-rolled d=${d}`, size: count, seconds: a[1], cpuSeconds: a[1], throughput: count / a[1] });
  emit({ name: `cholesky+inverse ml-matrix d=${d}`, size: count, seconds: b[1], cpuSeconds: b[1], throughput: count / b[1] });
}

{
  const size = 2000;
  const s = namedSchedule('cosine', 1);
  const data = mixtureFromPoints(swissRoll(size, rng));
  const proc = scheduleProcess(s, 2);
  const { momentRates: _drop, ...forceOnly } = proc;
  const post = linearForceMixtureField(proc, data);
  const force = linearForceMixtureField(forceOnly, data);
  for (const t of [0.05, 0.5]) {
    const x = post.sample(t, size, rng);
    const out = new Float64Array(2 * size);
    const a: number[] = [];
    const b: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      a.push((await timeIt(() => post.velocity(t, x.data, size, out), { warmup: 1, repeats: 1 })).cpuSeconds);
      b.push((await timeIt(() => force.velocity(t, x.data, size, out), { warmup: 1, repeats: 1 })).cpuSeconds);
    }
    a.sort();
    b.sort();
    emit({ name: `cosine cloud velocity posterior-mean t=${t}`, size, seconds: a[1], cpuSeconds: a[1], throughput: (size * size) / a[1] });
    emit({ name: `cosine cloud velocity force-form iso t=${t}`, size, seconds: b[1], cpuSeconds: b[1], throughput: (size * size) / b[1] });
  }
}

for (const d of [2, 3, 8]) {
  const k = 16;
  const means = Array.from({ length: k }, () => Array.from({ length: d }, () => 2 * rng.normal()));
  const covs = Array.from({ length: k }, () => {
    const a = randomSpd(d);
    return Array.from({ length: d }, (_, i) => Array.from(a.subarray(i * d, (i + 1) * d), (v) => v / (4 * d)));
  });
  const gm = makeGaussianMixtureWithCovariances(means, covs, new Array(k).fill(1 / k));
  const f = linearForceMixtureField(scheduleProcess(namedSchedule('cosine', 1), d), gm);
  const n = 20000;
  const x = f.sample(0.5, n, rng);
  const out = { velocity: new Float64Array(n * d), divergence: new Float64Array(n) };
  const r = await timeIt(() => f.evaluate(0.5, x.data, n, out), { warmup: 1, repeats: 3 });
  emit({ name: `full-covariance velocity+divergence d=${d} k=${k}`, size: n, seconds: r.seconds, cpuSeconds: r.cpuSeconds, throughput: (n * k) / r.cpuSeconds });
}

// semi-discrete OT (Gaussian -> Swiss-roll cloud): solve time, and velocity evaluation vs the kernel field
{
  const { semiDiscreteOtField } = await import('../src/fields/semiDiscreteOtField.ts');
  const { otDisplacementField } = await import('../src/fields/otDisplacementField.ts');
  for (const size of [300, 1000, 3000]) {
    const data = swissRoll(size, new Rng(1));
    let f: ReturnType<typeof semiDiscreteOtField> | null = null;
    const r = await timeIt(() => (f = semiDiscreteOtField(data, { mean: [0, 0], std: 1 }, 1)), { warmup: 0, repeats: 1 });
    emit({ name: 'semiDiscreteOt2d solve', size, seconds: r.seconds, cpuSeconds: r.cpuSeconds, throughput: size / r.cpuSeconds, iterations: f!.plan.iterations, relativeMassError: f!.plan.relativeMassError });
    if (size !== 1000) continue;
    const q = f!.sample(0.5, size, rng);
    const out = new Float64Array(2 * size);
    const target = { data: new Float64Array(2 * size).map(() => rng.normal()), n: size, dim: 2 };
    const k = otDisplacementField(data, target, 1);
    const a: number[] = [];
    const b: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      a.push((await timeIt(() => f!.velocity(0.5, q.data, size, out), { warmup: 1, repeats: 1 })).cpuSeconds);
      b.push((await timeIt(() => k.velocity(0.5, q.data, size, out), { warmup: 1, repeats: 1 })).cpuSeconds);
    }
    a.sort();
    b.sort();
    emit({ name: 'OT velocity semi-discrete (power-cell lookup)', size, seconds: a[1], cpuSeconds: a[1], throughput: size / a[1] });
    emit({ name: 'OT velocity kernel (Eq. G19)', size, seconds: b[1], cpuSeconds: b[1], throughput: size / b[1] });
  }
}
