/**
 * Schedule optimiser (src/grids, src/schedules/timeChange.ts) on the Fig. 6 data under the cosine
 * schedule, exact 1-D velocity: the thermodynamic-length table (128 panels, 641 exact speeds), the
 * Levenberg-Marquardt grid optimiser alone (Euler, from the uniform grid, 96 starts) at NFE 8 and 32,
 * and one whole grid study (4 standard grids + optimised, evaluated by adaptive quadrature) at NFE 8.
 * throughput: speeds per second for the table; velocity evaluations (x starts) per second otherwise.
 * Usage: `npx tsx bench/grids.bench.ts`.
 */
import { makeGaussianMixture } from '../src/data/gaussianMixture.ts';
import { scheduleProcess1d } from '../src/fields/exact1d.ts';
import { exact1dStudyContext, speed1d } from '../src/grids/exact1dStudy.ts';
import { exact1dGridField, referenceEndpoints } from '../src/grids/gridField.ts';
import { gridStudy } from '../src/grids/gridStudy.ts';
import { gridPlan } from '../src/grids/integrateGrid.ts';
import { normalScoreNodes } from '../src/grids/normalScoreNodes.ts';
import { optimiseGrid } from '../src/grids/optimiseGrid.ts';
import { standardGrid } from '../src/grids/stepGrids.ts';
import { namedSchedule } from '../src/schedules/namedSchedule.ts';
import { buildTimeChange, speedNodes } from '../src/schedules/timeChange.ts';
import { emit, timeIt } from './benchCase.ts';

const cosine = namedSchedule('cosine', 1);
const p = scheduleProcess1d(makeGaussianMixture([[-0.6], [0.6]], [0.3, 0.3], [0.5, 0.5]), cosine);
{
  const nodes = speedNodes(1, { panels: 128 }).length;
  const r = await timeIt(() => buildTimeChange((t) => speed1d(p, t), 1, { panels: 128 }), { warmup: 1, repeats: 3 });
  emit({ name: 'timeChange table (exact 1-D speeds)', size: nodes, seconds: r.seconds, cpuSeconds: r.cpuSeconds, throughput: nodes / r.seconds });
}
const field = exact1dGridField(p);
const { z, w } = normalScoreNodes(24, 4, 9);
const x = Float64Array.from(z, (zi) => p.quantileZ(1, zi));
const ref = await referenceEndpoints(field, x, x.length);
for (const nfe of [8, 32]) {
  const plan = gridPlan('euler', nfe);
  const start = standardGrid('uniform', { tau: 1, steps: plan.steps });
  let evaluations = 0;
  const r = await timeIt(
    async () => {
      evaluations = (await optimiseGrid(field, plan, start, x, ref, x.length, { weights: w, maxIterations: 30 })).evaluations;
    },
    { warmup: 0, repeats: 3 },
  );
  emit({ name: `optimiseGrid euler (30 LM iterations max)`, size: nfe, seconds: r.seconds, cpuSeconds: r.cpuSeconds, throughput: (evaluations * x.length) / r.seconds, evaluations });
}
{
  const ctx = await exact1dStudyContext(p, cosine, { multiStart: false });
  const r = await timeIt(() => gridStudy(ctx, 'euler', 8), { warmup: 0, repeats: 3 });
  emit({ name: 'gridStudy euler (5 grids, adaptive evaluation)', size: 8, seconds: r.seconds, cpuSeconds: r.cpuSeconds, throughput: 5 / r.seconds });
}
