/**
 * {@link createMlpEngine}: the factory of the {@link MlpEngine} interface (declared in
 * `mlpEngine.ts`, re-exported here). The implementation behind it runs on onnxruntime-node with a
 * whole training step compiled into one ONNX graph (see `mlpGraphs.ts`, `onnxMlpEngine.ts`).
 *
 * Node-only (onnxruntime-node). The browser path uses `mlpForward.ts` on saved weights.
 */
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { MlpEngine, MlpEngineOptions } from './mlpEngine.ts';
import { paramShapes } from './mlpGraphs.ts';
import { mlpSizes } from './mlpSizes.ts';
import { OnnxMlpEngine } from './onnxMlpEngine.ts';

export type { AdamState, MlpEngine, MlpEngineOptions, TrainStepOptions } from './mlpEngine.ts';
export { mlpSizes };

/**
 * Seeded initial parameters, PyTorch `nn.Linear` convention: every weight and bias of layer k is
 * uniform on (-1/sqrt(in_k), 1/sqrt(in_k)).
 */
export function initParams(sizes: readonly number[], seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return paramShapes(sizes).map((shape, i) => {
    const fanIn = sizes[Math.floor(i / 2)];
    const bound = 1 / Math.sqrt(fanIn);
    const n = shape.reduce((a, b) => a * b, 1);
    const p = new Float32Array(n);
    for (let j = 0; j < n; j++) p[j] = (2 * rng.uniform() - 1) * bound;
    return p;
  });
}

/**
 * Create the onnxruntime MLP engine.
 * @throws InputError for a non-positive dimension, hidden size or batch size.
 */
export async function createMlpEngine(opts: MlpEngineOptions): Promise<MlpEngine> {
  const where = 'mlp';
  if (!Number.isInteger(opts.dim) || opts.dim < 1) throw new InputError(`expected dim >= 1, got ${opts.dim}`, `${where}.dim`);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) {
    throw new InputError(`expected an integer batch size >= 1, got ${opts.batchSize}`, `${where}.batchSize`);
  }
  opts.hidden.forEach((h, i) => {
    if (!Number.isInteger(h) || h < 1) throw new InputError(`expected a positive integer, got ${h}`, `${where}.hidden[${i}]`);
  });
  const sizes = mlpSizes(opts.dim, opts.hidden);
  return OnnxMlpEngine.create(sizes, opts.batchSize, initParams(sizes, opts.seed), {
    threads: opts.threads ?? 1,
    beta1: opts.beta1 ?? 0.9,
    beta2: opts.beta2 ?? 0.999,
    eps: opts.eps ?? 1e-8,
  });
}
