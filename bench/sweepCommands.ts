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

export const BENCH_SETUP = import.meta.url;
