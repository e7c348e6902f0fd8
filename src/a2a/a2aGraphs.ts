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
 * antisymmetric variant dL/dY = [dv; -dv]), global-norm clipping and Adam with bias correction:
 * the {@link TrainStepGraph} of nn/models/trainStepGraph.ts with the variant's head between the
 * network output and v. Browser-safe (graph construction only).
 */
import { type AdamConstants, TrainStepGraph } from '../nn/models/trainStepGraph.ts';

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
export function buildA2ATrainGraph(variant: A2AVariant, sizes: readonly number[], batch: number, adam: AdamConstants): Uint8Array {
  const dx = sizes[sizes.length - 1];
  const t = new TrainStepGraph(sizes, rowsPerSample(variant) * batch, batch);
  const g = t.g;
  const f = t.forward();
  const axis0 = g.constInt64([0]);
  let v = f.out;
  if (variant === 'antisymmetric') {
    const top = g.node('Slice', [f.out, g.constInt64([0]), g.constInt64([batch]), axis0]);
    const bot = g.node('Slice', [f.out, g.constInt64([batch]), g.constInt64([2 * batch]), axis0]);
    v = g.node('Sub', [top, bot]);
  }
  const diff = t.mseLoss(v);
  const one = g.constFloat([1]);
  const dv = g.node('Mul', [diff, g.constFloat([2 / (batch * dx)])]);
  const dOut = variant === 'plain' ? dv : g.node('Concat', [dv, g.node('Neg', [dv])], { axis: 0 });
  t.clipAndAdam(t.backward(f, dOut, one, axis0), one, adam);
  return g.toBytes(`a2a_${variant}_train_step`);
}
