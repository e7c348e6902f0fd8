import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { encodeIdx, parseIdx } from '../../src/data/idx.ts';

describe('parseIdx(bytes)', () => {
  it('parses a hand-written 2x3 uint8 file (header 00 00 08 02, big-endian sizes)', () => {
    const bytes = Uint8Array.from([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 251, 255]);
    const a = parseIdx(bytes);
    assert.equal(a.type, 'uint8');
    assert.deepEqual(a.dims, [2, 3]);
    assert.deepEqual(Array.from(a.data), [1, 2, 3, 250, 251, 255]);
  });

  it('decodes big-endian multi-byte types from hand-written bytes', () => {
    // int16 0x0102 = 258 and 0xfffe = -2; int32 0x00010000 = 65536; float32 0x3f800000 = 1, 0xc0000000 = -2.
    assert.deepEqual(Array.from(parseIdx(Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 1, 2, 0xff, 0xfe])).data), [258, -2]);
    assert.deepEqual(Array.from(parseIdx(Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 1, 0, 1, 0, 0])).data), [65536]);
    assert.deepEqual(
      Array.from(parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0])).data),
      [1, -2],
    );
    assert.deepEqual(Array.from(parseIdx(Uint8Array.from([0, 0, 0x09, 1, 0, 0, 0, 2, 0x7f, 0x80])).data), [127, -128]);
  });

  it('round-trips encodeIdx for every element type (exact: values representable in each type)', () => {
    const cases = [
      ['uint8', [0, 1, 128, 255]],
      ['int8', [-128, -1, 0, 127]],
      ['int16', [-32768, -1, 300, 32767]],
      ['int32', [-2147483648, -7, 70000, 2147483647]],
      ['float32', [-1.5, 0, 0.25, 2 ** 40]],
      ['float64', [-Math.PI, 0, 1e-300, 1.7976931348623157e308]],
    ] as const;
    for (const [type, values] of cases) {
      const bytes = encodeIdx(type, [2, 2], values);
      const a = parseIdx(bytes, type);
      assert.equal(a.type, type);
      assert.deepEqual(a.dims, [2, 2]);
      assert.deepEqual(Array.from(a.data), [...values], type);
    }
  });

  it('encodeIdx writes the documented header', () => {
    const b = encodeIdx('uint8', [1, 2, 2], [9, 8, 7, 6]);
    assert.deepEqual(Array.from(b), [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 9, 8, 7, 6]);
  });

  const bad: [string, number[], RegExp][] = [
    ['shorter than the magic number', [0, 0, 8], /at least a 4-byte header\), got 3 bytes/],
    ['wrong magic (non-zero first bytes)', [1, 2, 8, 1, 0, 0, 0, 0], /expected an IDX magic number 00 00 <type> <ndims>, got 01 02 08 01/],
    ['a gzip file', [0x1f, 0x8b, 8, 0, 0, 0], /looks gzip-compressed/],
    ['an unknown type code', [0, 0, 0x07, 1, 0, 0, 0, 0], /type code .* got 0x07/],
    ['zero dimensions', [0, 0, 8, 0], /at least 1 dimension/],
    ['a truncated header', [0, 0, 8, 3, 0, 0, 0, 1, 0, 0], /truncated IDX header: 3 dimensions need 16 header bytes, got 10/],
    ['a truncated payload', [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3], /truncated IDX file: dimensions \[2, 2\] of uint8 need 16 bytes, got 15/],
    ['trailing bytes', [0, 0, 8, 1, 0, 0, 0, 1, 5, 6], /1 trailing bytes/],
    ['a truncated int32 payload', [0, 0, 0x0c, 1, 0, 0, 0, 1, 0, 0], /need 12 bytes, got 10/],
  ];
  for (const [what, bytes, re] of bad) {
    it(`throws InputError naming the file for ${what}`, () => {
      assert.throws(
        () => parseIdx(Uint8Array.from(bytes), 'f.idx'),
        (e: unknown) => e instanceof InputError && e.message.startsWith('f.idx: ') && re.test(e.message),
      );
    });
  }

  it('encodeIdx rejects a size mismatch', () => {
    assert.throws(() => encodeIdx('uint8', [2, 2], [1, 2, 3]), /need 4 elements, got 3/);
  });
});
