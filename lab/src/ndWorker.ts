/**
 * Compute worker of the 2-D tab: parses the config with the library's n-D parser and runs
 * runSpeedAccuracyNd with the config's settings (the same calls as `thermodiff speed-accuracy`),
 * posting progress at most every 100 ms. A superseded run is stopped by terminating the worker.
 */
import { InputError, parseSpeedAccuracyNdConfig, runSpeedAccuracyNd, type SpeedAccuracyNdResult } from '../../src/index.ts';
import { libraryErrors, quantities, replicateErrors } from './ndErrors.ts';
import type { NdRequest, NdWorkerMessage } from './ndProtocol.ts';

interface WorkerScope {
  onmessage: ((e: MessageEvent<NdRequest>) => void) | null;
  postMessage(message: NdWorkerMessage): void;
}
const scope = self as unknown as WorkerScope;

function runOne(id: number, config: unknown, report: boolean): SpeedAccuracyNdResult {
  let last = 0;
  return runSpeedAccuracyNd(
    parseSpeedAccuracyNdConfig(config),
    report
      ? (done, total, label) => {
          const now = performance.now();
          if (now - last >= 100 || done === total) {
            last = now;
            scope.postMessage({ id, kind: 'progress', done, total, label });
          }
        }
      : undefined,
  );
}

scope.onmessage = (e) => {
  const { id, config, extraSeeds } = e.data;
  const t0 = performance.now();
  try {
    const result = runOne(id, config, true);
    const own = libraryErrors(result);
    scope.postMessage({ id, kind: 'result', result, errors: own, ms: performance.now() - t0 });
    if (own || extraSeeds.length === 0) return;
    const t1 = performance.now();
    const runs = [quantities(result)];
    for (const seed of extraSeeds) runs.push(quantities(runOne(id, { ...(config as Record<string, unknown>), seed }, false)));
    scope.postMessage({ id, kind: 'errors', errors: replicateErrors(result, runs), ms: performance.now() - t1 });
  } catch (err) {
    const inputError = err instanceof InputError;
    const message = err instanceof Error ? err.message : String(err);
    scope.postMessage({ id, kind: 'error', message, where: inputError ? (err.where ?? null) : null, inputError });
  }
};
