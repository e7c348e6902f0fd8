/**
 * NN benchmarks (one JSON line per case):
 * - train-mlp: the reference MLP 3 -> 256 -> 256 -> 256 -> 2 (SiLU, Adam, batch 512,
 *   float32, cond-OT flow-matching loss), steps/s after 20 warm-up steps, 1 and 2 onnxruntime threads;
 * - forward: u_theta on 10,000 points (sampler cost per function evaluation), 1 thread;
 * - minibatch exact OT coupling (dense Hungarian) at batch 256.
 * Record CPU time: the machine is shared and wall times are noisy.
 */
import { Rng } from '../src/core/rng.ts';
import { benchTrainMlp } from '../src/cli/commands/bench.ts';
import { initParams } from '../src/nn/engine.ts';
import { minibatchAssignment } from '../src/nn/minibatchAssignment.ts';
import { mlpSizes } from '../src/nn/mlpSizes.ts';
import { OnnxFlowModel } from '../src/nn/onnxFlowModel.ts';
import { emit, timeIt } from './benchCase.ts';

for (const threads of [1, 2]) {
  const r = await benchTrainMlp({ threads, steps: 200 });
  emit({ name: 'nn.train-mlp', size: 512, seconds: 1 / r.stepsPerSecond, throughput: r.stepsPerSecond, threads, cpuSecondsPerStep: r.cpuMsPerStep / 1000 });
}

const meta = { dim: 2, tau: 1, scheduleName: 'cond-ot', hidden: [256, 256, 256], source: 'gaussian' };
const model = await OnnxFlowModel.create(meta, initParams(mlpSizes(2, [256, 256, 256]), 0), 1);
const rng = new Rng(1);
const n = 10000;
const x = new Float32Array(n * 2).map(() => rng.normal());
const f = await timeIt(() => model.velocity(0.5, x, n), { warmup: 2, repeats: 7 });
emit({ name: 'nn.forward', size: n, seconds: f.seconds, throughput: n / f.seconds, cpuSeconds: f.cpuSeconds });

const B = 256;
const C = new Float64Array(B * B);
const y = new Float64Array(B * 2).map(() => rng.normal());
const z = new Float64Array(B * 2).map(() => rng.normal() * 0.5 + 1);
for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) C[i * B + j] = (y[2 * i] - z[2 * j]) ** 2 + (y[2 * i + 1] - z[2 * j + 1]) ** 2;
const a = await timeIt(() => minibatchAssignment(C, B), { warmup: 1, repeats: 5 });
emit({ name: 'nn.minibatch-exact-ot', size: B, seconds: a.seconds, throughput: 1 / a.seconds, cpuSeconds: a.cpuSeconds });
