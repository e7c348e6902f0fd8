import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import {
  FASHION_MNIST_ENV,
  fashionMnistDir,
  fashionMnistUnavailableReason,
  loadFashionMnist,
} from '../../src/data/fashionMnist.ts';
import { encodeIdx } from '../../src/data/idx.ts';
import { imagesToPoints, pixelsToUnit } from '../../src/data/imageSet.ts';
import { SYNTHETIC_GARMENT_CLASSES, syntheticGarmentImages } from '../../src/data/syntheticImages.ts';
import { TEST_SEED } from '../support/expectClose.ts';

const realReason = fashionMnistUnavailableReason();
const tmp = mkdtempSync(join(tmpdir(), 'thermodiff-fmnist-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Write a tiny Fashion-MNIST-shaped folder (gzip IDX files) and return its path. */
function writeFolder(
  name: string,
  opts: { images?: Uint8Array; labels?: Uint8Array; imgDims?: number[]; lblDims?: number[]; gzip?: boolean } = {},
): string {
  const dir = join(tmp, name);
  const n = 3;
  const images = opts.images ?? encodeIdx('uint8', opts.imgDims ?? [n, 4, 5], Array.from({ length: n * 20 }, (_, i) => i));
  const labels = opts.labels ?? encodeIdx('uint8', opts.lblDims ?? [n], [9, 0, 4]);
  const gz = opts.gzip ?? true;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `train-images-idx3-ubyte${gz ? '.gz' : ''}`), gz ? gzipSync(images) : images);
  writeFileSync(join(dir, `train-labels-idx1-ubyte${gz ? '.gz' : ''}`), gz ? gzipSync(labels) : labels);
  return dir;
}

function rejects(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && re.test(e.message));
}

describe('loadFashionMnist on the installed dataset', () => {
  it('reads train 60000x28x28 with 6000 images per class and test 10000', { skip: realReason }, () => {
    const train = loadFashionMnist();
    assert.equal(train.n, 60000);
    assert.equal(train.height, 28);
    assert.equal(train.width, 28);
    assert.equal(train.images.length, 60000 * 784);
    const counts = new Array(10).fill(0);
    for (const l of train.labels) counts[l]++;
    assert.deepEqual(counts, new Array(10).fill(6000));
    // Published facts about the dataset: the first training image is an ankle boot (label 9) and the
    // training pixel mean is 0.2860 (Xiao et al. 2017 / torchvision normalisation constant), to 4 digits.
    assert.equal(train.labels[0], 9);
    assert.equal(train.classNames[train.labels[0]], 'Ankle boot');
    let sum = 0;
    for (const v of train.images) sum += v;
    assert.ok(Math.abs(sum / train.images.length / 255 - 0.286) < 5e-4, `pixel mean ${sum / train.images.length / 255}`);
    const test = loadFashionMnist({ split: 'test', limit: 10 });
    assert.equal(test.n, 10);
    assert.equal(test.images.length, 7840);
    assert.equal(loadFashionMnist({ split: 'test' }).n, 10000);
  });
});

describe('loadFashionMnist on crafted files', () => {
  it('loads gzip and plain IDX files through the dir option', () => {
    for (const gzip of [true, false]) {
      const dir = writeFolder(`ok-${gzip}`, { gzip });
      const s = loadFashionMnist({ dir });
      assert.equal(s.n, 3);
      assert.equal(s.height, 4);
      assert.equal(s.width, 5);
      assert.deepEqual(Array.from(s.labels), [9, 0, 4]);
      assert.equal(s.images[59], 59);
      assert.equal(s.source, dir);
      assert.equal(loadFashionMnist({ dir, limit: 2 }).images.length, 40);
    }
  });

  it('uses THERMODIFF_FASHION_MNIST_DIR when no dir option is given, and the option wins over it', () => {
    const dir = writeFolder('env');
    const old = process.env[FASHION_MNIST_ENV];
    process.env[FASHION_MNIST_ENV] = dir;
    try {
      assert.equal(fashionMnistDir(), dir);
      assert.equal(loadFashionMnist().n, 3);
      assert.equal(fashionMnistDir('/elsewhere'), '/elsewhere');
    } finally {
      if (old === undefined) delete process.env[FASHION_MNIST_ENV];
      else process.env[FASHION_MNIST_ENV] = old;
    }
    assert.equal(fashionMnistDir(), old ?? '/usr/share/datasets/fashion-mnist');
  });

  it('tells the user how to install the dataset when the folder or a file is missing', () => {
    const hint = /apt-get install -y dataset-fashion-mnist \(Debian\) or set THERMODIFF_FASHION_MNIST_DIR/;
    rejects(() => loadFashionMnist({ dir: join(tmp, 'nope') }), hint);
    assert.match(fashionMnistUnavailableReason({ dir: join(tmp, 'nope') }) ?? '', /no folder/);
    const dir = writeFolder('no-test');
    rejects(() => loadFashionMnist({ dir, split: 'test' }), /no t10k-images-idx3-ubyte.gz in/);
    assert.equal(fashionMnistUnavailableReason({ dir }), undefined);
  });

  it('rejects bad gzip, truncated gzip and malformed IDX content with the file path', () => {
    const garbage = writeFolder('garbage');
    writeFileSync(join(garbage, 'train-images-idx3-ubyte.gz'), Uint8Array.from([1, 2, 3, 4]));
    rejects(() => loadFashionMnist({ dir: garbage }), /train-images-idx3-ubyte\.gz: not a valid gzip file \(missing gzip magic/);

    const cut = writeFolder('cut');
    const full = gzipSync(encodeIdx('uint8', [3, 4, 5], new Array(60).fill(7)));
    writeFileSync(join(cut, 'train-images-idx3-ubyte.gz'), full.subarray(0, full.length - 10));
    rejects(() => loadFashionMnist({ dir: cut }), /not a valid gzip file/);

    const truncated = writeFolder('truncated', { images: encodeIdx('uint8', [3, 4, 5], new Array(60).fill(1)).subarray(0, 50) });
    rejects(() => loadFashionMnist({ dir: truncated }), /truncated IDX file/);

    const magic = writeFolder('magic', { images: Uint8Array.from([8, 0, 0, 1, 0, 0, 0, 0]) });
    rejects(() => loadFashionMnist({ dir: magic }), /expected an IDX magic number/);
  });

  it('rejects wrong dimensions, types, label counts and label values', () => {
    rejects(() => loadFashionMnist({ dir: writeFolder('img2d', { imgDims: [3, 20] }) }), /expected a 3-D uint8 image array .* got 2-D uint8 \[3, 20\]/);
    rejects(
      () => loadFashionMnist({ dir: writeFolder('imgf32', { images: encodeIdx('float32', [1, 2, 2], [0, 0, 0, 0]) }) }),
      /got 3-D float32/,
    );
    rejects(
      () => loadFashionMnist({ dir: writeFolder('lbl2d', { labels: encodeIdx('uint8', [3, 1], [1, 2, 3]) }) }),
      /expected a 1-D uint8 label array \[n\], got 2-D/,
    );
    rejects(
      () => loadFashionMnist({ dir: writeFolder('lblcount', { labels: encodeIdx('uint8', [2], [1, 2]) }) }),
      /expected 3 labels to match .* got 2/,
    );
    rejects(
      () => loadFashionMnist({ dir: writeFolder('lblval', { labels: encodeIdx('uint8', [3], [1, 10, 2]) }) }),
      /expected labels 0\.\.9, got 10 at index 1/,
    );
    const dir = writeFolder('limits');
    rejects(() => loadFashionMnist({ dir, limit: 0 }), /limit an integer in \[1, 3\], got 0/);
    rejects(() => loadFashionMnist({ dir, limit: 4 }), /got 4/);
    rejects(() => loadFashionMnist({ dir, split: 'val' as 'test' }), /split 'train' or 'test'/);
  });
});

describe('syntheticGarmentImages(n, rng)', () => {
  it('is deterministic under a seed and draws non-empty garments of every class', () => {
    const a = syntheticGarmentImages(200, new Rng(TEST_SEED));
    const b = syntheticGarmentImages(200, new Rng(TEST_SEED));
    assert.deepEqual(a.images, b.images);
    assert.deepEqual(a.labels, b.labels);
    assert.equal(a.images.length, 200 * 784);
    const counts = new Array(SYNTHETIC_GARMENT_CLASSES.length).fill(0);
    for (const l of a.labels) counts[l]++;
    // 200 draws over 5 classes: each count is Binomial(200, 0.2), mean 40, sd 5.7; > 10 is a 5-sd band.
    for (const c of counts) assert.ok(c > 10, `class counts ${counts}`);
    for (let i = 0; i < 200; i++) {
      let on = 0;
      for (let p = 0; p < 784; p++) if (a.images[i * 784 + p] > 0) on++;
      // Every silhouette covers a visible but partial area of the frame.
      assert.ok(on > 40 && on < 600, `image ${i} has ${on} lit pixels`);
    }
    const c = syntheticGarmentImages(5, new Rng(TEST_SEED + 1), { height: 12, width: 10 });
    assert.equal(c.images.length, 5 * 120);
  });

  it('rejects invalid sizes', () => {
    rejects(() => syntheticGarmentImages(0, new Rng(1)), /syntheticGarmentImages\.n/);
    rejects(() => syntheticGarmentImages(3, new Rng(1), { height: 4 }), /height/);
  });

  it('imagesToPoints maps 0..255 to [lo, hi] and pixelsToUnit inverts it with clamping', () => {
    const s = syntheticGarmentImages(3, new Rng(2));
    const p = imagesToPoints(s, { limit: 2 });
    assert.equal(p.n, 2);
    assert.equal(p.dim, 784);
    for (let i = 0; i < p.data.length; i++) {
      // exact up to float rounding of v * 2/255 - 1
      assert.ok(Math.abs(p.data[i] - ((s.images[i] / 255) * 2 - 1)) < 1e-12);
    }
    const u = pixelsToUnit([-1, 0, 1, 3, -5]);
    assert.deepEqual(Array.from(u), [0, 0.5, 1, 1, 0]);
    rejects(() => imagesToPoints(s, { limit: 4 }), /limit an integer in \[1, 3\]/);
    rejects(() => imagesToPoints(s, { lo: 1, hi: 1 }), /lo < hi/);
  });
});
