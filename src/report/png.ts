/**
 * PNG output: SVG charts rasterised with resvg (DejaVu Sans / system fonts, white background) and
 * grey-scale image grids (samples, Fashion-MNIST) encoded with pngjs.
 */
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { InputError } from '../core/errors.ts';
import { CHART_FONT } from './charts.ts';

/**
 * Rasterise an SVG document to PNG bytes.
 * @param opts.scale zoom factor (2 gives crisp text for reports). @default 2
 * @throws InputError if `svg` is not an SVG document or scale is not in (0, 10].
 */
export function svgToPng(svg: string, opts: { scale?: number } = {}): Uint8Array {
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && scale <= 10)) throw new InputError(`expected scale in (0, 10], got ${scale}`, 'svgToPng');
  if (typeof svg !== 'string' || !svg.includes('<svg')) throw new InputError('expected an SVG document string', 'svgToPng');
  let r: Resvg;
  try {
    r = new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: scale },
      font: { loadSystemFonts: true, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
    });
  } catch (e) {
    throw new InputError(`could not parse the SVG: ${(e as Error).message}`, 'svgToPng');
  }
  const png = r.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Options of {@link imageGridPng}. */
export interface ImageGridOptions {
  /** Images per row. @default ceil(sqrt(n)) */
  cols?: number;
  /** Integer nearest-neighbour magnification. @default 2 */
  scale?: number;
  /** Gap between images in output pixels. @default 2 */
  pad?: number;
  /** Grey level of the gaps, in [0, 1]. @default 1 (white) */
  padValue?: number;
}

/**
 * Grey-scale grid of n images of h x w pixels (values in [0, 1]: 0 black, 1 white; values outside
 * are clipped) as PNG bytes. images[k*h*w + r*w + c] is pixel (r, c) of image k.
 * @throws InputError if images.length !== n*h*w, a size is not a positive integer, a pixel is NaN,
 *   or an option is out of range.
 */
export function imageGridPng(images: ArrayLike<number>, n: number, h: number, w: number, opts: ImageGridOptions = {}): Uint8Array {
  const where = 'imageGridPng';
  for (const [name, v] of [['n', n], ['h', h], ['w', w]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new InputError(`expected ${name} a positive integer, got ${v}`, where);
  }
  if (images.length !== n * h * w) throw new InputError(`expected n*h*w = ${n * h * w} pixel values, got ${images.length}`, where);
  const cols = opts.cols ?? Math.ceil(Math.sqrt(n));
  const scale = opts.scale ?? 2;
  const pad = opts.pad ?? 2;
  const padValue = opts.padValue ?? 1;
  if (!(Number.isInteger(cols) && cols > 0)) throw new InputError(`expected cols a positive integer, got ${cols}`, where);
  if (!(Number.isInteger(scale) && scale > 0 && scale <= 64)) throw new InputError(`expected scale an integer in [1, 64], got ${scale}`, where);
  if (!(Number.isInteger(pad) && pad >= 0)) throw new InputError(`expected pad an integer >= 0, got ${pad}`, where);
  if (!(padValue >= 0 && padValue <= 1)) throw new InputError(`expected padValue in [0, 1], got ${padValue}`, where);
  const nc = Math.min(cols, n);
  const nr = Math.ceil(n / nc);
  const W = nc * w * scale + (nc + 1) * pad;
  const H = nr * h * scale + (nr + 1) * pad;
  const png = new PNG({ width: W, height: H });
  const data = png.data;
  const padByte = Math.round(padValue * 255);
  for (let i = 0; i < W * H; i++) {
    data[4 * i] = padByte;
    data[4 * i + 1] = padByte;
    data[4 * i + 2] = padByte;
    data[4 * i + 3] = 255;
  }
  for (let k = 0; k < n; k++) {
    const ox = pad + (k % nc) * (w * scale + pad);
    const oy = pad + Math.floor(k / nc) * (h * scale + pad);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const v = images[k * h * w + r * w + c];
        if (Number.isNaN(v)) throw new InputError(`expected pixel values, got NaN in image ${k} at (${r}, ${c})`, where);
        const b = Math.round(Math.min(1, Math.max(0, v)) * 255);
        for (let sy = 0; sy < scale; sy++) {
          let p = 4 * ((oy + r * scale + sy) * W + ox + c * scale);
          for (let sx = 0; sx < scale; sx++, p += 4) {
            data[p] = b;
            data[p + 1] = b;
            data[p + 2] = b;
          }
        }
      }
    }
  }
  const buf = PNG.sync.write(png);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
