/**
 * The one neural-network interface of thermodiff: an MLP velocity field u_theta(t, x) with time
 * input (the network sees the row [x_1..x_dim, t]) and SiLU hidden activations, trained with Adam.
 * The implementation behind it ({@link createMlpEngine}) runs on onnxruntime-node with a whole
 * training step compiled into one ONNX graph (see `mlpGraphs.ts`); swap engines by providing
 * another {@link MlpEngine}.
 *
 * Node-only (onnxruntime-node). The browser path uses `mlpForward.ts` on saved weights.
 */
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { paramShapes } from './mlpGraphs.ts';
import { mlpSizes } from './mlpSizes.ts';
import { OnnxMlpEngine } from './onnxMlpEngine.ts';

/** Options of one optimisation step. */
export interface TrainStepOptions {
  /** Learning rate of this step. */
  lr: number;
  /** Clip gradients to this global L2 norm (Infinity: no clipping). */
  maxNorm: number;
}

/** Adam state: 0-based count of completed steps and the two moment estimates per parameter. */
export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/** The engine interface (one MLP, its parameters and Adam state). */
export interface MlpEngine {
  /** Layer sizes [dim + 1, ...hidden, dim]. */
  readonly sizes: readonly number[];
  readonly dim: number;
  /** Training batch size (fixed; the step graph is compiled for it). */
  readonly batchSize: number;
  /**
   * One Adam step on the mean squared error between u_theta(t_i, x_i) and target_i.
   * @param x batch*dim positions, `t` batch times, `target` batch*dim target velocities.
   * @returns the loss before the update and the gradient norm before clipping.
   */
  trainStep(x: Float32Array, t: Float32Array, target: Float32Array, opts: TrainStepOptions): Promise<{ loss: number; gradNorm: number }>;
  /** u_theta(t_i, x_i) for n rows (any n); returns n*dim values. */
  predict(x: Float32Array, t: Float32Array, n: number): Promise<Float32Array>;
  /** Copies of the parameters in the order W0, b0, W1, b1, ... (W_k row-major [in_k, out_k]). */
  getParams(): Float32Array[];
  setParams(params: readonly Float32Array[]): void;
  getAdamState(): AdamState;
  setAdamState(state: AdamState): void;
  dispose(): Promise<void>;
}

/** Options of {@link createMlpEngine}. */
export interface MlpEngineOptions {
  dim: number;
  hidden: readonly number[];
  batchSize: number;
  /** Seed of the initialisation (PyTorch default: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))). */
  seed: number;
  /** onnxruntime intra-op threads (default 1). */
  threads?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

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
