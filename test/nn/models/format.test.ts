import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initParams } from '../../../src/nn/models/engine.ts';
import type { FlowModelMeta } from '../../../src/nn/models/flowModel.ts';
import { decodeFlowModel, encodeFlowModel } from '../../../src/nn/models/flowModelFormat.ts';
import { loadFlowModel } from '../../../src/nn/models/loadFlowModel.ts';
import { mlpSizes } from '../../../src/nn/models/mlpSizes.ts';
import { OnnxFlowModel } from '../../../src/nn/models/onnxFlowModel.ts';
import { tsFlowModel } from '../../../src/nn/models/tsFlowModel.ts';
import { expectClose, TEST_SEED } from '../../support/expectClose.ts';

const tmp = mkdtempSync(join(tmpdir(), 'thermodiff-nnfmt-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const meta: FlowModelMeta = { dim: 2, tau: 1, scheduleName: 'cond-ot', hidden: [6, 5], source: 'gaussian', training: { steps: 0 } };
const params = initParams(mlpSizes(2, [6, 5]), TEST_SEED);

test('model format round-trips bit-exactly and little-endian', () => {
  const { json, weights } = encodeFlowModel(meta, params);
  const view = new DataView(weights.buffer);
  assert.equal(view.getFloat32(0, true), params[0][0]);
  const back = decodeFlowModel(JSON.parse(json), weights);
  assert.deepEqual(back.meta.hidden, [6, 5]);
  for (let i = 0; i < params.length; i++) assert.deepEqual(back.params[i], params[i]);
});

test('corrupt, truncated and foreign model files give InputErrors naming the problem', () => {
  const { json, weights } = encodeFlowModel(meta, params);
  const h = JSON.parse(json);
  const flipped = weights.slice();
  flipped[10] ^= 1;
  assert.throws(() => decodeFlowModel(h, flipped, 'm'), /m: weights.bin checksum .* the file is corrupt/);
  assert.throws(() => decodeFlowModel(h, weights.subarray(0, weights.length - 4), 'm'), /truncated or wrong file/);
  assert.throws(() => decodeFlowModel({ ...h, version: 9 }, weights, 'm'), /expected version 1, got 9/);
  assert.throws(() => decodeFlowModel({ ...h, format: 'onnx' }, weights, 'm'), /expected format/);
  assert.throws(() => decodeFlowModel({ ...h, hidden: [6, -5] }, weights, 'm'), /m\.hidden/);
});

test('saved model loads in Node (onnxruntime) and through the browser-safe TS path with equal velocities', async () => {
  const m = await OnnxFlowModel.create(meta, params);
  const dir = join(tmp, 'model');
  await m.save(dir);
  const loaded = await loadFlowModel(dir);
  const { meta: m2, params: p2 } = decodeFlowModel(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), new Uint8Array(readFileSync(join(dir, 'weights.bin'))));
  const browser = tsFlowModel(m2, p2);
  const rng = new Rng(1);
  const n = 17;
  const x = new Float32Array(n * 2).map(() => rng.normal());
  const a = await loaded.velocity(0.3, x, n);
  const b = await browser.velocity(0.3, x, n);
  // float32 network (ORT) vs float64 accumulation (TS): O(1) values, fan-in <= 6
  for (let i = 0; i < a.length; i++) expectClose(a[i], b[i], { atol: 2e-6 }, `velocity ${i}`);
});

test('loadFlowModel: missing folder and corrupt weights are InputErrors', async () => {
  await assert.rejects(loadFlowModel(join(tmp, 'nothing')), (e: Error) => e instanceof InputError && /not a saved thermodiff model/.test(e.message));
  const dir = join(tmp, 'bad');
  await (await OnnxFlowModel.create(meta, params)).save(dir);
  const w = readFileSync(join(dir, 'weights.bin'));
  writeFileSync(join(dir, 'weights.bin'), w.subarray(0, 12));
  await assert.rejects(loadFlowModel(dir), /truncated or wrong file/);
});
