import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/core/errors.ts';
import { readNpy, writeNpy } from '../../src/io/npy.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ot');

/** Build a .npy file by hand (format 1.0) with an arbitrary header and payload. */
function rawNpy(header: string, payload: Uint8Array, major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  let h = header;
  h += ' '.repeat((64 - ((pre + h.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + h.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[pre + i] = h.charCodeAt(i);
  out.set(payload, pre + h.length);
  return out;
}

function f64Bytes(values: number[], littleEndian = true): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => {
    dv.setFloat64(8 * i, v, littleEndian);
  });
  return b;
}

test('round trip float64 2-D and 1-D, bit for bit', () => {
  const data = Float64Array.from([1.5, -2.25, Math.PI, 1e-300, -0, 7]);
  const back = readNpy(writeNpy(data, [3, 2]));
  assert.deepEqual(back.shape, [3, 2]);
  assert.equal(back.dtype, 'float64');
  assert.deepEqual(Array.from(back.data), Array.from(data));
  const one = readNpy(writeNpy(data, [6]));
  assert.deepEqual(one.shape, [6]);
  assert.deepEqual(Array.from(one.data), Array.from(data));
});

test('round trip float32: values come back as the float32 roundings', () => {
  const data = Float32Array.from([0.1, 2, -3.5]);
  const bytes = writeNpy(data, [3]);
  const back = readNpy(bytes);
  assert.equal(back.dtype, 'float32');
  assert.deepEqual(Array.from(back.data), Array.from(data));
});

test('header is padded so the data starts at a multiple of 64 bytes (format 1.0)', () => {
  const bytes = writeNpy(new Float64Array(4), [2, 2]);
  const headerLen = bytes[8] + 256 * bytes[9];
  assert.equal((10 + headerLen) % 64, 0);
  assert.equal(bytes[10 + headerLen - 1], 0x0a);
});

test('reads the NumPy-written fixtures (shapes known from the fixture README)', () => {
  const x = readNpy(new Uint8Array(readFileSync(join(fixtures, 'uniform50_2d_x.npy'))));
  assert.deepEqual(x.shape, [50, 2]);
  const w = readNpy(new Uint8Array(readFileSync(join(fixtures, 'weighted80x120_2d_a.npy'))));
  assert.deepEqual(w.shape, [80]);
  // weights sum to 1 (they are probability vectors); 1e-12 allows float64 summation error
  assert.ok(Math.abs(w.data.reduce((s, v) => s + v, 0) - 1) < 1e-12);
});

test('format 2.0 headers (uint32 length) are read', () => {
  const b = rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f64Bytes([3, 4]), 2);
  assert.deepEqual(Array.from(readNpy(b).data), [3, 4]);
});

test('malformed files are rejected with a clear InputError', () => {
  const good = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
  const payload = f64Bytes([1, 2, 3, 4]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['bad magic', new TextEncoder().encode('hello world, not numpy'), /magic/],
    ['fortran order', rawNpy(good.replace('False', 'True'), payload), /Fortran/],
    ['big endian', rawNpy(good.replace('<f8', '>f8'), f64Bytes([1, 2, 3, 4], false)), /big-endian/],
    ['int64 dtype', rawNpy(good.replace('<f8', '<i8'), payload), /unsupported dtype <i8/],
    ['complex dtype', rawNpy(good.replace('<f8', '<c16'), payload), /unsupported dtype/],
    ['truncated data', rawNpy(good, payload.subarray(0, 20)), /truncated data/],
    ['3-D array', rawNpy(good.replace('(2, 2)', '(1, 2, 2)'), payload), /1-D or 2-D/],
    ['0-D array', rawNpy(good.replace('(2, 2)', '()'), payload), /1-D or 2-D/],
    ['truncated header', rawNpy(good, payload).subarray(0, 30), /truncated .npy header/],
    ['missing keys', rawNpy("{'shape': (2,), }", payload), /malformed/],
    ['version 9', (() => { const b = rawNpy(good, payload); b[6] = 9; return b; })(), /version 9/],
  ];
  for (const [name, bytes, re] of cases) {
    assert.throws(() => readNpy(bytes, 'f.npy'), (e: unknown) => e instanceof InputError && re.test(e.message) && e.message.startsWith('f.npy:'), name);
  }
});

test('writeNpy rejects a shape that does not match the data', () => {
  assert.throws(() => writeNpy(new Float64Array(5), [2, 2]), InputError);
  assert.throws(() => writeNpy(new Float64Array(8), [2, 2, 2]), InputError);
});
