/**
 * A trained velocity field u_theta(t, x) in `dim` dimensions on [0, tau] (data at t = 0, source /
 * noise at t = tau, the paper's convention). `velocity` is async because the fast backend
 * (onnxruntime) is.
 */
export interface FlowModel {
  readonly dim: number;
  readonly tau: number;
  /** Name of the (m, sigma) schedule it was trained with (`namedSchedule` name or a user label). */
  readonly scheduleName: string;
  /** Everything needed to rebuild it: sizes, schedule options, training summary. */
  readonly meta: FlowModelMeta;
  /** u_theta(t, x_i) for n points (x row-major n*dim); returns n*dim values. */
  velocity(t: number, x: Float32Array, n: number): Promise<Float32Array>;
  /** Copies of the parameters W0, b0, W1, b1, ... (W_k row-major [in_k, out_k]). */
  params(): Float32Array[];
  /** Write the model to a folder (model.json + weights.bin). Node only; see docs/nn.md. */
  save(dir: string): Promise<void>;
}

/** Description stored in model.json. */
export interface FlowModelMeta {
  dim: number;
  tau: number;
  scheduleName: string;
  /** Options passed to namedSchedule, if any. */
  scheduleOptions?: Record<string, number>;
  hidden: number[];
  /** Source distribution at t = tau: `gaussian` or a label of the source dataset. */
  source: string;
  /** Free-form training summary (steps, coupling, seed, final loss...). */
  training?: Record<string, unknown>;
}
