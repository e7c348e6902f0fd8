import { InputError } from '../core/errors.ts';

/** Element types of the IDX format, keyed by their type code (byte 2 of the magic number). */
const IDX_TYPES: ReadonlyMap<number, { name: IdxType; bytes: number }> = new Map([
  [0x08, { name: 'uint8', bytes: 1 }],
  [0x09, { name: 'int8', bytes: 1 }],
  [0x0b, { name: 'int16', bytes: 2 }],
  [0x0c, { name: 'int32', bytes: 4 }],
  [0x0d, { name: 'float32', bytes: 4 }],
  [0x0e, { name: 'float64', bytes: 8 }],
]);

/** Element type of an IDX array. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A parsed IDX array: `dims` (outermost first) and the elements in row-major order. */
export interface IdxArray {
  type: IdxType;
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Parse an (uncompressed) IDX file, the format of MNIST and Fashion-MNIST
 * (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number `00 00 TT DD` (TT = element type,
 * DD = number of dimensions), DD big-endian uint32 sizes, then the elements in row-major order,
 * big-endian. Pure: works on bytes, no file access (the Node loader is `fashionMnist.ts`).
 *
 * For `uint8` data the returned `data` is a view on `bytes` (no copy); other types are copied
 * and converted from big-endian.
 *
 * @param bytes the whole file content (already gunzipped).
 * @param where file name or label used in error messages.
 * @throws InputError if the file is shorter than its header, the magic number does not start
 *   with two zero bytes (a gzip file gets a hint to gunzip it), the type code or dimension count
 *   is invalid, the element count overflows, or the payload is shorter (truncated) or longer than
 *   the header announces.
 */
export function parseIdx(bytes: Uint8Array, where = 'idx'): IdxArray {
  if (bytes.length < 4) {
    throw new InputError(`expected an IDX file (at least a 4-byte header), got ${bytes.length} bytes`, where);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (this looks gzip-compressed: gunzip it first)' : '';
    throw new InputError(`expected an IDX magic number 00 00 <type> <ndims>, got ${hex}${gz}`, where);
  }
  const type = IDX_TYPES.get(bytes[2]);
  if (type === undefined) {
    throw new InputError(
      `expected an IDX type code 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e, got 0x${bytes[2].toString(16).padStart(2, '0')}`,
      where,
    );
  }
  const ndims = bytes[3];
  if (ndims < 1) throw new InputError('expected at least 1 dimension in the IDX header, got 0', where);
  const headerLen = 4 + 4 * ndims;
  if (bytes.length < headerLen) {
    throw new InputError(
      `truncated IDX header: ${ndims} dimensions need ${headerLen} header bytes, got ${bytes.length}`,
      where,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let k = 0; k < ndims; k++) {
    const d = view.getUint32(4 + 4 * k, false);
    dims.push(d);
    count *= d;
  }
  if (!Number.isSafeInteger(count)) {
    throw new InputError(`IDX dimensions [${dims.join(', ')}] are too large`, where);
  }
  const expected = headerLen + count * type.bytes;
  if (bytes.length < expected) {
    throw new InputError(
      `truncated IDX file: dimensions [${dims.join(', ')}] of ${type.name} need ${expected} bytes, got ${bytes.length}`,
      where,
    );
  }
  if (bytes.length > expected) {
    throw new InputError(
      `IDX file has ${bytes.length - expected} trailing bytes after the ${count} ${type.name} elements announced by dimensions [${dims.join(', ')}]`,
      where,
    );
  }
  const start = headerLen;
  let data: IdxArray['data'];
  switch (type.name) {
    case 'uint8':
      data = bytes.subarray(start, expected);
      break;
    case 'int8':
      data = new Int8Array(bytes.buffer, bytes.byteOffset + start, count);
      break;
    case 'int16': {
      const a = new Int16Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt16(start + 2 * i, false);
      data = a;
      break;
    }
    case 'int32': {
      const a = new Int32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt32(start + 4 * i, false);
      data = a;
      break;
    }
    case 'float32': {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat32(start + 4 * i, false);
      data = a;
      break;
    }
    case 'float64': {
      const a = new Float64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat64(start + 8 * i, false);
      data = a;
      break;
    }
  }
  return { type: type.name, dims, data };
}

/**
 * Encode an array as IDX bytes (big-endian), the inverse of {@link parseIdx}. Used to write test
 * fixtures and small exports.
 * @throws InputError if the product of `dims` differs from `data.length` or `dims` is empty.
 */
export function encodeIdx(type: IdxType, dims: readonly number[], data: ArrayLike<number>, where = 'idx'): Uint8Array {
  const entry = [...IDX_TYPES.entries()].find(([, v]) => v.name === type);
  if (entry === undefined) throw new InputError(`unknown IDX type ${JSON.stringify(type)}`, where);
  if (dims.length < 1 || dims.length > 255) {
    throw new InputError(`expected 1..255 dimensions, got ${dims.length}`, where);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new InputError(`dimensions [${dims.join(', ')}] need ${count} elements, got ${data.length}`, where);
  }
  const size = entry[1].bytes;
  const out = new Uint8Array(4 + 4 * dims.length + count * size);
  const view = new DataView(out.buffer);
  out[2] = Number(entry[0]);
  out[3] = dims.length;
  for (let k = 0; k < dims.length; k++) view.setUint32(4 + 4 * k, dims[k], false);
  const start = 4 + 4 * dims.length;
  for (let i = 0; i < count; i++) {
    const v = data[i];
    const o = start + size * i;
    if (type === 'uint8') view.setUint8(o, v);
    else if (type === 'int8') view.setInt8(o, v);
    else if (type === 'int16') view.setInt16(o, v, false);
    else if (type === 'int32') view.setInt32(o, v, false);
    else if (type === 'float32') view.setFloat32(o, v, false);
    else view.setFloat64(o, v, false);
  }
  return out;
}
