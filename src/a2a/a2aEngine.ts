/**
 * onnxruntime engine for the A2A networks: the training step graph of a2aGraphs.ts (either
 * variant) and the plain MLP forward graph of nn/models/mlpGraphs.ts on packed input rows, run by
 * the base class {@link OnnxAdamEngine} (nn/models/onnxAdamEngine.ts), which keeps the parameters
 * and Adam moments as onnxruntime tensors between steps. Node-only (onnxruntime-node, loaded on first use).
 */
import { initParams } from '../nn/models/engine.ts';
import { float32Tensor, OnnxAdamEngine, type OnnxSessions } from '../nn/models/onnxAdamEngine.ts';
import { type A2AVariant, buildA2ATrainGraph, rowsPerSample } from './a2aGraphs.ts';

export class A2AEngine extends OnnxAdamEngine {
  private constructor(
    readonly variant: A2AVariant,
    sizes: readonly number[],
    readonly batchSize: number,
    sessions: OnnxSessions,
    params: readonly Float32Array[],
  ) {
    super(sizes, 'a2a training', sessions, params);
  }

  /** Create with seeded PyTorch-style initial weights (or the given ones). */
  static async create(
    variant: A2AVariant,
    sizes: number[],
    batchSize: number,
    o: { seed: number; threads?: number; params?: Float32Array[] },
  ): Promise<A2AEngine> {
    const graph = () => buildA2ATrainGraph(variant, sizes, batchSize, { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    const sessions = await OnnxAdamEngine.openSessions(sizes, graph, o.threads ?? 1);
    return new A2AEngine(variant, sizes, batchSize, sessions, o.params ?? initParams(sizes, o.seed));
  }

  /** One Adam step on packed rows X (rowsPerSample * B rows) and targets T (B x dx). */
  async trainStep(X: Float32Array, T: Float32Array, opts: { lr: number; maxNorm: number }): Promise<{ loss: number; gradNorm: number }> {
    const B = this.batchSize;
    const dx = this.sizes[this.sizes.length - 1];
    return this.runTrainStep(float32Tensor(X, [rowsPerSample(this.variant) * B, this.sizes[0]]), float32Tensor(T, [B, dx]), opts);
  }

  /** Raw network outputs for `rows` packed input rows. */
  async forward(X: Float32Array, rows: number, params?: readonly Float32Array[]): Promise<Float32Array> {
    return this.runForward(float32Tensor(X, [rows, this.sizes[0]]), params);
  }
}
