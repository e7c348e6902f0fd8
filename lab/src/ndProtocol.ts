/**
 * Messages between the 2-D page (nd.ts) and its compute worker (ndWorker.ts). The request carries the
 * config exactly as a `thermodiff speed-accuracy --config` JSON file would hold it (the n-D dialect,
 * docs/multid.md), so the page and the CLI parse and compute the same thing.
 */
import type { SpeedAccuracyNdResult } from '../../src/index.ts';

/** The quantities shown in the table, each with its error. */
export const ND_KEYS = ['eta', 'c1', 'c2', 'd0', 'wD', 'housekeeping', 'w1Start', 'w1End'] as const;
export type NdKey = (typeof ND_KEYS)[number];

/** Page -> worker: run one experiment. */
export interface NdRequest {
  id: number;
  config: unknown;
}

/**
 * The library's estimated error of each shown number (`SpeedAccuracyNdResult.errors`, relative) as the
 * page shows it: absolute and relative, and whether the library flags it (> 1 %).
 */
export interface NdErrors {
  /** Absolute error (relative error x |value|; housekeeping 0: x wD, as the library scales it). */
  values: Partial<Record<NdKey, number>>;
  /** The library's relative error, as it reports it. */
  relative: Partial<Record<NdKey, number>>;
  /** The shown quantities the library flags (estimated error > 1 %), in table order. */
  flagged: NdKey[];
  /** Human-readable method, e.g. "quadrature at two node grids (48 and 36 per axis)". */
  method: string;
}

/** Worker -> page. `ms` is the worker's own wall time (performance.now()). */
export type NdWorkerMessage =
  | { id: number; kind: 'progress'; done: number; total: number; label: string }
  | { id: number; kind: 'result'; result: SpeedAccuracyNdResult; errors: NdErrors | null; ms: number }
  | { id: number; kind: 'error'; message: string; where: string | null; inputError: boolean };
