/**
 * ONNX graphs for a fully connected network with SiLU hidden activations:
 *   h_0 = X W_0 + b_0,  a_k = SiLU(h_{k-1}) = h s(h) with s the logistic sigmoid,
 *   h_k = a_k W_k + b_k, output = h_{L-1} (no activation on the last layer).
 * Weights W_k have shape [in_k, out_k] (row-vector convention, as `Gemm(a, W) + b`).
 *
 * This file holds the MLP layers ({@link mlpForwardNodes}) and the forward-only graph; the
 * training-step graphs (backward, clipping, Adam) are built on them in `trainStepGraph.ts`.
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

/** Value names of an MLP forward pass (kept for the backward pass). */
export interface MlpForward {
  /** h_k, the pre-activations. */
  pre: string[];
  /** a_k, the layer inputs (a_0 = X). */
  act: string[];
  /** s(h_k) for the hidden layers. */
  sig: string[];
  /** The network output h_{L-1}. */
  out: string;
}

/** Append the MLP forward pass on input `x` with parameter values `params` (W0, b0, W1, ...) to `g`. */
export function mlpForwardNodes(g: OnnxGraph, sizes: LayerSizes, x: string, params: readonly string[]): MlpForward {
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
  const f = mlpForwardNodes(g, sizes, x, params);
  g.output(f.out, 'Y', ['n', sizes[sizes.length - 1]]);
  return g.toBytes('mlp_forward');
}
