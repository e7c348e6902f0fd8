/**
 * Training checkpoints as ONE self-checking binary blob (browser-safe encode/decode; the file is
 * written atomically by `checkpointFiles.ts`):
 *   bytes 0..7  magic "TDCKPT01"; bytes 8..11 header length H (uint32 LE);
 *   H bytes of UTF-8 JSON header { step, seed, configKey, adamStep, counts, checksum, ... };
 *   payload: params, Adam m, Adam v, EMA (if any) as little-endian float32, then the loss history
 *   as little-endian float64. `checksum` is FNV-1a 32 of the payload.
 */
import { InputError } from '../../core/errors.ts';
import { fnv1a } from '../models/flowModelFormat.ts';

const MAGIC = 'TDCKPT01';

/** Everything needed to continue a run bit-for-bit (the random stream of step k is derived from (seed, k)). */
export interface TrainState {
  /** Completed steps. */
  step: number;
  seed: number;
  /** A string identifying the training configuration; a resume with another config is refused. */
  configKey: string;
  params: Float32Array[];
  adam: { step: number; m: Float32Array[]; v: Float32Array[] };
  ema: Float32Array[] | null;
  losses: number[];
}

export function encodeCheckpoint(s: TrainState): Uint8Array {
  const arrays = [...s.params, ...s.adam.m, ...s.adam.v, ...(s.ema ?? [])];
  const nFloat = arrays.reduce((a, b) => a + b.length, 0);
  const payload = new Uint8Array(nFloat * 4 + s.losses.length * 8);
  const view = new DataView(payload.buffer);
  let o = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++, o += 4) view.setFloat32(o, a[i], true);
  for (const l of s.losses) {
    view.setFloat64(o, l, true);
    o += 8;
  }
  const header = {
    step: s.step,
    seed: s.seed,
    configKey: s.configKey,
    adamStep: s.adam.step,
    lengths: s.params.map((p) => p.length),
    hasEma: s.ema !== null,
    nLosses: s.losses.length,
    payloadBytes: payload.length,
    checksum: fnv1a(payload),
  };
  const hb = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + hb.length + payload.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, hb.length, true);
  out.set(hb, 12);
  out.set(payload, 12 + hb.length);
  return out;
}

/**
 * Decode a checkpoint.
 * @throws InputError (naming `where`) if the magic, header, length or checksum is wrong: the file is
 *   not a checkpoint, is truncated or corrupt.
 */
export function decodeCheckpoint(bytes: Uint8Array, where = 'checkpoint'): TrainState {
  const bad = (why: string) => new InputError(`not a valid thermodiff checkpoint (${why}); delete it to restart the run`, where);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('wrong magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = view.getUint32(8, true);
  if (12 + hl > bytes.length) throw bad('truncated header');
  let h: {
    step: number;
    seed: number;
    configKey: string;
    adamStep: number;
    lengths: number[];
    hasEma: boolean;
    nLosses: number;
    payloadBytes: number;
    checksum: string;
  };
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hl)));
  } catch {
    throw bad('unreadable header');
  }
  if (!Array.isArray(h.lengths) || typeof h.step !== 'number' || typeof h.checksum !== 'string') throw bad('incomplete header');
  const payload = bytes.subarray(12 + hl);
  if (payload.length !== h.payloadBytes) throw bad(`payload has ${payload.length} bytes, header says ${h.payloadBytes}: truncated`);
  if (fnv1a(payload) !== h.checksum) throw bad('checksum mismatch: corrupt');
  const pv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let o = 0;
  const take = () =>
    h.lengths.map((n) => {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++, o += 4) a[i] = pv.getFloat32(o, true);
      return a;
    });
  const params = take();
  const m = take();
  const v = take();
  const ema = h.hasEma ? take() : null;
  const losses: number[] = [];
  for (let i = 0; i < h.nLosses; i++, o += 8) losses.push(pv.getFloat64(o, true));
  return { step: h.step, seed: h.seed, configKey: h.configKey, params, adam: { step: h.adamStep, m, v }, ema, losses };
}
