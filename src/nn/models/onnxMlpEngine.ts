/**
 * {@link MlpEngine} on onnxruntime-node: one session runs the whole training step graph (forward,
 * backward, clipping, Adam), another the forward graph; both, the parameters and the Adam moments
 * are held by the base class {@link OnnxAdamEngine}. This class packs the rows [x, t] and the
 * targets into tensors reused across steps. Node-only.
 */
import type * as Ort from 'onnxruntime-node';
import type { MlpEngine, TrainStepOptions } from './mlpEngine.ts';
import { float32Tensor, OnnxAdamEngine, type OnnxSessions } from './onnxAdamEngine.ts';
import { buildTrainStepGraph } from './trainStepGraph.ts';

type Tensor = Ort.Tensor;

export class OnnxMlpEngine extends OnnxAdamEngine implements MlpEngine {
  readonly dim: number;
  private readonly xBuf: Float32Array;
  private readonly xTensor: Tensor;
  private readonly yTensor: Tensor;

  private constructor(
    sizes: readonly number[],
    readonly batchSize: number,
    sessions: OnnxSessions,
    params: readonly Float32Array[],
  ) {
    super(sizes, 'training', sessions, params);
    this.dim = sizes[sizes.length - 1];
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
    const graph = () => buildTrainStepGraph(sizes, batchSize, { beta1: o.beta1, beta2: o.beta2, eps: o.eps });
    return new OnnxMlpEngine(sizes, batchSize, await OnnxAdamEngine.openSessions(sizes, graph, o.threads), params);
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
    return this.runTrainStep(this.xTensor, this.yTensor, opts);
  }

  async predict(x: Float32Array, t: Float32Array, n: number): Promise<Float32Array> {
    const buf = new Float32Array(n * (this.dim + 1));
    this.fillInput(x, t, n, buf);
    return this.runForward(float32Tensor(buf, [n, this.dim + 1]));
  }
}
