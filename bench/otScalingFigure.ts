/**
 * Log-log figure of exact OT time vs n (Swiss roll vs N(0, I)) for thermodiff and POT, from the JSON
 * lines of `bench/otSwissRoll.bench.ts`. Vega-Lite spec rendered to SVG, rasterised with resvg.
 * Usage: `tsx bench/otScalingFigure.ts results.jsonl docs/figures/ot-scaling.png`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { svgToPng } from '../src/report/png.ts';
import { vegaLiteToSvg } from '../src/report/vegaSvg.ts';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: tsx bench/otScalingFigure.ts results.jsonl out.png');
const rows = readFileSync(input, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l) as { name: string; size: number; cpuSeconds?: number; seconds: number })
  .filter((r) => Number.isFinite(r.cpuSeconds) && r.name.includes('swissroll-vs-normal'))
  .map((r) => ({ n: r.size, cpuSeconds: r.cpuSeconds, solver: r.name.startsWith('ot.pot') ? 'POT 0.8.2 ot.dist + emd2' : 'thermodiff emd (exact, certified)' }));
const spec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: 'Exact W2^2, Swiss roll vs N(0, I) (CPU s)',
  width: 520,
  height: 320,
  data: { values: rows },
  mark: { type: 'line', point: true },
  encoding: {
    x: { field: 'n', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'points per cloud n' },
    y: { field: 'cpuSeconds', type: 'quantitative', scale: { type: 'log' }, title: 'CPU seconds' },
    color: { field: 'solver', type: 'nominal', legend: { orient: 'top-left', title: null, labelLimit: 400 } },
  },
  config: { font: 'DejaVu Sans', background: 'white' },
};
writeFileSync(output, svgToPng(vegaLiteToSvg(spec)));
