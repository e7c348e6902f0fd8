/**
 * A paper reproduction that `thermodiff reproduce` can run. Each experiment is a module in
 * `src/experiments/` exporting one `Experiment`; `src/experiments/registry.ts` lists them.
 * The library never prints: progress goes through `onProgress`, files through `writeFile`.
 */
export interface ExperimentContext {
  /** Write an output file (relative to the output folder); the CLI makes it atomic. */
  writeFile(relPath: string, content: string | Uint8Array): void;
  /** Report progress: `done` of `total` units, with a short label. */
  onProgress(done: number, total: number, label: string): void;
  /** Seed for anything stochastic. */
  seed: number;
  /** When true, run a reduced version (fewer particles / steps) for tests; the report says so. */
  quick: boolean;
}

export interface ExperimentOutput {
  /** JSON-serialisable results, stored under `results.json[name]`. */
  results: unknown;
  /** Markdown section for `report.md` (a `## ` heading first); figures referenced by relative path. */
  reportSection: string;
}

export interface Experiment {
  /** Short id used on the command line, e.g. `1d`, `swiss-roll`, `images`. */
  name: string;
  /** One-line description for `--help`. */
  title: string;
  /** Included when `reproduce` is called without names. */
  runsByDefault: boolean;
  /**
   * Why the experiment cannot run on this machine (e.g. the dataset is not installed), or
   * `undefined` if it can. `reproduce` reports the reason and goes on with the others.
   */
  unavailableReason?(): string | undefined;
  run(ctx: ExperimentContext): Promise<ExperimentOutput>;
}
