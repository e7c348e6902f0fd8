/** The training-loss figure of a run folder (`loss.png`). Node-only (PNG encoding). */
import { lineChart } from './charts.ts';
import { svgToPng } from './png.ts';

/** Loss curve (raw per-step loss, thinned to <= 1000 points, and a 2%-EMA smoothed line), log y. */
export function lossCurvePng(losses: number[], title: string): Uint8Array {
  const stride = Math.max(1, Math.ceil(losses.length / 1000));
  const xs: number[] = [];
  const raw: number[] = [];
  const smooth: number[] = [];
  let avg = losses[0];
  losses.forEach((l, i) => {
    avg = i === 0 ? l : 0.98 * avg + 0.02 * l;
    if (i % stride === 0 || i === losses.length - 1) {
      xs.push(i + 1);
      raw.push(l);
      smooth.push(avg);
    }
  });
  const svg = lineChart({
    title: `training loss (${title})`,
    xLabel: 'step',
    yLabel: 'flow-matching loss',
    logY: true,
    series: [
      { name: 'per step', x: xs, y: raw, dash: true },
      { name: 'smoothed (EMA 0.98)', x: xs, y: smooth },
    ],
  });
  return svgToPng(svg);
}
