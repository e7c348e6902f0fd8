/**
 * {@link MlpEngine} on onnxruntime-node: one session runs the whole training step graph (forward,
 * backward, clipping, Adam), another the forward graph. Parameters and Adam moments stay as
 * onnxruntime tensors between steps: each step's outputs are fed back as the next step's inputs,
 * with no copy in JS. Node-only.
 */
import type * as Ort from 'onnxruntime-node';
import { NumericalError } from '../../core/errors.ts';
import type { AdamState, MlpEngine, TrainStepOptions } from './mlpEngine.ts';
import { buildForwardGraph, paramNames, paramShapes } from './mlpGraphs.ts';
import { buildTrainStepGraph } from './trainStepGraph.ts';
import { onnxRuntime } from './optionalDependencies.ts';

type Tensor = Ort.Tensor;

/** A float32 onnxruntime tensor (onnxruntime-node is loaded on first use). */
function float32Tensor(data: Float32Array, dims: readonly number[]): Tensor {
  return new (onnxRuntime().Tensor)('float32', data, dims);
}

export class OnnxMlpEngine implements MlpEngine {
  readonly dim: number;
  private params: Tensor[];
  private m: Tensor[];
  private v: Tensor[];
  private step = 0;
  private readonly names: string[];
  private readonly shapes: number[][];
  private readonly xBuf: Float32Array;
  private readonly xTensor: Tensor;
  private readonly yTensor: Tensor;

  private constructor(
    readonly sizes: readonly number[],
    readonly batchSize: number,
    private readonly trainSession: Ort.InferenceSession,
    private readonly fwdSession: Ort.InferenceSession,
    params: Float32Array[],
  ) {
    this.dim = sizes[sizes.length - 1];
    this.names = paramNames(sizes);
    this.shapes = paramShapes(sizes);
    this.params = params.map((p, i) => float32Tensor(p.slice(), this.shapes[i]));
    this.m = this.shapes.map((s) => float32Tensor(new Float32Array(s.reduce((a, b) => a * b, 1)), s));
    this.v = this.shapes.map((s) => float32Tensor(new Float32Array(s.reduce((a, b) => a * b, 1)), s));
    this.xBuf = new Float32Array(batchSize * sizes[0]);
    this.xTensor = float32Tensor(this.xBuf, [batchSize, sizes[0]]);
    this.yTensor = float32Tensor(new Float32Array(batchSize * this.dim), [batchSize, this.dim]);
  }

  static async create(
    sizes: number[],
    batchSize: number,
    params: Float32Array[],
    o: { threads: number; beta1: number; beta2: number; eps: number },
  ): Promise<OnnxMlpEngine> {
    const sessionOptions = {
      intraOpNumThreads: o.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential' as const,
      graphOptimizationLevel: 'all' as const,
    };
    const train = await onnxRuntime().InferenceSession.create(
      buildTrainStepGraph(sizes, batchSize, { beta1: o.beta1, beta2: o.beta2, eps: o.eps }),
      sessionOptions,
    );
    const fwd = await onnxRuntime().InferenceSession.create(buildForwardGraph(sizes), sessionOptions);
    return new OnnxMlpEngine(sizes, batchSize, train, fwd, params);
  }

  private fillInput(x: Float32Array, t: Float32Array, n: number, out: Float32Array): void {
    const d = this.dim;
    const w = d + 1;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) out[i * w + k] = x[i * d + k];
      out[i * w + d] = t[i];
    }
  }

  async trainStep(x: Float32Array, t: Float32Array, target: Float32Array, opts: TrainStepOptions): Promise<{ loss: number; gradNorm: number }> {
    const B = this.batchSize;
    this.fillInput(x, t, B, this.xBuf);
    (this.yTensor.data as Float32Array).set(target.subarray(0, B * this.dim));
    const feeds: Record<string, Tensor> = {
      X: this.xTensor,
      T: this.yTensor,
      lr: float32Tensor(new Float32Array([opts.lr]), []),
      step: float32Tensor(new Float32Array([this.step + 1]), []),
      maxNorm: float32Tensor(new Float32Array([Number.isFinite(opts.maxNorm) ? opts.maxNorm : 3.0e38]), []),
    };
    this.names.forEach((n, i) => {
      feeds[n] = this.params[i];
      feeds[`m_${n}`] = this.m[i];
      feeds[`v_${n}`] = this.v[i];
    });
    const out = await this.trainSession.run(feeds);
    const loss = (out.loss.data as Float32Array)[0];
    const gradNorm = (out.gradNorm.data as Float32Array)[0];
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      throw new NumericalError(`training step ${this.step + 1}: non-finite loss (${loss}) or gradient norm (${gradNorm})`);
    }
    this.params = this.names.map((n) => out[`new_${n}`] as Tensor);
    this.m = this.names.map((n) => out[`new_m_${n}`] as Tensor);
    this.v = this.names.map((n) => out[`new_v_${n}`] as Tensor);
    this.step++;
    return { loss, gradNorm };
  }

  async predict(x: Float32Array, t: Float32Array, n: number): Promise<Float32Array> {
    const buf = new Float32Array(n * (this.dim + 1));
    this.fillInput(x, t, n, buf);
    const feeds: Record<string, Tensor> = { X: float32Tensor(buf, [n, this.dim + 1]) };
    this.names.forEach((name, i) => {
      feeds[name] = this.params[i];
    });
    const out = await this.fwdSession.run(feeds);
    return out.Y.data as Float32Array;
  }

  getParams(): Float32Array[] {
    return this.params.map((p) => (p.data as Float32Array).slice());
  }

  setParams(params: readonly Float32Array[]): void {
    this.params = params.map((p, i) => float32Tensor(p.slice(), this.shapes[i]));
  }

  getAdamState(): AdamState {
    return {
      step: this.step,
      m: this.m.map((p) => (p.data as Float32Array).slice()),
      v: this.v.map((p) => (p.data as Float32Array).slice()),
    };
  }

  setAdamState(s: AdamState): void {
    this.step = s.step;
    this.m = s.m.map((p, i) => float32Tensor(p.slice(), this.shapes[i]));
    this.v = s.v.map((p, i) => float32Tensor(p.slice(), this.shapes[i]));
  }

  async dispose(): Promise<void> {
    await this.trainSession.release();
    await this.fwdSession.release();
  }
}
