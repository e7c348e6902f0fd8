/**
 * The one neural-network interface of thermodiff: an MLP velocity field u_theta(t, x) with time
 * input (the network sees the row [x_1..x_dim, t]) and SiLU hidden activations, trained with Adam.
 * Types only; the onnxruntime implementation is `onnxMlpEngine.ts`, created by `createMlpEngine`
 * (`engine.ts`). Swap engines by providing another {@link MlpEngine}.
 */

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
