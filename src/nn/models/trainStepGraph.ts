/**
 * {@link TrainStepGraph}: the parts that every training-step graph of thermodiff shares, on top of
 * the MLP layers of `mlpGraphs.ts` (SiLU hidden activations, h_k = a_k W_k + b_k, W_k [in_k, out_k]):
 * the graph inputs, the mean squared error, the hand-derived backward pass through the MLP,
 * gradient clipping by global norm, and Adam with bias correction (PyTorch's formula:
 * p -= lr/(1-b1^k) * m / (sqrt(v)/sqrt(1-b2^k) + eps)). Backward rules (dh = dL/dh, row vectors):
 *   dW_k = a_k^T dh_k,  db_k = sum_rows dh_k,  da_k = dh_k W_k^T,
 *   dh_{k-1} = da_k * SiLU'(h_{k-1}),  SiLU'(h) = s (1 + h (1 - s)).
 *
 * A caller builds one graph by calling, in order, the constructor, `mlpForwardNodes`, its own
 * head (from network output to prediction), {@link TrainStepGraph.mseLoss}, the seed dL/dY of the
 * backward pass, {@link TrainStepGraph.backward} and {@link TrainStepGraph.clipAndAdam}.
 * {@link buildTrainStepGraph} (flow models) is the plain case; the A2A graphs (src/a2a) add a head.
 * Browser-safe (pure graph construction).
 */
import { type LayerSizes, type MlpForward, mlpForwardNodes, paramNames, paramShapes } from './mlpGraphs.ts';
import { OnnxGraph } from './onnxGraph.ts';

/** Adam constants baked into the training graph. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * One training-step graph under construction. Inputs, declared by the constructor in this order:
 * `X` [xRows, in], `T` (target) [batch, out], every parameter, its Adam moments `m_<name>` and
 * `v_<name>`, and scalars `lr`, `step` (1-based Adam step count, float), `maxNorm` (clip threshold).
 * Outputs: `loss` ({@link mseLoss}), `gradNorm` and `new_<name>`, `new_m_<name>`, `new_v_<name>`
 * ({@link clipAndAdam}).
 */
export class TrainStepGraph {
  readonly g = new OnnxGraph();
  readonly x: string;
  readonly target: string;
  readonly names: string[];
  readonly shapes: number[][];
  readonly params: string[];
  readonly ms: string[];
  readonly vs: string[];
  readonly lr: string;
  readonly step: string;
  readonly maxNorm: string;

  constructor(readonly sizes: LayerSizes, xRows: number, batch: number) {
    const g = this.g;
    this.x = g.input('X', [xRows, sizes[0]]);
    this.target = g.input('T', [batch, sizes[sizes.length - 1]]);
    this.names = paramNames(sizes);
    this.shapes = paramShapes(sizes);
    this.params = this.names.map((n, i) => g.input(n, this.shapes[i]));
    this.ms = this.names.map((n, i) => g.input(`m_${n}`, this.shapes[i]));
    this.vs = this.names.map((n, i) => g.input(`v_${n}`, this.shapes[i]));
    this.lr = g.input('lr', []);
    this.step = g.input('step', []);
    this.maxNorm = g.input('maxNorm', []);
  }

  /** The MLP forward pass on `X`. */
  forward(): MlpForward {
    return mlpForwardNodes(this.g, this.sizes, this.x, this.params);
  }

  /** Output `loss` = mean of (pred - T)^2 over all entries; returns the value pred - T. */
  mseLoss(pred: string): string {
    const g = this.g;
    const diff = g.node('Sub', [pred, this.target]);
    g.output(g.node('ReduceMean', [g.node('Mul', [diff, diff])], { keepdims: 0 }), 'loss', []);
    return diff;
  }

  /**
   * Backward pass through the MLP of `f` from dOut = dL/d(network output); `one` and `axis0` are
   * the caller's constants 1 (float) and [0] (int64). @returns dL/dp in the order of the parameters.
   */
  backward(f: MlpForward, dOut: string, one: string, axis0: string): string[] {
    const g = this.g;
    const L = this.sizes.length - 1;
    const grads: string[] = new Array(this.names.length);
    let dh = dOut;
    for (let k = L - 1; k >= 0; k--) {
      grads[2 * k] = g.node('Gemm', [f.act[k], dh], { transA: 1 });
      grads[2 * k + 1] = g.node('ReduceSum', [dh, axis0], { keepdims: 0 });
      if (k > 0) {
        const da = g.node('Gemm', [dh, this.params[2 * k]], { transB: 1 });
        const s = f.sig[k - 1];
        const h = f.pre[k - 1];
        // SiLU'(h) = s (1 + h (1 - s))
        const dsilu = g.node('Mul', [s, g.node('Add', [one, g.node('Mul', [h, g.node('Sub', [one, s])])])]);
        dh = g.node('Mul', [da, dsilu]);
      }
    }
    return grads;
  }

  /**
   * Output `gradNorm` (global L2 norm of `grads`, before clipping), scale the gradients by
   * min(1, maxNorm/(|g| + 1e-6)) and output one Adam step: `new_<name>`, `new_m_<name>`, `new_v_<name>`.
   */
  clipAndAdam(grads: readonly string[], one: string, adam: AdamConstants): void {
    const g = this.g;
    let sq = '';
    for (const gr of grads) {
      const s = g.node('ReduceSumSquare', [gr], { keepdims: 0 });
      sq = sq ? g.node('Add', [sq, s]) : s;
    }
    const norm = g.node('Sqrt', [sq]);
    g.output(norm, 'gradNorm', []);
    const scale = g.node('Min', [one, g.node('Div', [this.maxNorm, g.node('Add', [norm, g.constFloat([1e-6])])])]);

    const b1 = g.constFloat([adam.beta1]);
    const b2 = g.constFloat([adam.beta2]);
    const omb1 = g.constFloat([1 - adam.beta1]);
    const omb2 = g.constFloat([1 - adam.beta2]);
    const eps = g.constFloat([adam.eps]);
    const bc1 = g.node('Sub', [one, g.node('Pow', [b1, this.step])]);
    const bc2 = g.node('Sub', [one, g.node('Pow', [b2, this.step])]);
    const stepSize = g.node('Div', [this.lr, bc1]);
    const invSqrtBc2 = g.node('Div', [one, g.node('Sqrt', [bc2])]);
    this.names.forEach((name, i) => {
      const gr = g.node('Mul', [grads[i], scale]);
      const m = g.node('Add', [g.node('Mul', [this.ms[i], b1]), g.node('Mul', [gr, omb1])]);
      const v = g.node('Add', [g.node('Mul', [this.vs[i], b2]), g.node('Mul', [g.node('Mul', [gr, gr]), omb2])]);
      const denom = g.node('Add', [g.node('Mul', [g.node('Sqrt', [v]), invSqrtBc2]), eps]);
      const upd = g.node('Mul', [g.node('Div', [m, denom]), stepSize]);
      g.output(g.node('Sub', [this.params[i], upd]), `new_${name}`, this.shapes[i]);
      g.output(m, `new_m_${name}`, this.shapes[i]);
      g.output(v, `new_v_${name}`, this.shapes[i]);
    });
  }
}

/**
 * One training step of a flow-model MLP as a graph: the inputs and outputs of
 * {@link TrainStepGraph} with `X` [B, in], `T` [B, out]; `loss` is the mean over B*out of
 * (pred - T)^2, before the update.
 */
export function buildTrainStepGraph(sizes: LayerSizes, batch: number, adam: AdamConstants): Uint8Array {
  const t = new TrainStepGraph(sizes, batch, batch);
  const g = t.g;
  const f = t.forward();
  const diff = t.mseLoss(f.out);
  const one = g.constFloat([1]);
  const axis0 = g.constInt64([0]);
  const dOut = g.node('Mul', [diff, g.constFloat([2 / (batch * sizes[sizes.length - 1])])]);
  t.clipAndAdam(t.backward(f, dOut, one, axis0), one, adam);
  return g.toBytes('mlp_train_step');
}
