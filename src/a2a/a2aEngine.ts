/**
 * onnxruntime engine for the A2A networks: one session runs the training step graph of
 * a2aGraphs.ts (either variant), another the plain MLP forward graph of nn/models/mlpGraphs.ts
 * on packed input rows. Parameters and Adam moments stay onnxruntime tensors between steps.
 * Node-only (onnxruntime-node, loaded on first use).
 */
import type * as Ort from 'onnxruntime-node';
import { NumericalError } from '../core/errors.ts';
import { initParams } from '../nn/models/engine.ts';
import type { AdamState } from '../nn/models/mlpEngine.ts';
import { buildForwardGraph, paramNames, paramShapes } from '../nn/models/mlpGraphs.ts';
import { onnxRuntime } from '../nn/models/optionalDependencies.ts';
import { type A2AVariant, buildA2ATrainGraph, rowsPerSample } from './a2aGraphs.ts';

type Tensor = Ort.Tensor;
const f32 = (data: Float32Array, dims: readonly number[]): Tensor => new (onnxRuntime().Tensor)('float32', data, dims);

export class A2AEngine {
  private params: Tensor[];
  private m: Tensor[];
  private v: Tensor[];
  private step = 0;
  private readonly names: string[];
  private readonly shapes: number[][];

  private constructor(
    readonly variant: A2AVariant,
    readonly sizes: readonly number[],
    readonly batchSize: number,
    private readonly train: Ort.InferenceSession,
    private readonly fwd: Ort.InferenceSession,
    params: Float32Array[],
  ) {
    this.names = paramNames(sizes);
    this.shapes = paramShapes(sizes);
    this.params = params.map((p, i) => f32(p.slice(), this.shapes[i]));
    this.m = this.shapes.map((s) => f32(new Float32Array(s.reduce((a, b) => a * b, 1)), s));
    this.v = this.shapes.map((s) => f32(new Float32Array(s.reduce((a, b) => a * b, 1)), s));
  }

  /** Create with seeded PyTorch-style initial weights (or the given ones). */
  static async create(
    variant: A2AVariant,
    sizes: number[],
    batchSize: number,
    o: { seed: number; threads?: number; params?: Float32Array[] },
  ): Promise<A2AEngine> {
    const so = { intraOpNumThreads: o.threads ?? 1, interOpNumThreads: 1, executionMode: 'sequential' as const, graphOptimizationLevel: 'all' as const };
    const ort = onnxRuntime();
    const train = await ort.InferenceSession.create(buildA2ATrainGraph(variant, sizes, batchSize, { beta1: 0.9, beta2: 0.999, eps: 1e-8 }), so);
    const fwd = await ort.InferenceSession.create(buildForwardGraph(sizes), so);
    return new A2AEngine(variant, sizes, batchSize, train, fwd, o.params ?? initParams(sizes, o.seed));
  }

  /** One Adam step on packed rows X (rowsPerSample * B rows) and targets T (B x dx). */
  async trainStep(X: Float32Array, T: Float32Array, opts: { lr: number; maxNorm: number }): Promise<{ loss: number; gradNorm: number }> {
    const B = this.batchSize;
    const dx = this.sizes[this.sizes.length - 1];
    const feeds: Record<string, Tensor> = {
      X: f32(X, [rowsPerSample(this.variant) * B, this.sizes[0]]),
      T: f32(T, [B, dx]),
      lr: f32(Float32Array.of(opts.lr), []),
      step: f32(Float32Array.of(this.step + 1), []),
      maxNorm: f32(Float32Array.of(Number.isFinite(opts.maxNorm) ? opts.maxNorm : 3.0e38), []),
    };
    this.names.forEach((n, i) => {
      feeds[n] = this.params[i];
      feeds[`m_${n}`] = this.m[i];
      feeds[`v_${n}`] = this.v[i];
    });
    const out = await this.train.run(feeds);
    const loss = (out.loss.data as Float32Array)[0];
    const gradNorm = (out.gradNorm.data as Float32Array)[0];
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      throw new NumericalError(`a2a training step ${this.step + 1}: non-finite loss (${loss}) or gradient norm (${gradNorm})`);
    }
    this.params = this.names.map((n) => out[`new_${n}`] as Tensor);
    this.m = this.names.map((n) => out[`new_m_${n}`] as Tensor);
    this.v = this.names.map((n) => out[`new_v_${n}`] as Tensor);
    this.step++;
    return { loss, gradNorm };
  }

  /** Raw network outputs for `rows` packed input rows. */
  async forward(X: Float32Array, rows: number, params?: readonly Float32Array[]): Promise<Float32Array> {
    const feeds: Record<string, Tensor> = { X: f32(X, [rows, this.sizes[0]]) };
    this.names.forEach((n, i) => {
      feeds[n] = params ? f32(params[i] as Float32Array, this.shapes[i]) : this.params[i];
    });
    const out = await this.fwd.run(feeds);
    return out.Y.data as Float32Array;
  }

  getParams(): Float32Array[] {
    return this.params.map((p) => (p.data as Float32Array).slice());
  }

  setParams(params: readonly Float32Array[]): void {
    this.params = params.map((p, i) => f32(p.slice(), this.shapes[i]));
  }

  getAdamState(): AdamState {
    return { step: this.step, m: this.m.map((p) => (p.data as Float32Array).slice()), v: this.v.map((p) => (p.data as Float32Array).slice()) };
  }

  setAdamState(s: AdamState): void {
    this.step = s.step;
    this.m = s.m.map((p, i) => f32(p.slice(), this.shapes[i]));
    this.v = s.v.map((p, i) => f32(p.slice(), this.shapes[i]));
  }

  async dispose(): Promise<void> {
    await this.train.release();
    await this.fwd.release();
  }
}
