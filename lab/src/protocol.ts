/**
 * Messages between the page (main.ts) and the compute worker (worker.ts). The request carries the
 * config exactly as a `thermodiff speed-accuracy --config` JSON file would hold it, so the page and
 * the CLI parse and compute the same thing.
 */
import type { SpeedAccuracyResult } from '../../src/index.ts';

/**
 * Page -> worker: run one experiment, or (`compare`) one config per protocol: `config` is then a list
 * of configs that differ only in the schedule (and its options).
 */
export type RunRequest = { id: number; kind: 'run'; config: unknown } | { id: number; kind: 'compare'; configs: unknown[] };

/** eta, c1, c2 of one protocol in a comparison, or why it could not be computed. */
export interface CompareRow {
  protocol: string;
  eta: number;
  c1: number;
  c2: number;
  error?: string;
}

/** Worker -> page. `ms` is the worker's own wall time of parse + compute (performance.now()). */
export type WorkerMessage =
  | { id: number; kind: 'progress'; done: number; total: number }
  | { id: number; kind: 'result'; result: SpeedAccuracyResult; ms: number }
  | { id: number; kind: 'compare'; rows: CompareRow[]; ms: number }
  | { id: number; kind: 'error'; message: string; where: string | null; inputError: boolean };
