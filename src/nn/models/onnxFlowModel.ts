/**
 * {@link FlowModel} backed by an onnxruntime forward session (Node-only). Evaluates u_theta on any
 * number of points per call; `save` writes model.json + weights.bin atomically.
 */
import type * as Ort from 'onnxruntime-node';
import type { FlowModel, FlowModelMeta } from './flowModel.ts';
import { saveFlowModelFiles } from './flowModelFiles.ts';
import { buildForwardGraph, paramNames, paramShapes } from './mlpGraphs.ts';
import { mlpSizes } from './mlpSizes.ts';
import { onnxRuntime } from './optionalDependencies.ts';

export class OnnxFlowModel implements FlowModel {
  readonly dim: number;
  readonly tau: number;
  readonly scheduleName: string;
  private readonly feeds: Record<string, Ort.Tensor>;

  private constructor(
    readonly meta: FlowModelMeta,
    private readonly weights: Float32Array[],
    private readonly session: Ort.InferenceSession,
  ) {
    this.dim = meta.dim;
    this.tau = meta.tau;
    this.scheduleName = meta.scheduleName;
    const sizes = mlpSizes(meta.dim, meta.hidden);
    const shapes = paramShapes(sizes);
    this.feeds = {};
    const ort = onnxRuntime();
    paramNames(sizes).forEach((n, i) => {
      this.feeds[n] = new ort.Tensor('float32', weights[i], shapes[i]);
    });
  }

  /** Build the forward session for these weights (copied). */
  static async create(meta: FlowModelMeta, params: readonly Float32Array[], threads = 1): Promise<OnnxFlowModel> {
    const session = await onnxRuntime().InferenceSession.create(buildForwardGraph(mlpSizes(meta.dim, meta.hidden)), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new OnnxFlowModel(meta, params.map((p) => p.slice()), session);
  }

  async velocity(t: number, x: Float32Array, n: number): Promise<Float32Array> {
    const d = this.dim;
    const buf = new Float32Array(n * (d + 1));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) buf[i * (d + 1) + k] = x[i * d + k];
      buf[i * (d + 1) + d] = t;
    }
    const out = await this.session.run({ ...this.feeds, X: new (onnxRuntime().Tensor)('float32', buf, [n, d + 1]) });
    return out.Y.data as Float32Array;
  }

  params(): Float32Array[] {
    return this.weights.map((w) => w.slice());
  }

  async save(dir: string): Promise<void> {
    saveFlowModelFiles(dir, this.meta, this.weights);
  }
}
