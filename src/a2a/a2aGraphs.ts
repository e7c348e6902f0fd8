/**
 * ONNX training graph of the A2A condition-transfer MLP (SiLU hidden activations, the conventions
 * of nn/models/mlpGraphs.ts: h_k = a_k W_k + b_k, W_k [in_k, out_k]), in two variants:
 *
 * - `plain` (reference `Flow`): v = g([x_t, c_t, c1, c2]); input X [B, dx + 3 dc]. No t input:
 *   time enters only through c_t = (1 - t) c1 + t c2 (spec Sec. 1, "network inputs").
 * - `antisymmetric` (reference `SymmetricFlow`, paper App. B.2): v = f([x_t, c_t, c2]) - f([x_t, c_t, c1])
 *   with one shared f; input X [2B, dx + 2 dc], rows 0..B-1 carry c2, rows B..2B-1 carry c1, and
 *   the graph forms v = Y[0:B] - Y[B:2B]. So v = 0 when c1 = c2 and v(c1, c2) = -v(c2, c1).
 *   (The reference feeds a learned linear map of [c_t, c_k] to its backbone as "time"; in an MLP
 *   that map is absorbed by the first layer.)
 *
 * One graph = forward, loss mean over B*dx of (v - T)^2, hand-derived backward (for the
 * antisymmetric variant dL/dY = [dv; -dv]), global-norm clipping and Adam with bias correction,
 * exactly as buildTrainStepGraph of mlpGraphs.ts. Browser-safe (graph construction only).
 */
import { OnnxGraph } from '../nn/models/onnxGraph.ts';
import { paramNames, paramShapes } from '../nn/models/mlpGraphs.ts';

/** The two network variants. */
export type A2AVariant = 'plain' | 'antisymmetric';

/** Width of one network input row. */
export function a2aInputWidth(variant: A2AVariant, dx: number, dc: number): number {
  return variant === 'plain' ? dx + 3 * dc : dx + 2 * dc;
}

/** Layer sizes [input width, ...hidden, dx]. */
export function a2aSizes(variant: A2AVariant, dx: number, dc: number, hidden: readonly number[]): number[] {
  return [a2aInputWidth(variant, dx, dc), ...hidden, dx];
}

/** Network rows per sample (1 plain, 2 antisymmetric). */
export function rowsPerSample(variant: A2AVariant): number {
  return variant === 'plain' ? 1 : 2;
}

/**
 * Pack n samples into network input rows (see the file comment).
 * @param xt n*dx, ct/c1/c2 n*dc. @returns (rowsPerSample n) * width float32 values.
 */
export function packInputs(
  variant: A2AVariant,
  xt: ArrayLike<number>,
  ct: ArrayLike<number>,
  c1: ArrayLike<number>,
  c2: ArrayLike<number>,
  n: number,
  dx: number,
  dc: number,
  out: Float32Array = new Float32Array(rowsPerSample(variant) * n * a2aInputWidth(variant, dx, dc)),
): Float32Array {
  const w = a2aInputWidth(variant, dx, dc);
  for (let i = 0; i < n; i++) {
    const top = i * w;
    for (let k = 0; k < dx; k++) out[top + k] = xt[i * dx + k];
    for (let k = 0; k < dc; k++) out[top + dx + k] = ct[i * dc + k];
    if (variant === 'plain') {
      for (let k = 0; k < dc; k++) {
        out[top + dx + dc + k] = c1[i * dc + k];
        out[top + dx + 2 * dc + k] = c2[i * dc + k];
      }
    } else {
      const bot = (n + i) * w;
      for (let k = 0; k < dx; k++) out[bot + k] = xt[i * dx + k];
      for (let k = 0; k < dc; k++) {
        out[bot + dx + k] = ct[i * dc + k];
        out[top + dx + dc + k] = c2[i * dc + k];
        out[bot + dx + dc + k] = c1[i * dc + k];
      }
    }
  }
  return out;
}

/** v from the raw network outputs Y of {@link packInputs} rows (Y itself for plain, Y_top - Y_bottom otherwise). */
export function combineOutputs(variant: A2AVariant, y: ArrayLike<number>, n: number, dx: number): Float64Array {
  const v = new Float64Array(n * dx);
  if (variant === 'plain') {
    for (let i = 0; i < n * dx; i++) v[i] = y[i];
  } else {
    for (let i = 0; i < n * dx; i++) v[i] = y[i] - y[n * dx + i];
  }
  return v;
}

/**
 * The training-step graph. Inputs `X` [rowsPerSample B, in], `T` [B, dx], the parameters, their Adam
 * moments `m_<name>`, `v_<name>`, scalars `lr`, `step` (1-based), `maxNorm`. Outputs `loss`,
 * `gradNorm` (before clipping), `new_<name>`, `new_m_<name>`, `new_v_<name>`.
 */
export function buildA2ATrainGraph(variant: A2AVariant, sizes: readonly number[], batch: number, adam: { beta1: number; beta2: number; eps: number }): Uint8Array {
  const g = new OnnxGraph();
  const L = sizes.length - 1;
  const dx = sizes[L];
  const R = rowsPerSample(variant) * batch;
  const x = g.input('X', [R, sizes[0]]);
  const target = g.input('T', [batch, dx]);
  const names = paramNames(sizes);
  const shapes = paramShapes(sizes);
  const params = names.map((n, i) => g.input(n, shapes[i]));
  const ms = names.map((n, i) => g.input(`m_${n}`, shapes[i]));
  const vs = names.map((n, i) => g.input(`v_${n}`, shapes[i]));
  const lr = g.input('lr', []);
  const step = g.input('step', []);
  const maxNorm = g.input('maxNorm', []);

  // forward
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
  const axis0 = g.constInt64([0]);
  let v = a;
  if (variant === 'antisymmetric') {
    const top = g.node('Slice', [a, g.constInt64([0]), g.constInt64([batch]), axis0]);
    const bot = g.node('Slice', [a, g.constInt64([batch]), g.constInt64([2 * batch]), axis0]);
    v = g.node('Sub', [top, bot]);
  }
  const diff = g.node('Sub', [v, target]);
  const loss = g.node('ReduceMean', [g.node('Mul', [diff, diff])], { keepdims: 0 });
  g.output(loss, 'loss', []);

  // backward
  const one = g.constFloat([1]);
  const grads: string[] = new Array(names.length);
  const dv = g.node('Mul', [diff, g.constFloat([2 / (batch * dx)])]);
  let dh = variant === 'plain' ? dv : g.node('Concat', [dv, g.node('Neg', [dv])], { axis: 0 });
  for (let k = L - 1; k >= 0; k--) {
    grads[2 * k] = g.node('Gemm', [act[k], dh], { transA: 1 });
    grads[2 * k + 1] = g.node('ReduceSum', [dh, axis0], { keepdims: 0 });
    if (k > 0) {
      const da = g.node('Gemm', [dh, params[2 * k]], { transB: 1 });
      const s = sig[k - 1];
      const h = pre[k - 1];
      const dsilu = g.node('Mul', [s, g.node('Add', [one, g.node('Mul', [h, g.node('Sub', [one, s])])])]);
      dh = g.node('Mul', [da, dsilu]);
    }
  }
  let sq = '';
  for (const gr of grads) {
    const s = g.node('ReduceSumSquare', [gr], { keepdims: 0 });
    sq = sq ? g.node('Add', [sq, s]) : s;
  }
  const norm = g.node('Sqrt', [sq]);
  g.output(norm, 'gradNorm', []);
  const scale = g.node('Min', [one, g.node('Div', [maxNorm, g.node('Add', [norm, g.constFloat([1e-6])])])]);
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
    const vv = g.node('Add', [g.node('Mul', [vs[i], b2]), g.node('Mul', [g.node('Mul', [gr, gr]), omb2])]);
    const denom = g.node('Add', [g.node('Mul', [g.node('Sqrt', [vv]), invSqrtBc2]), eps]);
    const upd = g.node('Mul', [g.node('Div', [m, denom]), stepSize]);
    g.output(g.node('Sub', [params[i], upd]), `new_${name}`, shapes[i]);
    g.output(m, `new_m_${name}`, shapes[i]);
    g.output(vv, `new_v_${name}`, shapes[i]);
  });
  return g.toBytes(`a2a_${variant}_train_step`);
}
