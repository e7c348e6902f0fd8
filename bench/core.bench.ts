/**
 * Core numerics benchmarks (one JSON line per case):
 * - dopri5 (rtol 1e-6, atol 1e-9) on a 1-D linear field dx/dt = -(1 + t) x + sin(3t) for
 *   1e4, 1e5, 1e6 particles from t = 0 to 1 (throughput = particle-steps per second);
 * - fixed-step RK4 (100 steps) on the same field at 1e5 particles;
 * - normalCdf and normalQuantile evaluations per second.
 */
import { solveOde } from '../src/core/ode.ts';
import { normalCdf, normalQuantile } from '../src/core/special.ts';
import { emit, timeIt } from './benchCase.ts';

const linear = (t: number, x: Float64Array, d: Float64Array) => {
  const a = -(1 + t);
  const b = Math.sin(3 * t);
  for (let i = 0; i < x.length; i++) d[i] = a * x[i] + b;
};

for (const n of [10_000, 100_000, 1_000_000]) {
  const x0 = new Float64Array(n);
  for (let i = 0; i < n; i++) x0[i] = -3 + (6 * i) / n;
  let info = { nfe: 0, steps: 0 };
  const { seconds, cpuSeconds } = await timeIt(
    () => {
      const r = solveOde(linear, x0, 0, 1, { method: 'dopri5', rtol: 1e-6, atol: 1e-9, tEval: [1] });
      info = { nfe: r.nfe, steps: r.acceptedSteps + r.rejectedSteps };
    },
    { warmup: 1, repeats: n >= 1_000_000 ? 1 : 3 },
  );
  emit({ name: 'ode-dopri5-linear-1d', size: n, seconds, cpuSeconds, throughput: (n * info.steps) / seconds, ...info, unit: 'particle-steps/s' });
}

{
  const n = 100_000;
  const x0 = new Float64Array(n).fill(1);
  const { seconds, cpuSeconds } = await timeIt(() => solveOde(linear, x0, 0, 1, { method: 'rk4', steps: 100, tEval: [1] }));
  emit({ name: 'ode-rk4-linear-1d', size: n, seconds, cpuSeconds, throughput: (n * 100) / seconds, nfe: 400, unit: 'particle-steps/s' });
}

for (const [name, f, arg] of [
  ['special-normalCdf', normalCdf, (i: number) => -8 + (16 * i) / 1e6],
  ['special-normalQuantile', normalQuantile, (i: number) => (i + 0.5) / 1e6],
] as const) {
  const m = 1_000_000;
  let sink = 0;
  const { seconds, cpuSeconds } = await timeIt(() => {
    for (let i = 0; i < m; i++) sink += f(arg(i));
  });
  emit({ name, size: m, seconds, cpuSeconds, throughput: m / seconds, unit: 'evaluations/s', checksum: Number.isFinite(sink) });
}
