/**
 * `thermodiff bench train-mlp [--json] [--threads N] [--steps K]`: training throughput of the
 * reference MLP 3 -> 256 -> 256 -> 256 -> 2 (SiLU, Adam, batch 512, float32) on the cond-OT
 * flow-matching loss for 2-D data (two moons vs N(0, I), independent coupling), measured after 20
 * warm-up steps. Prints {"stepsPerSecond": ...} (plus CPU time per step, threads, final loss).
 */
import type { Command } from 'commander';
import { Rng } from '../../core/rng.ts';
import { twoMoons } from '../../data/twoMoons.ts';
import { createMlpEngine } from '../../nn/models/engine.ts';
import { namedSchedule } from '../../schedules/namedSchedule.ts';
import { parseIntFlag } from '../flags.ts';
import { checkBudget, formatCount } from '../limits.ts';

/** Run the train-mlp benchmark. */
export async function benchTrainMlp(opts: { threads?: number; steps?: number; warmup?: number } = {}) {
  const threads = opts.threads ?? 1;
  const steps = opts.steps ?? 300;
  const warmup = opts.warmup ?? 20;
  const B = 512;
  const engine = await createMlpEngine({ dim: 2, hidden: [256, 256, 256], batchSize: B, seed: 0, threads });
  const sched = namedSchedule('cond-ot');
  const data = twoMoons(20000, new Rng(1));
  const rng = new Rng(2);
  const x = new Float32Array(B * 2);
  const t = new Float32Array(B);
  const v = new Float32Array(B * 2);
  let loss = 0;
  const step = async () => {
    // a fresh cond-OT flow-matching batch per step (its cost is part of the measured step)
    for (let i = 0; i < B; i++) {
      const j = rng.int(data.n);
      const ti = rng.uniform();
      t[i] = ti;
      for (let k = 0; k < 2; k++) {
        const y = data.data[j * 2 + k];
        const z = rng.normal();
        x[i * 2 + k] = sched.m(ti) * y + sched.sigma(ti) * z;
        v[i * 2 + k] = sched.dm(ti) * y + sched.dsigma(ti) * z;
      }
    }
    loss = (await engine.trainStep(x, t, v, { lr: 1e-3, maxNorm: 1 })).loss;
  };
  for (let i = 0; i < warmup; i++) await step();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) await step();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  await engine.dispose();
  return {
    stepsPerSecond: steps / seconds,
    cpuMsPerStep: (c.user + c.system) / 1000 / steps,
    threads,
    steps,
    batchSize: B,
    engine: 'onnxruntime-node (whole Adam step as one ONNX graph)',
    finalLoss: loss,
  };
}

export function register(program: Command): void {
  const bench = program.command('bench').description('micro-benchmarks');
  bench
    .command('train-mlp')
    .description('training steps/s of the MLP 3->256->256->256->2 (SiLU, Adam, batch 512, cond-OT flow matching)')
    .option('--json', 'print one JSON object')
    .option('--threads <n>', 'onnxruntime intra-op threads', '1')
    .option('--steps <k>', 'timed steps after 20 warm-up steps', '300')
    .action(async (o: { json?: boolean; threads: string; steps: string }) => {
      const threads = parseIntFlag(o.threads, '--threads', 1, 64);
      const steps = parseIntFlag(o.steps, '--steps', 1);
      // a step is ~4e8 flop (3 x forward of 512 rows through 133k weights); optimistic at 2e11 flop/s
      checkBudget({ what: `${formatCount(steps)} timed training steps`, seconds: (steps + 20) * 2e-3, hint: 'use fewer --steps' });
      const r = await benchTrainMlp({ threads, steps });
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else process.stdout.write(`${r.stepsPerSecond.toFixed(1)} steps/s (${r.cpuMsPerStep.toFixed(2)} ms CPU/step, ${threads} thread(s))\n`);
    });
}
