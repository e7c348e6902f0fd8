/**
 * Safe outputs of the CLI commands.
 *
 * - {@link checkOutputs}, before any work: every output location can be written (its folder exists
 *   or can be created, it is not a folder when a file is expected), no output is one of the inputs
 *   (same file after resolving symbolic links), and no two outputs are the same.
 * - {@link OutputSet}: the outputs of one run written as a set: each goes to a temporary file next
 *   to its destination, and only when all are complete are they renamed into place. On an error,
 *   SIGINT or SIGTERM the temporary files (and folders the set created) are removed, so a failed
 *   run leaves nothing behind and never half a result.
 */
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.ts';

/** An output location: a file, or a folder (with the names of the files the command writes into it, when known). */
export interface OutputSpec {
  /** The flag (or config key) that names it, for messages, e.g. `--out`. */
  flag: string;
  path: string;
  kind?: 'file' | 'dir';
  /** For a folder: the files written into it (checked against the inputs and the other outputs). */
  files?: readonly string[];
}

/** An input file of the run (config, model file, schedule file, data). */
export interface InputSpec {
  flag: string;
  path: string;
}

/** `path` with symbolic links of its longest existing prefix resolved (so two spellings of one file compare equal). */
export function canonicalPath(path: string): string {
  let p = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      const up = dirname(p);
      if (up === p) return join(p, ...rest.reverse());
      rest.push(basename(p));
      p = up;
    }
  }
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? 'error';
}

/** @throws UsageError unless a file can be created or replaced at `path`. */
function checkWritableFile(o: OutputSpec, path: string): void {
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new UsageError(`${o.flag}: expected a file path, got an existing folder: ${o.path}`);
  }
  checkWritableFolder(o, dirname(path));
}

/** @throws UsageError unless `dir` is (or can become) a folder we can create files in. */
function checkWritableFolder(o: OutputSpec, dir: string): void {
  let d = resolve(dir);
  while (!existsSync(d)) {
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(d);
  } catch (e) {
    throw new UsageError(`${o.flag}: cannot use the output location ${o.path} (${code(e)})`);
  }
  if (!st.isDirectory()) throw new UsageError(`${o.flag}: cannot write ${o.path}: ${d} is a file, not a folder`);
  try {
    accessSync(d, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new UsageError(`${o.flag}: cannot write ${o.path}: folder ${d} is not writable (${code(e)})`);
  }
}

/**
 * Check every output location before any work starts.
 * @throws UsageError (one line, naming the flags) when an output cannot be written, is an input, or
 *   two outputs are the same location.
 */
export function checkOutputs(outputs: readonly OutputSpec[], inputs: readonly InputSpec[] = []): void {
  const inputPaths = inputs.map((i) => ({ ...i, canon: canonicalPath(i.path) }));
  const written: { flag: string; shown: string; canon: string }[] = [];
  for (const o of outputs) {
    const canon = canonicalPath(o.path);
    if (o.kind === 'dir') {
      if (existsSync(canon) && !statSync(canon).isDirectory()) throw new UsageError(`${o.flag}: expected a folder, got an existing file: ${o.path}`);
      checkWritableFolder(o, canon);
      written.push({ flag: o.flag, shown: o.path, canon });
      for (const f of o.files ?? []) written.push({ flag: o.flag, shown: join(o.path, f), canon: join(canon, f) });
    } else {
      checkWritableFile(o, canon);
      written.push({ flag: o.flag, shown: o.path, canon });
    }
  }
  for (const w of written) {
    const same = inputPaths.find((i) => i.canon === w.canon);
    if (same) throw new UsageError(`${w.flag}: refusing to overwrite the input ${same.flag} ${same.path}`);
  }
  for (let i = 0; i < written.length; i++) {
    for (let j = i + 1; j < written.length; j++) {
      if (written[i].canon === written[j].canon && written[i].flag !== written[j].flag) {
        throw new UsageError(`${written[j].flag}: the same location as ${written[i].flag} (${written[j].shown})`);
      }
    }
  }
}

/** A file being written by {@link OutputSet.stream}: append bytes, then {@link OutputStream.close}. */
export interface OutputStream {
  write(bytes: Uint8Array): void;
  close(): void;
}

interface Staged {
  path: string;
  tmp: string;
  fd: number | null;
}

/**
 * The outputs of one run, written as a set (see the module comment). Use through
 * {@link writeOutputs}, which commits on success and cleans up on error and on SIGINT/SIGTERM.
 */
export class OutputSet {
  private readonly staged: Staged[] = [];
  private readonly createdDirs: string[] = [];
  private done = false;

  private makeDirs(dir: string): void {
    const missing: string[] = [];
    let d = resolve(dir);
    while (!existsSync(d)) {
      missing.push(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
    for (const m of missing.reverse()) {
      try {
        mkdirSync(m);
      } catch (e) {
        throw new UsageError(`cannot create the folder ${m} (${code(e)})`);
      }
      this.createdDirs.push(m);
    }
  }

  private stage(path: string): Staged {
    if (this.done) throw new Error('OutputSet: already committed or aborted');
    const abs = resolve(path);
    this.makeDirs(dirname(abs));
    const s: Staged = { path: abs, tmp: join(dirname(abs), `.${basename(abs)}.tmp-${process.pid}`), fd: null };
    this.staged.push(s);
    try {
      s.fd = openSync(s.tmp, 'w');
    } catch (e) {
      throw new UsageError(`cannot write ${abs} (${code(e)})`);
    }
    return s;
  }

  /** Open a temporary file for `path` that is filled piece by piece (bounded memory). */
  stream(path: string): OutputStream {
    const s = this.stage(path);
    return {
      write: (bytes) => {
        if (s.fd === null) throw new Error('OutputStream: closed');
        let off = 0;
        try {
          while (off < bytes.length) off += writeSync(s.fd, bytes, off, bytes.length - off);
        } catch (e) {
          throw new UsageError(`cannot write ${s.path} (${code(e)})`);
        }
      },
      close: () => {
        if (s.fd !== null) closeSync(s.fd);
        s.fd = null;
      },
    };
  }

  /** Write the whole content of `path` (to its temporary file). */
  write(path: string, content: string | Uint8Array): void {
    const w = this.stream(path);
    w.write(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    w.close();
  }

  /** Rename every temporary file into place. */
  commit(): void {
    if (this.done) return;
    for (const s of this.staged) if (s.fd !== null) closeSync(s.fd);
    try {
      for (const s of this.staged) {
        renameSync(s.tmp, s.path);
        s.fd = -1; // renamed
      }
    } catch (e) {
      this.abort();
      throw new UsageError(`cannot write the outputs (${code(e)})`);
    }
    this.done = true;
  }

  /** Remove every temporary file not yet renamed and the folders this set created (when empty). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    for (const s of this.staged) {
      if (s.fd === -1) continue;
      try {
        if (s.fd !== null) closeSync(s.fd);
      } catch {
        // already closed
      }
      rmSync(s.tmp, { force: true });
    }
    for (const d of this.createdDirs.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // not empty (another writer) or gone: leave it
      }
    }
  }
}

/**
 * Run `fn` with a fresh {@link OutputSet}; commit when it returns, abort when it throws. While it
 * runs, SIGINT and SIGTERM remove the temporary files and then end the process with the signal's
 * usual exit code (130, 143).
 */
export async function writeOutputs<T>(fn: (out: OutputSet) => Promise<T> | T): Promise<T> {
  const set = new OutputSet();
  const onSignal = (sig: NodeJS.Signals) => {
    set.abort();
    process.stderr.write(`thermodiff: ${sig}: stopped, nothing written\n`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const r = await fn(set);
    set.commit();
    return r;
  } catch (e) {
    set.abort();
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
