/**
 * {@link OnnxAdamEngine}: the base of the onnxruntime engines (flow models: `onnxMlpEngine.ts`;
 * A2A: src/a2a/a2aEngine.ts). It holds a training-step session (a graph of `trainStepGraph.ts`), a
 * forward session (`buildForwardGraph` of `mlpGraphs.ts`), the parameters and the Adam state.
 * Parameters and moments stay onnxruntime tensors between steps: each step's outputs `new_*`,
 * `new_m_*`, `new_v_*` are fed back as the next step's inputs, with no copy in JS. A subclass only
 * packs its inputs `X` and targets `T`. Node-only (onnxruntime-node, loaded on first use).
 */
import type * as Ort from 'onnxruntime-node';
import { NumericalError } from '../../core/errors.ts';
import type { AdamState, TrainStepOptions } from './mlpEngine.ts';
import { buildForwardGraph, paramNames, paramShapes } from './mlpGraphs.ts';
import { onnxRuntime } from './optionalDependencies.ts';

/** @internal onnxruntime-node type (see float32Tensor). */
type Tensor = Ort.Tensor;

/**
 * A float32 onnxruntime tensor over `data` (no copy).
 * @internal typed with onnxruntime-node's types, which consumers without that optional package cannot resolve: left out of the shipped declarations (stripInternal).
 */
export function float32Tensor(data: Float32Array, dims: readonly number[]): Tensor {
  return new (onnxRuntime().Tensor)('float32', data, dims);
}

/**
 * The two sessions of an {@link OnnxAdamEngine}.
 * @internal typed with onnxruntime-node's types, which consumers without that optional package cannot resolve: left out of the shipped declarations (stripInternal).
 */
export interface OnnxSessions {
  train: Ort.InferenceSession;
  forward: Ort.InferenceSession;
}

/** Parameters, Adam moments and the two sessions of one MLP trained by a step graph. */
export class OnnxAdamEngine {
  private params: Tensor[];
  private m: Tensor[];
  private v: Tensor[];
  private step = 0;
  private readonly names: string[];
  private readonly shapes: number[][];

  /**
   * Start at step 0 with zero moments and a copy of `params` (order W0, b0, W1, b1, ...).
   * @param label names the step in the error message ("<label> step k: non-finite loss ...").
   * @internal typed with onnxruntime-node's types, which consumers without that optional package cannot resolve: left out of the shipped declarations (stripInternal).
   */
  protected constructor(
    readonly sizes: readonly number[],
    private readonly label: string,
    private readonly sessions: OnnxSessions,
    params: readonly Float32Array[],
  ) {
    this.names = paramNames(sizes);
    this.shapes = paramShapes(sizes);
    this.params = params.map((p, i) => float32Tensor(p.slice(), this.shapes[i]));
    this.m = this.shapes.map((s) => float32Tensor(new Float32Array(s.reduce((a, b) => a * b, 1)), s));
    this.v = this.shapes.map((s) => float32Tensor(new Float32Array(s.reduce((a, b) => a * b, 1)), s));
  }

  /**
   * Open the sessions of the graph `trainGraph()` builds (inputs and outputs of `TrainStepGraph`) and of the forward
   * graph of `sizes`: sequential execution, full graph optimisation, `threads` intra-op threads.
   * @internal typed with onnxruntime-node's types, which consumers without that optional package cannot resolve: left out of the shipped declarations (stripInternal).
   */
  protected static async openSessions(sizes: readonly number[], trainGraph: () => Uint8Array, threads: number): Promise<OnnxSessions> {
    // onnxruntime-node first: without it the MissingDependencyError names it (the package a user
    // installs first), before onnx-proto is needed to build the graphs
    const ort = onnxRuntime();
    const sessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential' as const,
      graphOptimizationLevel: 'all' as const,
    };
    const train = await ort.InferenceSession.create(trainGraph(), sessionOptions);
    const forward = await ort.InferenceSession.create(buildForwardGraph(sizes), sessionOptions);
    return { train, forward };
  }

  /**
   * Run one step of the training graph on inputs `X` and targets `T` and keep its outputs.
   * An infinite `maxNorm` is fed as 3e38 (no clipping).
   * @returns the loss before the update and the gradient norm before clipping.
   * @throws NumericalError if either is not finite (the state is then left unchanged).
   * @internal typed with onnxruntime-node's types, which consumers without that optional package cannot resolve: left out of the shipped declarations (stripInternal).
   */
  protected async runTrainStep(X: Tensor, T: Tensor, opts: TrainStepOptions): Promise<{ loss: number; gradNorm: number }> {
    const feeds: Record<string, Tensor> = {
      X,
      T,
      lr: float32Tensor(new Float32Array([opts.lr]), []),
      step: float32Tensor(new Float32Array([this.step + 1]), []),
      maxNorm: float32Tensor(new Float32Array([Number.isFinite(opts.maxNorm) ? opts.maxNorm : 3.0e38]), []),
    };
    this.names.forEach((n, i) => {
      feeds[n] = this.params[i];
      feeds[`m_${n}`] = this.m[i];
      feeds[`v_${n}`] = this.v[i];
    });
    const out = await this.sessions.train.run(feeds);
    const loss = (out.loss.data as Float32Array)[0];
    const gradNorm = (out.gradNorm.data as Float32Array)[0];
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      throw new NumericalError(`${this.label} step ${this.step + 1}: non-finite loss (${loss}) or gradient norm (${gradNorm})`);
    }
    this.params = this.names.map((n) => out[`new_${n}`] as Tensor);
    this.m = this.names.map((n) => out[`new_m_${n}`] as Tensor);
    this.v = this.names.map((n) => out[`new_v_${n}`] as Tensor);
    this.step++;
    return { loss, gradNorm };
  }

  /**
   * Network outputs `Y` for the input rows `X` [n, in], with the current parameters or `params`.
   * @internal typed with onnxruntime-node's types (see float32Tensor).
   */
  protected async runForward(X: Tensor, params?: readonly Float32Array[]): Promise<Float32Array> {
    const feeds: Record<string, Tensor> = { X };
    this.names.forEach((n, i) => {
      feeds[n] = params ? float32Tensor(params[i] as Float32Array, this.shapes[i]) : this.params[i];
    });
    const out = await this.sessions.forward.run(feeds);
    return out.Y.data as Float32Array;
  }

  /** Copies of the parameters (W0, b0, W1, b1, ...). */
  getParams(): Float32Array[] {
    return this.params.map((p) => (p.data as Float32Array).slice());
  }

  setParams(params: readonly Float32Array[]): void {
    this.params = params.map((p, i) => float32Tensor(p.slice(), this.shapes[i]));
  }

  /** Copies of the Adam moments and the count of completed steps. */
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
    await this.sessions.train.release();
    await this.sessions.forward.release();
  }
}
