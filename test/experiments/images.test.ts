import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { fashionMnistUnavailableReason } from '../../src/data/fashionMnist.ts';
import type { ExperimentContext } from '../../src/experiments/experiment.ts';
import { createImagesExperiment, imagesExperiment, type ImagesSettings, imagesSettings } from '../../src/experiments/images.ts';

const empty = mkdtempSync(join(tmpdir(), 'thermodiff-images-'));
after(() => rmSync(empty, { recursive: true, force: true }));

/** Smaller than the quick preset so the suite stays fast: one tiny model per space. */
function tiny(): ImagesSettings {
  const q = imagesSettings(true);
  return {
    ...q,
    trainImages: 600,
    evalImages: 200,
    pcaSamples: 600,
    latentDim: 6,
    latent: { ...q.latent, schedules: ['cond-ot', 'cosine'], steps: 60, runs: 2, n: 50, odeSteps: 4 },
    pixel: { ...q.pixel!, steps: 20, runs: 2, n: 30, odeSteps: 4 },
    gridSamples: 10,
    stripCount: 2,
  };
}

function context(quick: boolean): { ctx: ExperimentContext; files: Map<string, Uint8Array | string>; progress: number[] } {
  const files = new Map<string, Uint8Array | string>();
  const progress: number[] = [];
  return {
    files,
    progress,
    ctx: {
      seed: 11,
      quick,
      writeFile: (p, c) => files.set(p, c),
      onProgress: (done, total) => progress.push(done / total),
    },
  };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

describe('images experiment', () => {
  it('is registered as `images`, not run by default, and says how to install missing data', async () => {
    assert.equal(imagesExperiment.name, 'images');
    assert.equal(imagesExperiment.runsByDefault, false);
    const missing = createImagesExperiment({ dir: join(empty, 'absent') });
    assert.match(missing.unavailableReason?.() ?? '', /apt-get install -y dataset-fashion-mnist/);
    const { ctx } = context(false);
    await assert.rejects(missing.run(ctx), (e: unknown) => e instanceof InputError && /dataset-fashion-mnist/.test((e as Error).message));
  });

  for (const which of ['installed Fashion-MNIST', 'synthetic fallback'] as const) {
    const skip = which === 'installed Fashion-MNIST' ? fashionMnistUnavailableReason() : false;
    it(`quick run end to end on ${which}: table, eta <= c2 check, PNG grids`, { skip }, async () => {
      const exp = createImagesExperiment({ dir: which === 'synthetic fallback' ? empty : undefined, settings: tiny });
      const { ctx, files, progress } = context(true);
      const out = await exp.run(ctx);
      assert.match(out.reportSection, /^## Real images/);
      assert.match(out.reportSection, /\| space \| schedule \| n_d \| eta \/ n_d \| c2 \/ n_d \| c2 \/ eta \| eta <= c2 \|/);
      assert.match(out.reportSection, /Quick mode/);
      assert.match(out.reportSection, which === 'synthetic fallback' ? /synthetic garment silhouettes/ : /Fashion-MNIST \(/);
      const res = out.results as {
        models: { space: string; schedule: string; nd: number; summary: { etaOverNd: { mean: number }; c2OverNd: { mean: number }; allHold: boolean }; runs: { eta: number; c2: number; holds: boolean }[] }[];
      };
      assert.deepEqual(
        res.models.map((m) => `${m.space} ${m.schedule} ${m.nd}`),
        ['latent cond-ot 6', 'latent cosine 6', 'pixel cond-ot 784'],
      );
      for (const m of res.models) {
        assert.equal(m.runs.length, 2);
        for (const r of m.runs) {
          assert.ok(Number.isFinite(r.eta) && r.eta >= 0 && Number.isFinite(r.c2) && r.c2 > 0, `${m.space} ${m.schedule}: eta ${r.eta}, c2 ${r.c2}`);
          assert.equal(r.holds, r.eta <= r.c2);
        }
        assert.equal(m.summary.allHold, m.runs.every((r) => r.holds));
      }
      for (const name of ['data', 'pca-reconstruction', 'samples-latent-cond-ot', 'samples-latent-cosine', 'samples-pixel-cond-ot', 'strips-latent-cond-ot', 'strips-pixel-cond-ot', 'kinetic', 'eta-c2']) {
        const f = files.get(`images/${name}.png`);
        assert.ok(f instanceof Uint8Array, `images/${name}.png written`);
        assert.deepEqual(Array.from(f.subarray(0, 4)), PNG_SIGNATURE);
        assert.ok(out.reportSection.includes(`images/${name}.png`), `${name}.png referenced in the report`);
      }
      assert.ok(progress.length > 3 && progress.every((p) => p >= 0 && p <= 1));
    });
  }
});
