/**
 * Compute worker of the 2-D tab: parses the config with the library's n-D parser and runs
 * runSpeedAccuracyNd with the config's settings (the same calls as `thermodiff speed-accuracy`),
 * posting progress at most every 100 ms (and every change of stage), then the result with the
 * library's own error of each number (ndErrors.ts). A superseded or stopped run is ended by
 * terminating the worker (synchronous work cannot be interrupted otherwise).
 */
import { InputError, parseSpeedAccuracyNdConfig, runSpeedAccuracyNd, type SpeedAccuracyNdResult } from '../../src/index.ts';
import { libraryErrors } from './ndErrors.ts';
import type { NdRequest, NdWorkerMessage } from './ndProtocol.ts';

interface WorkerScope {
  onmessage: ((e: MessageEvent<NdRequest>) => void) | null;
  postMessage(message: NdWorkerMessage): void;
}
const scope = self as unknown as WorkerScope;

function runOne(id: number, config: unknown): SpeedAccuracyNdResult {
  let last = 0;
  let lastLabel = '';
  return runSpeedAccuracyNd(parseSpeedAccuracyNdConfig(config), (done, total, label) => {
    const now = performance.now();
    if (now - last >= 100 || done === total || label !== lastLabel) {
      last = now;
      lastLabel = label;
      scope.postMessage({ id, kind: 'progress', done, total, label });
    }
  });
}

scope.onmessage = (e) => {
  const { id, config } = e.data;
  const t0 = performance.now();
  try {
    const result = runOne(id, config);
    scope.postMessage({ id, kind: 'result', result, errors: libraryErrors(result), ms: performance.now() - t0 });
  } catch (err) {
    const inputError = err instanceof InputError;
    const message = err instanceof Error ? err.message : String(err);
    scope.postMessage({ id, kind: 'error', message, where: inputError ? (err.where ?? null) : null, inputError });
  }
};
