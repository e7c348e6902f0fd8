/**
 * Node file I/O for saved models and checkpoints (the formats themselves are browser-safe, see
 * flowModelFormat.ts and checkpointFormat.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readFileChecked, readJsonFile, writeFileAtomic } from '../../io/files.ts';
import { InputError } from '../../core/errors.ts';
import { decodeCheckpoint, encodeCheckpoint, type TrainState } from '../train/checkpointFormat.ts';
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

/** Write a checkpoint file atomically (temp file + rename). */
export function writeCheckpointFile(path: string, state: TrainState): void {
  writeFileAtomic(path, encodeCheckpoint(state));
}

/** Read a checkpoint. @throws InputError if it is missing, truncated or corrupt. */
export function readCheckpointFile(path: string): TrainState {
  const bytes = readFileChecked(path);
  return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
