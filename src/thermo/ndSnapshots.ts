import type { NdFlow } from './ndFlow.ts';

/**
 * Probability per cell from the flow's forward density at the cell centres (times the cell area),
 * or null when the flow has no density or the grid does not resolve it (captured mass < 0.97,
 * e.g. point masses near t = 0).
 */
export function densityGrid(flow: NdFlow, t: number, box: readonly number[], cells: number): number[] | null {
  if (!flow.logDensity) return null;
  const [x0, x1, y0, y1] = box;
  const hx = (x1 - x0) / cells;
  const hy = (y1 - y0) / cells;
  const pts = new Float64Array(2 * cells * cells);
  for (let j = 0; j < cells; j++) {
    for (let i = 0; i < cells; i++) {
      pts[2 * (j * cells + i)] = x0 + (i + 0.5) * hx;
      pts[2 * (j * cells + i) + 1] = y0 + (j + 0.5) * hy;
    }
  }
  let lp: Float64Array;
  try {
    lp = flow.logDensity(t, pts, cells * cells);
  } catch {
    return null; // singular (point masses at t = 0)
  }
  const out = Array.from(lp, (l) => Math.exp(l) * hx * hy);
  const mass = out.reduce((a, b) => a + b, 0);
  return Math.abs(mass - 1) < 0.03 ? out : null;
}

/** Probability per cell of a weighted 2-D point cloud on a box (points outside are dropped). */
export function histogram2d(x: Float64Array, w: Float64Array, box: readonly number[], cells: number): number[] {
  const [x0, x1, y0, y1] = box;
  const h = new Array<number>(cells * cells).fill(0);
  for (let i = 0; i < w.length; i++) {
    const ix = Math.floor(((x[2 * i] - x0) / (x1 - x0)) * cells);
    const iy = Math.floor(((x[2 * i + 1] - y0) / (y1 - y0)) * cells);
    if (ix >= 0 && ix < cells && iy >= 0 && iy < cells) h[iy * cells + ix] += w[i];
  }
  return h;
}
