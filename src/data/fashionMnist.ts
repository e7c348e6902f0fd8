import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../core/errors.ts';
import { parseIdx } from './idx.ts';
import type { ImageSet } from './imageSet.ts';

/**
 * Node-only loader (file I/O) for Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 70,000 28x28
 * grey-scale images of 10 garment classes, 60,000 for training and 10,000 for testing.
 *
 * Where the files are looked for, first match wins:
 * 1. the `dir` option;
 * 2. the environment variable `THERMODIFF_FASHION_MNIST_DIR`;
 * 3. `/usr/share/datasets/fashion-mnist/`, where Debian's package `dataset-fashion-mnist` puts them.
 *
 * Each split is a pair of IDX files, `<split>-images-idx3-ubyte` and `<split>-labels-idx1-ubyte`
 * (`split` is `train` or `t10k`), gzip-compressed (`.gz`, as shipped) or plain.
 */

/** Default folder of Debian's `dataset-fashion-mnist`. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';
/** Environment variable that overrides the folder. */
export const FASHION_MNIST_ENV = 'THERMODIFF_FASHION_MNIST_DIR';
/** Fashion-MNIST class names, indexed by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

const INSTALL_HINT =
  'install with: apt-get install -y dataset-fashion-mnist (Debian) or set THERMODIFF_FASHION_MNIST_DIR';

/** Options of {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  /** `train` (60,000 images) or `test` (10,000). @default 'train' */
  split?: 'train' | 'test';
  /** Folder holding the IDX files. @default env THERMODIFF_FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist */
  dir?: string;
  /** Keep only the first `limit` images. @default all */
  limit?: number;
}

/** The folder the loader will use: `dir`, else the environment variable, else the Debian default. */
export function fashionMnistDir(dir?: string): string {
  if (dir !== undefined && dir !== '') return dir;
  const env = process.env[FASHION_MNIST_ENV];
  if (env !== undefined && env !== '') return env;
  return FASHION_MNIST_DEFAULT_DIR;
}

function filePath(dir: string, stem: string): string | undefined {
  for (const name of [`${stem}.gz`, stem]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function stems(split: 'train' | 'test'): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/**
 * Why Fashion-MNIST cannot be loaded from the resolved folder (missing folder or file, with the
 * install hint), or `undefined` when both files of the split exist. Does not parse the files.
 */
export function fashionMnistUnavailableReason(opts: { dir?: string; split?: 'train' | 'test' } = {}): string | undefined {
  const dir = fashionMnistDir(opts.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return `Fashion-MNIST not found: no folder ${dir}; ${INSTALL_HINT}`;
  }
  const s = stems(opts.split ?? 'train');
  for (const stem of [s.images, s.labels]) {
    if (filePath(dir, stem) === undefined) {
      return `Fashion-MNIST not found: no ${stem}.gz in ${dir}; ${INSTALL_HINT}`;
    }
  }
  return undefined;
}

function readIdxFile(path: string): ReturnType<typeof parseIdx> {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  let bytes: Uint8Array = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw new InputError(`not a valid gzip file (${(e as Error).message})`, path);
    }
  } else if (path.endsWith('.gz')) {
    throw new InputError('not a valid gzip file (missing gzip magic bytes 1f 8b)', path);
  }
  return parseIdx(bytes, path);
}

/**
 * Load a split of Fashion-MNIST (see the module comment for where files are looked for).
 *
 * @returns an {@link ImageSet} with n x 28 x 28 uint8 images and labels 0..9.
 * @throws InputError when the folder or a file is missing (the message says how to install the
 *   dataset), a file is not valid gzip, the IDX content is malformed (see `parseIdx`), the
 *   images are not a 3-D uint8 array, the labels are not a 1-D uint8 array of the same count, a
 *   label is > 9, or `limit` is not an integer in [1, n].
 */
export function loadFashionMnist(opts: FashionMnistOptions = {}): ImageSet {
  const split = opts.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new InputError(`expected split 'train' or 'test', got ${JSON.stringify(split)}`, 'fashion-mnist');
  }
  const reason = fashionMnistUnavailableReason({ dir: opts.dir, split });
  if (reason !== undefined) throw new InputError(reason, 'fashion-mnist');
  const dir = fashionMnistDir(opts.dir);
  const s = stems(split);
  const imgPath = filePath(dir, s.images)!;
  const lblPath = filePath(dir, s.labels)!;
  const img = readIdxFile(imgPath);
  if (img.type !== 'uint8' || img.dims.length !== 3) {
    throw new InputError(
      `expected a 3-D uint8 image array [n, rows, cols], got ${img.dims.length}-D ${img.type} [${img.dims.join(', ')}]`,
      imgPath,
    );
  }
  const lbl = readIdxFile(lblPath);
  if (lbl.type !== 'uint8' || lbl.dims.length !== 1) {
    throw new InputError(
      `expected a 1-D uint8 label array [n], got ${lbl.dims.length}-D ${lbl.type} [${lbl.dims.join(', ')}]`,
      lblPath,
    );
  }
  const [nAll, height, width] = img.dims;
  if (lbl.dims[0] !== nAll) {
    throw new InputError(`expected ${nAll} labels to match ${imgPath}, got ${lbl.dims[0]}`, lblPath);
  }
  const labelsAll = lbl.data as Uint8Array;
  for (let i = 0; i < nAll; i++) {
    if (labelsAll[i] > 9) throw new InputError(`expected labels 0..9, got ${labelsAll[i]} at index ${i}`, lblPath);
  }
  const n = opts.limit ?? nAll;
  if (!Number.isInteger(n) || n < 1 || n > nAll) {
    throw new InputError(`expected limit an integer in [1, ${nAll}], got ${opts.limit}`, 'fashion-mnist');
  }
  return {
    images: (img.data as Uint8Array).slice(0, n * height * width),
    labels: labelsAll.slice(0, n),
    n,
    height,
    width,
    classNames: FASHION_MNIST_CLASSES,
    source: dir,
  };
}
