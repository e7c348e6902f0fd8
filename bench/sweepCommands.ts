/** Setup module of bench/sweep.bench.ts: the real sweepable commands plus a no-op task for the overhead measurement. */
import '../src/cli/sweepable/index.ts';
import { registerSweepCommand } from '../src/sweep/sweepRegistry.ts';

registerSweepCommand({
  name: 'bench-noop',
  summary: 'returns its config (measures what a task costs beyond its own work)',
  validate() {},
  run(config) {
    return { echo: (config as { i: number }).i };
  },
  quantities: [],
});

registerSweepCommand({
  name: 'bench-spin',
  summary: 'pure arithmetic on one thread (no allocation): the runner\'s own scaling, without V8 background work',
  validate() {},
  run(config) {
    const { i, iterations } = config as { i: number; iterations: number };
    let x = i;
    for (let k = 0; k < iterations; k++) x += Math.sqrt(k) * 1e-9;
    return { x };
  },
  quantities: [],
});

export const BENCH_SETUP = import.meta.url;
