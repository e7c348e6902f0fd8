/**
 * NumPy `.npy` reading and writing on plain bytes (no file system, so it also runs in a browser).
 *
 * Supported: format versions 1.0, 2.0 and 3.0; dtypes `<f8` (float64) and `<f4` (float32);
 * C order; 1-D and 2-D arrays. Everything else (bad magic, Fortran order, big-endian data,
 * other dtypes, other ranks, truncated data) is rejected with an {@link InputError} that says what
 * was expected and what was found.
 *
 * Format reference: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { InputError } from '../core/errors.ts';

/** A decoded `.npy` array. `data` is always float64 (float32 files are widened exactly). */
export interface NpyArray {
  /** Row-major values, length = product of `shape`. */
  data: Float64Array;
  /** `[n]` or `[rows, cols]`. */
  shape: number[];
  /** The dtype stored in the file. */
  dtype: 'float32' | 'float64';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Decode a `.npy` file held in memory.
 * @param bytes the whole file.
 * @param where name used in error messages (e.g. the file path).
 * @throws InputError for anything that is not a little-endian float32/float64 C-order 1-D or 2-D array,
 *   or when the data is shorter than the header says.
 */
export function readNpy(bytes: Uint8Array, where = 'npy'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError('not a NumPy .npy file (expected the magic string "\\x93NUMPY" at the start)', where);
  }
  const major = bytes[6];
  let headerLen: number;
  let headerStart: number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new InputError('truncated .npy header', where);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new InputError(`unsupported .npy format version ${major}.${bytes[7]} (expected 1.0, 2.0 or 3.0)`, where);
  }
  if (headerStart + headerLen > bytes.length) {
    throw new InputError(`truncated .npy header (header says ${headerLen} bytes, file has ${bytes.length - headerStart})`, where);
  }
  let header = '';
  for (let i = headerStart; i < headerStart + headerLen; i++) header += String.fromCharCode(bytes[i]);
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InputError(`malformed .npy header (expected descr, fortran_order and shape), got ${JSON.stringify(header.trim())}`, where);
  }
  let itemSize: 4 | 8;
  if (descr === '<f8') itemSize = 8;
  else if (descr === '<f4') itemSize = 4;
  else if (descr === '>f8' || descr === '>f4') {
    throw new InputError(`big-endian data (dtype ${descr}) is not supported; expected little-endian <f8 or <f4 (use arr.astype('<f8'))`, where);
  } else {
    throw new InputError(`unsupported dtype ${descr}; expected float64 (<f8) or float32 (<f4)`, where);
  }
  if (fortran === 'True') {
    throw new InputError('Fortran-order arrays are not supported; expected C order (use np.ascontiguousarray)', where);
  }
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (dims.length < 1 || dims.length > 2) {
    throw new InputError(`expected a 1-D or 2-D array, got shape (${shapeText.trim()})`, where);
  }
  const shape = dims.map((d) => {
    const v = Number(d.replace(/L$/, ''));
    if (!Number.isInteger(v) || v < 0) throw new InputError(`bad dimension ${JSON.stringify(d)} in shape`, where);
    return v;
  });
  const count = shape.reduce((p, d) => p * d, 1);
  const dataStart = headerStart + headerLen;
  const need = count * itemSize;
  if (bytes.length - dataStart < need) {
    throw new InputError(
      `truncated data: shape (${shape.join(', ')}) needs ${need} bytes, file has ${bytes.length - dataStart}`,
      where,
    );
  }
  const data = new Float64Array(count);
  if (itemSize === 8) {
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, true);
  } else {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  }
  return { data, shape, dtype: itemSize === 8 ? 'float64' : 'float32' };
}

/**
 * Encode a 1-D or 2-D array as `.npy` (format 1.0, C order, little endian).
 * @param data row-major values.
 * @param shape `[n]` or `[rows, cols]`; its product must equal `data.length`.
 * @param dtype stored dtype; default float64 for a Float64Array, float32 for a Float32Array.
 * @throws InputError on a bad shape.
 */
export function writeNpy(
  data: ArrayLike<number>,
  shape: readonly number[],
  dtype: 'float32' | 'float64' = data instanceof Float32Array ? 'float32' : 'float64',
): Uint8Array {
  if (shape.length < 1 || shape.length > 2 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new InputError(`expected a 1-D or 2-D shape of non-negative integers, got [${shape.join(', ')}]`, 'writeNpy');
  }
  const count = shape.reduce((p, d) => p * d, 1);
  if (count !== data.length) {
    throw new InputError(`shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`, 'writeNpy');
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape[0]}, ${shape[1]})`;
  let header = `{'descr': '${dtype === 'float64' ? '<f8' : '<f4'}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const itemSize = dtype === 'float64' ? 8 : 4;
  const out = new Uint8Array(10 + header.length + count * itemSize);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  if (itemSize === 8) for (let i = 0; i < count; i++) view.setFloat64(start + 8 * i, data[i], true);
  else for (let i = 0; i < count; i++) view.setFloat32(start + 4 * i, data[i], true);
  return out;
}
