import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { InputError } from '../core/errors.ts';

/**
 * Write a file atomically: write `path.tmp-<pid>` in the same folder, then rename over `path`.
 * Readers never see a partial file, and a crash leaves the old file (or none) in place.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** Read a whole file. @throws InputError naming the path and the OS reason when it cannot be read. */
export function readFileChecked(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code;
    throw new InputError(`cannot read file (${reason})`, path);
  }
}

/** Read and parse a JSON file. @throws InputError for unreadable files and invalid JSON. */
export function readJsonFile(path: string): unknown {
  const text = readFileChecked(path).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`invalid JSON (${(e as Error).message})`, path);
  }
}
