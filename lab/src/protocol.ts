/**
 * Messages between the page (main.ts) and the compute worker (worker.ts). The request carries the
 * config exactly as a `thermodiff speed-accuracy --config` JSON file would hold it, so the page and
 * the CLI parse and compute the same thing.
 */
import type { SpeedAccuracyResult } from '../../src/index.ts';

/** Page -> worker: run one experiment. */
export interface RunRequest {
  id: number;
  config: unknown;
}

/** Worker -> page. `ms` is the worker's own wall time of parse + compute (performance.now()). */
export type WorkerMessage =
  | { id: number; kind: 'progress'; done: number; total: number }
  | { id: number; kind: 'result'; result: SpeedAccuracyResult; ms: number }
  | { id: number; kind: 'error'; message: string; where: string | null; inputError: boolean };
