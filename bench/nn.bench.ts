/**
 * NN benchmarks (one JSON line per case):
 * - train-mlp: the reference MLP 3 -> 256 -> 256 -> 256 -> 2 (SiLU, Adam, batch 512,
 *   float32, cond-OT flow-matching loss), steps/s after 20 warm-up steps, 1 and 2 onnxruntime threads;
 * - forward: u_theta on 10,000 points (sampler cost per function evaluation), 1 thread;
 * - minibatch exact OT coupling (dense assignment) at batch 256 and 512, shifted-Gaussian and
 *   8-Gaussians-vs-moons costs.
 * Record CPU time: the machine is shared and wall times are noisy.
 */
import { Rng } from '../src/core/rng.ts';
import { eightGaussians } from '../src/data/eightGaussians.ts';
import { twoMoons } from '../src/data/twoMoons.ts';
import { benchTrainMlp } from '../src/cli/commands/bench.ts';
import { initParams } from '../src/nn/models/engine.ts';
import { minibatchAssignment } from '../src/nn/train/minibatchAssignment.ts';
import { mlpSizes } from '../src/nn/models/mlpSizes.ts';
import { OnnxFlowModel } from '../src/nn/models/onnxFlowModel.ts';
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

// Minibatch exact-OT coupling (dense assignment), B = 256 and 512, on two squared-Euclidean costs:
// - shifted-gaussian: N(0, I) vs N(1, 0.5^2 I) in 2-D (the original case);
// - 8gaussians-moons: the 8-Gaussians source vs two-moons data, each batch drawn at random from
//   20,000-point sets as trainFlowModel does (configs/train-moons-8gaussians-exact-ot.json).
const pool8g = eightGaussians(20000, rng);
const poolMoons = twoMoons(20000, rng, 0.1);
function costMatrix(y: Float64Array, z: Float64Array, B: number): Float64Array {
  const C = new Float64Array(B * B);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) C[i * B + j] = (y[2 * i] - z[2 * j]) ** 2 + (y[2 * i + 1] - z[2 * j + 1]) ** 2;
  return C;
}
function drawBatch(pool: { data: Float64Array; n: number }, B: number): Float64Array {
  const out = new Float64Array(B * 2);
  for (let i = 0; i < B; i++) {
    const j = rng.int(pool.n);
    out[2 * i] = pool.data[2 * j];
    out[2 * i + 1] = pool.data[2 * j + 1];
  }
  return out;
}
for (const B of [256, 512]) {
  for (const kind of ['shifted-gaussian', '8gaussians-moons'] as const) {
    // several different cost matrices per case (one per timed call), like successive training steps
    const repeats = 7;
    const costs: Float64Array[] = [];
    for (let r = 0; r < repeats + 1; r++) {
      if (kind === 'shifted-gaussian') {
        const y = new Float64Array(B * 2).map(() => rng.normal());
        const z = new Float64Array(B * 2).map(() => rng.normal() * 0.5 + 1);
        costs.push(costMatrix(y, z, B));
      } else {
        costs.push(costMatrix(drawBatch(poolMoons, B), drawBatch(pool8g, B), B));
      }
    }
    let k = 0;
    const a = await timeIt(() => minibatchAssignment(costs[k++ % costs.length], B), { warmup: 3, repeats });
    const name = kind === 'shifted-gaussian' ? 'nn.minibatch-exact-ot' : 'nn.minibatch-exact-ot-8g-moons';
    emit({ name, size: B, seconds: a.seconds, throughput: 1 / a.seconds, cpuSeconds: a.cpuSeconds, cost: kind });
  }
}
