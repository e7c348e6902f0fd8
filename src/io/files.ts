import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';

/**
 * Create `dir` and its missing parents, one level at a time. (Node 20's recursive mkdir never
 * returns for some paths, e.g. under /proc, so it is not used.)
 * @throws InputError naming the folder and the OS reason when it cannot be created or is a file.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  if (existsSync(d) && !statSync(d).isDirectory()) throw new InputError('expected a folder, found a file', d);
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      throw new InputError(`cannot create the folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`, m);
    }
  }
}

/**
 * Write a file atomically: write `.name.tmp-<pid>` in the same folder, then rename over `path`.
 * Readers never see a partial file, and a crash leaves the old file (or none) in place.
 * @throws InputError naming the path and the OS reason when the folder or the file cannot be written.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  makeDirs(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(`cannot write the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
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
