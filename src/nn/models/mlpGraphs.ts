/**
 * ONNX graphs for a fully connected network with SiLU hidden activations:
 *   h_0 = X W_0 + b_0,  a_k = SiLU(h_{k-1}) = h s(h) with s the logistic sigmoid,
 *   h_k = a_k W_k + b_k, output = h_{L-1} (no activation on the last layer).
 * Weights W_k have shape [in_k, out_k] (row-vector convention, as `Gemm(a, W) + b`).
 *
 * {@link buildTrainStepGraph} emits ONE graph doing a whole optimisation step: forward, mean
 * squared error, the hand-derived backward pass, gradient clipping by global norm, and Adam with
 * bias correction (PyTorch's formula: p -= lr/(1-b1^k) * m / (sqrt(v)/sqrt(1-b2^k) + eps)).
 * Backward rules (dh = dL/dh, row-vector convention):
 *   dW_k = a_k^T dh_k,  db_k = sum_rows dh_k,  da_k = dh_k W_k^T,
 *   dh_{k-1} = da_k * SiLU'(h_{k-1}),  SiLU'(h) = s (1 + h (1 - s)).
 * Browser-safe (pure graph construction).
 */
import { OnnxGraph } from './onnxGraph.ts';

/** Layer sizes [in, hidden..., out] of an MLP; at least two entries. */
export type LayerSizes = readonly number[];

/** Graph input/output names for parameter k: `W{k}`, `b{k}`; Adam moments `mW{k}`, `vW{k}`, ... */
export function paramNames(sizes: LayerSizes): string[] {
  const names: string[] = [];
  for (let k = 0; k + 1 < sizes.length; k++) names.push(`W${k}`, `b${k}`);
  return names;
}

/** Shape of each parameter, in the order of {@link paramNames}. */
export function paramShapes(sizes: LayerSizes): number[][] {
  const shapes: number[][] = [];
  for (let k = 0; k + 1 < sizes.length; k++) shapes.push([sizes[k], sizes[k + 1]], [sizes[k + 1]]);
  return shapes;
}

interface Forward {
  pre: string[]; // h_k
  act: string[]; // a_k (a_0 = X)
  sig: string[]; // s(h_k) for hidden layers
  out: string;
}

function forward(g: OnnxGraph, sizes: LayerSizes, x: string, params: string[]): Forward {
  const L = sizes.length - 1;
  const pre: string[] = [];
  const act: string[] = [x];
  const sig: string[] = [];
  let a = x;
  for (let k = 0; k < L; k++) {
    const h = g.node('Gemm', [a, params[2 * k], params[2 * k + 1]]);
    pre.push(h);
    if (k < L - 1) {
      const s = g.node('Sigmoid', [h]);
      sig.push(s);
      a = g.node('Mul', [h, s]);
      act.push(a);
    } else {
      a = h;
    }
  }
  return { pre, act, sig, out: a };
}

/**
 * Forward-only graph: input `X` [n, in] (symbolic n), parameters as inputs, output `Y` [n, out].
 */
export function buildForwardGraph(sizes: LayerSizes): Uint8Array {
  const g = new OnnxGraph();
  const x = g.input('X', ['n', sizes[0]]);
  const shapes = paramShapes(sizes);
  const params = paramNames(sizes).map((name, i) => g.input(name, shapes[i]));
  const f = forward(g, sizes, x, params);
  g.output(f.out, 'Y', ['n', sizes[sizes.length - 1]]);
  return g.toBytes('mlp_forward');
}

/** Adam constants baked into the training graph. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * One training step as a graph. Inputs: `X` [B, in], `T` (target) [B, out], every parameter,
 * its Adam moments `m_<name>` and `v_<name>`, and scalars `lr`, `step` (1-based Adam step
 * count, float), `maxNorm` (clip threshold; gradients are scaled by min(1, maxNorm/(|g| + 1e-6))).
 * Outputs: `loss` (mean over B*out of (pred - T)^2, before the update), `gradNorm` (before
 * clipping), and `new_<name>`, `new_m_<name>`, `new_v_<name>`.
 */
export function buildTrainStepGraph(sizes: LayerSizes, batch: number, adam: AdamConstants): Uint8Array {
  const g = new OnnxGraph();
  const L = sizes.length - 1;
  const nOut = sizes[L];
  const x = g.input('X', [batch, sizes[0]]);
  const target = g.input('T', [batch, nOut]);
  const names = paramNames(sizes);
  const shapes = paramShapes(sizes);
  const params = names.map((n, i) => g.input(n, shapes[i]));
  const ms = names.map((n, i) => g.input(`m_${n}`, shapes[i]));
  const vs = names.map((n, i) => g.input(`v_${n}`, shapes[i]));
  const lr = g.input('lr', []);
  const step = g.input('step', []);
  const maxNorm = g.input('maxNorm', []);

  const f = forward(g, sizes, x, params);
  const diff = g.node('Sub', [f.out, target]);
  const loss = g.node('ReduceMean', [g.node('Mul', [diff, diff])], { keepdims: 0 });
  g.output(loss, 'loss', []);

  // backward
  const one = g.constFloat([1]);
  const axis0 = g.constInt64([0]);
  const grads: string[] = new Array(names.length);
  let dh = g.node('Mul', [diff, g.constFloat([2 / (batch * nOut)])]);
  for (let k = L - 1; k >= 0; k--) {
    grads[2 * k] = g.node('Gemm', [f.act[k], dh], { transA: 1 });
    grads[2 * k + 1] = g.node('ReduceSum', [dh, axis0], { keepdims: 0 });
    if (k > 0) {
      const da = g.node('Gemm', [dh, params[2 * k]], { transB: 1 });
      const s = f.sig[k - 1];
      const h = f.pre[k - 1];
      // SiLU'(h) = s (1 + h (1 - s))
      const dsilu = g.node('Mul', [s, g.node('Add', [one, g.node('Mul', [h, g.node('Sub', [one, s])])])]);
      dh = g.node('Mul', [da, dsilu]);
    }
  }

  // global-norm clipping
  let sq = '';
  for (const gr of grads) {
    const s = g.node('ReduceSumSquare', [gr], { keepdims: 0 });
    sq = sq ? g.node('Add', [sq, s]) : s;
  }
  const norm = g.node('Sqrt', [sq]);
  g.output(norm, 'gradNorm', []);
  const scale = g.node('Min', [one, g.node('Div', [maxNorm, g.node('Add', [norm, g.constFloat([1e-6])])])]);

  // Adam with bias correction
  const b1 = g.constFloat([adam.beta1]);
  const b2 = g.constFloat([adam.beta2]);
  const omb1 = g.constFloat([1 - adam.beta1]);
  const omb2 = g.constFloat([1 - adam.beta2]);
  const eps = g.constFloat([adam.eps]);
  const bc1 = g.node('Sub', [one, g.node('Pow', [b1, step])]);
  const bc2 = g.node('Sub', [one, g.node('Pow', [b2, step])]);
  const stepSize = g.node('Div', [lr, bc1]);
  const invSqrtBc2 = g.node('Div', [one, g.node('Sqrt', [bc2])]);
  names.forEach((name, i) => {
    const gr = g.node('Mul', [grads[i], scale]);
    const m = g.node('Add', [g.node('Mul', [ms[i], b1]), g.node('Mul', [gr, omb1])]);
    const v = g.node('Add', [g.node('Mul', [vs[i], b2]), g.node('Mul', [g.node('Mul', [gr, gr]), omb2])]);
    const denom = g.node('Add', [g.node('Mul', [g.node('Sqrt', [v]), invSqrtBc2]), eps]);
    const upd = g.node('Mul', [g.node('Div', [m, denom]), stepSize]);
    const p = g.node('Sub', [params[i], upd]);
    g.output(p, `new_${name}`, shapes[i]);
    g.output(m, `new_m_${name}`, shapes[i]);
    g.output(v, `new_v_${name}`, shapes[i]);
  });
  return g.toBytes('mlp_train_step');
}
