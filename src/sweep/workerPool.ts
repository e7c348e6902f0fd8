/**
 * A pool of long-lived workers (threads or child processes) running one task module, shared by
 * `thermodiff sweep` and `thermodiff reproduce --jobs`. Works from the TypeScript sources (tsx) and
 * from the built JavaScript.
 */
import { Tinypool } from 'tinypool';

/** execArgv for worker processes: the parent's, with any tsx loader replaced by `--import tsx/esm` when running TypeScript sources. */
function childExecArgv(ts: boolean): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if ((a === '--import' || a === '--require' || a === '--loader' || a === '-r') && /tsx/.test(argv[i + 1] ?? '')) {
      i++;
      continue;
    }
    if (/tsx/.test(a)) continue;
    out.push(a);
  }
  if (ts) out.push('--import', import.meta.resolve('tsx/esm'));
  return out;
}

/**
 * A Tinypool of exactly `workers` workers whose task function is the default export of the module at
 * `entry` (a file URL; a `.ts` entry is loaded through tsx). Workers stay alive until `destroy()`.
 */
export function makeWorkerPool(entry: string, kind: 'threads' | 'processes', workers: number): Tinypool {
  const ts = entry.endsWith('.ts');
  let filename = entry;
  if (kind === 'threads' && ts) {
    // worker threads do not run the parent's --import hooks: register tsx first, then load the task module
    const api = import.meta.resolve('tsx/esm/api');
    const boot = `import { register } from ${JSON.stringify(api)}; register(); const m = await import(${JSON.stringify(entry)}); export default m.default;`;
    filename = `data:text/javascript,${encodeURIComponent(boot)}`;
  }
  return new Tinypool({
    filename,
    runtime: kind === 'threads' ? 'worker_threads' : 'child_process',
    minThreads: workers,
    maxThreads: workers,
    isolateWorkers: false,
    idleTimeout: 2 ** 31 - 1,
    ...(kind === 'processes' ? { execArgv: childExecArgv(ts) } : {}),
  });
}
