import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { fmt, markdownImage, markdownTable } from '../../src/report/markdown.ts';

test('fmt: significant digits, fixed vs exponent notation, integers, non-finite values', () => {
  assert.equal(fmt(0.123456), '0.1235');
  assert.equal(fmt(123.456), '123.5');
  assert.equal(fmt(12345.6), '12346');
  assert.equal(fmt(1.5e-5), '1.500e-5');
  assert.equal(fmt(-2.5e7 - 0.5, 3), '-2.50e7');
  assert.equal(fmt(25_000_000), '25000000'); // integers stay integers (counts)
  assert.equal(fmt(0.001), '0.001000');
  assert.equal(fmt(42), '42');
  assert.equal(fmt(0), '0');
  assert.equal(fmt(Math.PI, 6), '3.14159');
  assert.equal(fmt(Number.NaN), 'NaN');
  assert.equal(fmt(-Infinity), '-inf');
  assert.throws(() => fmt(1, 0), InputError);
});

test('markdownTable: header, alignment (numeric columns right), formatting, escaping', () => {
  const md = markdownTable(['protocol', 'eta', 'c1'], [
    ['cosine', 0.123456, 2],
    ['a|b', 1e-6, 3.5],
  ]);
  assert.equal(md, ['| protocol | eta | c1 |', '| --- | ---: | ---: |', '| cosine | 0.1235 | 2 |', '| a\\|b | 1.000e-6 | 3.500 |'].join('\n'));
  assert.equal(markdownTable(['x'], [[1.23456]], { digits: 2 }), '| x |\n| ---: |\n| 1.2 |');
  assert.throws(() => markdownTable(['a', 'b'], [[1]]), /rows\[0\]: expected 2 cells, got 1/);
  assert.throws(() => markdownTable([], []), InputError);
  assert.equal(markdownImage('fig [1]', 'figs/a b.png'), '![fig 1](figs/a%20b.png)');
});
