/**
 * The browser lab's workload in Node: one speedAccuracy1d run per protocol with the Fig. 6 data and the
 * mean-shift start (configs/fig6-mean-cosine.json with the schedule swapped), the same call the lab's
 * worker makes on every change. docs/lab.md compares these with the in-page worker times.
 * Usage: `npx tsx bench/lab.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { parseSpeedAccuracyConfig, speedAccuracy1d } from '../src/index.ts';
import { emit, timeIt } from './benchCase.ts';

const base = JSON.parse(readFileSync(new URL('../configs/fig6-mean-cosine.json', import.meta.url), 'utf8'));
for (const schedule of ['cosine', 'cond-ot', 'ot', 'vp-linear', 've']) {
  const config = parseSpeedAccuracyConfig({ ...base, schedule });
  const r = await timeIt(() => speedAccuracy1d(config), { warmup: 1, repeats: 5 });
  emit({ name: `lab run (speedAccuracy1d) ${schedule}`, size: 201, seconds: r.seconds, cpuSeconds: r.cpuSeconds, throughput: 201 / r.seconds });
}
