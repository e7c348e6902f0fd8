import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { scatterChart, scatterChartVegaLite } from '../../src/report/scatterChart.ts';

test('scatterChart draws one circle per point with equal axis ranges', () => {
  const spec = {
    title: 'samples',
    xLabel: 'x₁ (a.u.)',
    yLabel: 'x₂ (a.u.)',
    series: [
      { name: 'data', xy: [0, 0, 1, 2, -1, 0.5] },
      { name: 'samples', xy: [3, -4] },
    ],
  };
  const svg = scatterChart(spec);
  assert.match(svg, /^<svg/);
  // every point of every series is in the data, in series order
  const vl = scatterChartVegaLite(spec) as unknown as { data: { values: unknown[] }; encoding: { x: { scale: { domain: number[] } }; y: { scale: { domain: number[] } } } };
  assert.equal(vl.data.values.length, 4);
  // union range [-4, 3] padded by 5 % of its width 7 on both axes
  assert.deepEqual(vl.encoding.x.scale.domain, [-4.35, 3.35]);
  assert.deepEqual(vl.encoding.y.scale.domain, vl.encoding.x.scale.domain);
  assert.match(svg, /x₁ \(a\.u\.\)/);
});

test('scatterChart rejects odd coordinate counts, non-finite values and empty input', () => {
  assert.throws(() => scatterChart({ xLabel: 'x', yLabel: 'y', series: [{ name: 'a', xy: [1, 2, 3] }] }), InputError);
  assert.throws(() => scatterChart({ xLabel: 'x', yLabel: 'y', series: [{ name: 'a', xy: [1, Number.NaN] }] }), /finite coordinates/);
  assert.throws(() => scatterChart({ xLabel: 'x', yLabel: 'y', series: [{ name: 'a', xy: [] }] }), /at least one point/);
});
