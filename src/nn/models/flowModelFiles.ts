/**
 * Node file I/O for saved models (the format itself is browser-safe, see flowModelFormat.ts;
 * checkpoint files are in ../train/checkpointFiles.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { readFileChecked, readJsonFile, writeFileAtomic } from '../../io/files.ts';
import type { FlowModelMeta } from './flowModel.ts';
import { decodeFlowModel, encodeFlowModel } from './flowModelFormat.ts';

/** Write `dir/weights.bin` then `dir/model.json`, each atomically. */
export function saveFlowModelFiles(dir: string, meta: FlowModelMeta, params: readonly Float32Array[]): void {
  const { json, weights } = encodeFlowModel(meta, params);
  writeFileAtomic(join(dir, 'weights.bin'), weights);
  writeFileAtomic(join(dir, 'model.json'), json);
}

/** Read and validate a saved model folder. @throws InputError for a missing, unreadable or corrupt model. */
export function readFlowModelFiles(dir: string): { meta: FlowModelMeta; params: Float32Array[] } {
  if (!existsSync(join(dir, 'model.json'))) throw new InputError('no model.json here: not a saved thermodiff model', dir);
  const json = readJsonFile(join(dir, 'model.json'));
  const bytes = readFileChecked(join(dir, 'weights.bin'));
  return decodeFlowModel(json, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), dir);
}
