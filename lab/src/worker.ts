/**
 * Compute worker: parses the config with the library's own parser and runs speedAccuracy1d with its
 * defaults (the same call as `thermodiff speed-accuracy`), posting progress at most every 50 ms.
 */
import { InputError, parseSpeedAccuracyConfig, speedAccuracy1d } from '../../src/index.ts';
import type { RunRequest, WorkerMessage } from './protocol.ts';

interface WorkerScope {
  onmessage: ((e: MessageEvent<RunRequest>) => void) | null;
  postMessage(message: WorkerMessage): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => {
  const { id, config } = e.data;
  const t0 = performance.now();
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
