/**
 * Density snapshots of the 2-D tab as SVG: for each snapshot time a heat map of the probability per
 * cell (the library's `snapshots.forward` / `.estimated`, row-major iy * cells + ix on `box`), painted
 * into a small canvas and embedded as an image inside an SVG that carries the axes, their labels
 * with units, and an accessible description.
 */
import type { SpeedAccuracyNdResult } from '../../src/index.ts';

const TIMES = ['t = 0 (q and p)', 't = τ/3', 't = 2τ/3', 't = τ (start)'];

/** A perceptually ordered light-to-dark blue ramp (value in [0, 1]). */
function colour(v: number): [number, number, number] {
  const a = Math.max(0, Math.min(1, v));
  return [Math.round(255 - a * (255 - 20)), Math.round(255 - a * (255 - 50)), Math.round(255 - a * (255 - 110))];
}

function image(p: number[], cells: number, max: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = cells;
  canvas.height = cells;
  const ctx = canvas.getContext('2d');
  if (!ctx) return '';
  const img = ctx.createImageData(cells, cells);
  for (let iy = 0; iy < cells; iy++) {
    for (let ix = 0; ix < cells; ix++) {
      // sqrt scale: the Swiss roll's thin arms stay visible next to its dense centre
      const [r, g, b] = colour(Math.sqrt(p[iy * cells + ix] / max));
      const o = 4 * ((cells - 1 - iy) * cells + ix); // y up
      img.data[o] = r;
      img.data[o + 1] = g;
      img.data[o + 2] = b;
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}

const NS = 'http://www.w3.org/2000/svg';
function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** One heat map with axes x1, x2 (a.u.). */
function panel(p: number[], box: number[], cells: number, max: number, title: string, description: string): SVGSVGElement {
  const W = 200;
  const H = 200;
  const L = 34;
  const T = 18;
  const S = 150;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': description, class: 'nd-heatmap' });
  svg.appendChild(el('title', {}, description));
  svg.appendChild(el('text', { x: L + S / 2, y: 12, 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 600 }, title));
  const im = el('image', { x: L, y: T, width: S, height: S, preserveAspectRatio: 'none', style: 'image-rendering: pixelated' });
  im.setAttribute('href', image(p, cells, max));
  svg.appendChild(im);
  svg.appendChild(el('rect', { x: L, y: T, width: S, height: S, fill: 'none', stroke: '#8a909c' }));
  const [x0, x1, y0, y1] = box;
  for (const v of [x0, (x0 + x1) / 2, x1]) {
    const x = L + ((v - x0) / (x1 - x0)) * S;
    svg.appendChild(el('line', { x1: x, x2: x, y1: T + S, y2: T + S + 4, stroke: '#545b69' }));
    svg.appendChild(el('text', { x, y: T + S + 13, 'text-anchor': 'middle', 'font-size': 9 }, String(v)));
  }
  for (const v of [y0, (y0 + y1) / 2, y1]) {
    const y = T + S - ((v - y0) / (y1 - y0)) * S;
    svg.appendChild(el('line', { x1: L - 4, x2: L, y1: y, y2: y, stroke: '#545b69' }));
    svg.appendChild(el('text', { x: L - 6, y: y + 3, 'text-anchor': 'end', 'font-size': 9 }, String(v)));
  }
  svg.appendChild(el('text', { x: L + S / 2, y: H - 2, 'text-anchor': 'middle', 'font-size': 10, class: 'axis-title' }, 'x₁ (a.u.)'));
  svg.appendChild(el('text', { x: 10, y: T + S / 2, 'text-anchor': 'middle', 'font-size': 10, transform: `rotate(-90 10 ${T + S / 2})`, class: 'axis-title' }, 'x₂ (a.u.)'));
  return svg;
}

/** Draw the 2 x 4 snapshot grid (true on top, estimated below) into `container`. */
export function renderSnapshots(r: SpeedAccuracyNdResult, container: HTMLElement): void {
  const { box, cells, forward, estimated, tOverTau } = r.snapshots;
  container.replaceChildren();
  if (cells === 0) return;
  for (const [row, data, who] of [
    [0, forward, 'true forward marginal P_t'],
    [1, estimated, 'estimated reverse marginal P~_t'],
  ] as const) {
    for (const [k, p] of data.entries()) {
      // one colour scale per time: the true and estimated panels of a column are comparable
      const max = Math.max(...forward[k], ...estimated[k], 1e-300);
      const mass = p.reduce((a, b) => a + b, 0);
      const title = `${row === 0 ? 'Pₜ' : 'P̃ₜ'}, ${TIMES[k] ?? `t/τ = ${tOverTau[k]}`}`;
      const desc = `Heat map of the ${who} at t/tau = ${tOverTau[k].toPrecision(3)} on [${box[0]}, ${box[1]}] x [${box[2]}, ${box[3]}] (a.u.), ${cells} x ${cells} cells; mass inside the box ${mass.toPrecision(3)}.`;
      const fig = document.createElement('figure');
      fig.className = 'nd-snap';
      fig.appendChild(panel(p, box, cells, max, title, desc));
      container.appendChild(fig);
    }
  }
}
