/**
 * Node file I/O for training checkpoints (the format itself is browser-safe, see
 * checkpointFormat.ts).
 */
import { readFileChecked, writeFileAtomic } from '../../io/files.ts';
import { decodeCheckpoint, encodeCheckpoint, type TrainState } from './checkpointFormat.ts';

/** Write a checkpoint file atomically (temp file + rename). */
export function writeCheckpointFile(path: string, state: TrainState): void {
  writeFileAtomic(path, encodeCheckpoint(state));
}

/** Read a checkpoint. @throws InputError if it is missing, truncated or corrupt. */
export function readCheckpointFile(path: string): TrainState {
  const bytes = readFileChecked(path);
  return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
