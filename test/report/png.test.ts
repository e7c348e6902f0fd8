import assert from 'node:assert/strict';
import test from 'node:test';
import { PNG } from 'pngjs';
import { InputError } from '../../src/core/errors.ts';
import { lineChart } from '../../src/report/charts.ts';
import { imageGridPng, svgToPng } from '../../src/report/png.ts';

function decode(bytes: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(bytes));
}

test('svgToPng: PNG of scale x size, white background, text drawn with a real font', () => {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><text x="10" y="40" font-family="DejaVu Sans" font-size="30">MMMM</text></svg>';
  const png = decode(svgToPng(svg, { scale: 2 }));
  assert.equal(png.width, 400);
  assert.equal(png.height, 120);
  // Corner pixel is the white background (transparent SVG background filled white).
  assert.deepEqual([...png.data.subarray(0, 4)], [255, 255, 255, 255]);
  // With a font found, "MMMM" at 30 px covers thousands of dark pixels; without fonts resvg draws nothing.
  let dark = 0;
  for (let i = 0; i < png.width * png.height; i++) if (png.data[4 * i] < 100) dark++;
  assert.ok(dark > 2000, `dark pixels ${dark}`);
});

test('svgToPng renders a chart; bad SVG and bad scale throw InputError', () => {
  const svg = lineChart({ xLabel: 'x (a.u.)', yLabel: 'y (a.u.)', series: [{ name: 'a', x: [0, 1], y: [0, 1] }] });
  const png = decode(svgToPng(svg));
  assert.ok(png.width > 500 && png.height > 300);
  assert.throws(() => svgToPng('hello'), /expected an SVG document string/);
  assert.throws(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g></svg>'), /could not parse the SVG/);
  assert.throws(() => svgToPng(svg, { scale: 0 }), InputError);
});

test('imageGridPng: layout, scaling, padding, clipping of values', () => {
  // Three 2x3 images: image k has all pixels k/2 (0, 0.5, 1); cols 2, scale 2, pad 1.
  const n = 3;
  const h = 2;
  const w = 3;
  const imgs = new Float64Array(n * h * w);
  for (let k = 0; k < n; k++) imgs.fill(k / 2, k * h * w, (k + 1) * h * w);
  imgs[0] = -3; // clipped to 0
  imgs[h * w * 2] = 7; // clipped to 1
  const png = decode(imageGridPng(imgs, n, h, w, { cols: 2, scale: 2, pad: 1, padValue: 0.2 }));
  // Width 2 * 3 * 2 + 3 * 1 = 15; height 2 rows: 2 * 2 * 2 + 3 = 11.
  assert.equal(png.width, 15);
  assert.equal(png.height, 11);
  const px = (x: number, y: number) => png.data[4 * (y * png.width + x)];
  assert.equal(px(0, 0), 51); // pad 0.2 * 255
  assert.equal(px(1, 1), 0); // image 0 pixel (0,0), clipped from -3
  assert.equal(px(2, 2), 0);
  assert.equal(px(1 + 6 + 1, 1), 128); // image 1 (0.5 -> 127.5 rounds to 128)
  assert.equal(px(1, 1 + 4 + 1), 255); // image 2, first row, clipped from 7
  assert.equal(px(8 + 5, 6 + 3), 51); // empty 4th slot stays padding
});

test('imageGridPng: wrong sizes, NaN pixels and bad options throw InputError', () => {
  assert.throws(() => imageGridPng(new Float64Array(5), 1, 2, 3), /expected n\*h\*w = 6 pixel values, got 5/);
  assert.throws(() => imageGridPng(new Float64Array(6), 1, 2.5, 3), /h a positive integer/);
  assert.throws(() => imageGridPng(new Float64Array([0, Number.NaN]), 1, 1, 2), /got NaN in image 0 at \(0, 1\)/);
  assert.throws(() => imageGridPng(new Float64Array(6), 1, 2, 3, { scale: 1.5 }), InputError);
  assert.throws(() => imageGridPng(new Float64Array(6), 1, 2, 3, { padValue: 2 }), InputError);
});
