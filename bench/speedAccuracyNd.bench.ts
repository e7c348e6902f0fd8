/**
 * The n-D speed-accuracy engine on the closed-form cases of issue 11 (default settings): the
 * quadrature estimator (default in 1-3 D) against the particle estimator (with its half-size error
 * run). One run each (a run takes seconds). Usage: `npx tsx bench/speedAccuracyNd.bench.ts`.
 */
import { parseSpeedAccuracyNdConfig, runSpeedAccuracyNd } from '../src/config/speedAccuracyNdConfig.ts';
import { emit, timeIt } from './benchCase.ts';

const gauss2 = { kind: 'gaussian-mixture', means: [[0, 0]], stds: [0.5], weights: [1] };
const cases: [string, Record<string, unknown>][] = [
  ['2-D Eq. 99 g=0', { data: gauss2, process: { kind: 'swiss-roll-force', h: 1.1, g: 0, Tfin: 0.5 }, tau: 10, perturbation: { kind: 'normal', mean: [0, 0], std: 0.7 } }],
  [
    '3-D cosine',
    {
      data: { kind: 'gaussian-mixture', means: [[0, 0, 0]], stds: [0.5], weights: [1] },
      schedule: 'cosine',
      tau: 1,
      perturbation: { kind: 'normal', mean: [0, 0, 0], std: 0.7 },
    },
  ],
];
for (const [label, config] of cases) {
  for (const estimator of ['quadrature', 'particles'] as const) {
    const parsed = parseSpeedAccuracyNdConfig({ ...config, estimator });
    const r = await timeIt(() => runSpeedAccuracyNd(parsed), { warmup: 0, repeats: 1 });
    emit({ name: `speedAccuracyNd ${estimator} ${label}`, size: 1, seconds: r.seconds, cpuSeconds: r.cpuSeconds, throughput: 1 / r.seconds });
  }
}
