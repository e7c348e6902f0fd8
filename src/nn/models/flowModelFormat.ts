/**
 * The saved-model format (documented in docs/nn.md), browser-safe:
 * - `model.json`: `{ format: "thermodiff-flow-mlp", version: 1, ...FlowModelMeta, activation: "silu",
 *    layout: { dtype: "float32", byteOrder: "little", tensors: [{ name, shape, offset /* bytes *\/ }] },
 *    weightsBytes, checksum /* FNV-1a 32 of weights.bin, hex *\/ }`
 * - `weights.bin`: the tensors W0, b0, W1, b1, ... concatenated, raw little-endian float32,
 *   W_k row-major [in_k, out_k]; the network input row is [x_1..x_dim, t].
 */
import { InputError } from '../../core/errors.ts';
import type { FlowModelMeta } from './flowModel.ts';
import { mlpSizes } from './mlpSizes.ts';

export const MODEL_FORMAT = 'thermodiff-flow-mlp';
export const MODEL_VERSION = 1;

/** FNV-1a 32-bit hash of bytes, as 8 hex digits (corruption check, not security). */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Concatenate float32 arrays into little-endian bytes. */
export function float32ToBytes(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Uint8Array(total * 4);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++, o += 4) view.setFloat32(o, a[i], true);
  }
  return out;
}

function readFloat32(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, true);
  return out;
}

/** Encode a model: returns the model.json text and the weights.bin bytes. */
export function encodeFlowModel(meta: FlowModelMeta, params: readonly Float32Array[]): { json: string; weights: Uint8Array } {
  const sizes = mlpSizes(meta.dim, meta.hidden);
  const tensors: { name: string; shape: number[]; offset: number }[] = [];
  let offset = 0;
  for (let k = 0; k + 1 < sizes.length; k++) {
    tensors.push({ name: `W${k}`, shape: [sizes[k], sizes[k + 1]], offset });
    offset += sizes[k] * sizes[k + 1] * 4;
    tensors.push({ name: `b${k}`, shape: [sizes[k + 1]], offset });
    offset += sizes[k + 1] * 4;
  }
  tensors.forEach((t, i) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (params[i]?.length !== n) throw new InputError(`tensor ${t.name}: expected ${n} values, got ${params[i]?.length}`, 'encodeFlowModel');
  });
  const weights = float32ToBytes(params);
  const header = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    ...meta,
    activation: 'silu',
    input: 'x_1..x_dim, t',
    layout: { dtype: 'float32', byteOrder: 'little', tensors },
    weightsBytes: weights.length,
    checksum: fnv1a(weights),
  };
  return { json: JSON.stringify(header, null, 2), weights };
}

/**
 * Decode model.json (parsed) and weights.bin.
 * @throws InputError naming `where` for a wrong format/version, missing fields, a size mismatch or
 *   a checksum mismatch (corrupt or truncated weights).
 */
export function decodeFlowModel(json: unknown, weights: Uint8Array, where = 'model'): { meta: FlowModelMeta; params: Float32Array[] } {
  if (typeof json !== 'object' || json === null) throw new InputError('expected a JSON object in model.json', where);
  const h = json as Record<string, unknown>;
  if (h.format !== MODEL_FORMAT) throw new InputError(`expected format "${MODEL_FORMAT}", got ${JSON.stringify(h.format)}`, where);
  if (h.version !== MODEL_VERSION) throw new InputError(`expected version ${MODEL_VERSION}, got ${JSON.stringify(h.version)}`, where);
  const dim = h.dim;
  const hidden = h.hidden;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) throw new InputError(`expected integer dim >= 1, got ${JSON.stringify(dim)}`, `${where}.dim`);
  if (!Array.isArray(hidden) || hidden.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new InputError('expected hidden to be an array of positive integers', `${where}.hidden`);
  }
  if (typeof h.tau !== 'number' || !(h.tau > 0)) throw new InputError(`expected tau > 0, got ${JSON.stringify(h.tau)}`, `${where}.tau`);
  if (typeof h.scheduleName !== 'string') throw new InputError('expected a string scheduleName', `${where}.scheduleName`);
  const sizes = mlpSizes(dim, hidden as number[]);
  let expected = 0;
  for (let k = 0; k + 1 < sizes.length; k++) expected += (sizes[k] + 1) * sizes[k + 1] * 4;
  if (weights.length !== expected) {
    throw new InputError(`weights.bin has ${weights.length} bytes, expected ${expected} for sizes [${sizes.join(', ')}] (truncated or wrong file)`, where);
  }
  if (typeof h.checksum === 'string' && fnv1a(weights) !== h.checksum) {
    throw new InputError(`weights.bin checksum ${fnv1a(weights)} does not match model.json (${h.checksum}): the file is corrupt`, where);
  }
  const params: Float32Array[] = [];
  let off = 0;
  for (let k = 0; k + 1 < sizes.length; k++) {
    const nw = sizes[k] * sizes[k + 1];
    params.push(readFloat32(weights, off, nw));
    off += nw * 4;
    params.push(readFloat32(weights, off, sizes[k + 1]));
    off += sizes[k + 1] * 4;
  }
  for (const p of params) {
    for (let i = 0; i < p.length; i++) if (!Number.isFinite(p[i])) throw new InputError('weights.bin contains non-finite values', where);
  }
  const meta: FlowModelMeta = {
    dim,
    tau: h.tau,
    scheduleName: h.scheduleName,
    hidden: hidden as number[],
    source: typeof h.source === 'string' ? h.source : 'gaussian',
  };
  if (h.scheduleOptions && typeof h.scheduleOptions === 'object') meta.scheduleOptions = h.scheduleOptions as Record<string, number>;
  if (h.training && typeof h.training === 'object') meta.training = h.training as Record<string, unknown>;
  return { meta, params };
}
