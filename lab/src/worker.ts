/**
 * Compute worker: parses the config with the library's own parser and runs speedAccuracy1d with its
 * defaults (the same call as `thermodiff speed-accuracy`), posting progress at most every 50 ms.
 */
import { InputError, parseSpeedAccuracyConfig, speedAccuracy1d } from '../../src/index.ts';
import type { CompareRow, RunRequest, WorkerMessage } from './protocol.ts';

interface WorkerScope {
  onmessage: ((e: MessageEvent<RunRequest>) => void) | null;
  postMessage(message: WorkerMessage): void;
}
const scope = self as unknown as WorkerScope;

function compare(configs: unknown[]): CompareRow[] {
  return configs.map((c) => {
    const protocol = String((c as { schedule?: unknown }).schedule);
    try {
      const r = speedAccuracy1d(parseSpeedAccuracyConfig(c));
      return { protocol, eta: r.eta, c1: r.c1, c2: r.c2 };
    } catch (err) {
      return { protocol, eta: Number.NaN, c1: Number.NaN, c2: Number.NaN, error: err instanceof Error ? err.message : String(err) };
    }
  });
}

scope.onmessage = (e) => {
  const req = e.data;
  const { id } = req;
  const t0 = performance.now();
  if (req.kind === 'compare') {
    scope.postMessage({ id, kind: 'compare', rows: compare(req.configs), ms: performance.now() - t0 });
    return;
  }
  const { config } = req;
  let last = t0;
  try {
    const parsed = parseSpeedAccuracyConfig(config);
    const result = speedAccuracy1d(parsed, {
      onProgress: (done, total) => {
        const now = performance.now();
        if (now - last >= 50 || done === total) {
          last = now;
          scope.postMessage({ id, kind: 'progress', done, total });
        }
      },
    });
    scope.postMessage({ id, kind: 'result', result, ms: performance.now() - t0 });
  } catch (err) {
    const inputError = err instanceof InputError;
    const message = err instanceof Error ? err.message : String(err);
    scope.postMessage({ id, kind: 'error', message, where: inputError ? (err.where ?? null) : null, inputError });
  }
};
