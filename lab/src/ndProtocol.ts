/**
 * Messages between the 2-D page (nd.ts) and its compute worker (ndWorker.ts). The request carries the
 * config exactly as a `thermodiff speed-accuracy --config` JSON file would hold it (the n-D dialect,
 * docs/multid.md), so the page and the CLI parse and compute the same thing.
 */
import type { SpeedAccuracyNdResult } from '../../src/index.ts';

/** The quantities that get an error estimate. */
export const ND_KEYS = ['eta', 'c1', 'c2', 'd0', 'wD', 'housekeeping', 'w1Start', 'w1End'] as const;
export type NdKey = (typeof ND_KEYS)[number];

/**
 * Page -> worker: run one experiment. The page asks for the error replicates (other engine seeds) as
 * ordinary runs in other workers, in parallel.
 */
export interface NdRequest {
  id: number;
  config: unknown;
}

/** Per-quantity estimator errors and how they were obtained. */
export interface NdErrors {
  values: Partial<Record<NdKey, number>>;
  /** Human-readable method, e.g. "sd over 3 particle seeds". */
  method: string;
  /** The replicate values (seed -> quantity), when the errors come from replicates. */
  replicates?: Partial<Record<NdKey, number>>[];
}

/** Worker -> page. `ms` is the worker's own wall time (performance.now()). */
export type NdWorkerMessage =
  | { id: number; kind: 'progress'; done: number; total: number; label: string }
  | { id: number; kind: 'result'; result: SpeedAccuracyNdResult; errors: NdErrors | null; ms: number }
  | { id: number; kind: 'error'; message: string; where: string | null; inputError: boolean };
