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
  /**
   * Run the experiment's task `task` (see {@link Experiment.tasks}) on every input, on parallel
   * workers, results in input order; `onDone` is called as each finishes. Absent: the experiment runs
   * its tasks in this thread (same results, bit for bit: tasks are deterministic functions of their
   * inputs). Inputs and results must be structured-clonable.
   */
  parallel?<T, R>(task: string, inputs: T[], onDone?: (index: number) => void): Promise<R[]>;
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
  /**
   * Independent pieces of the experiment that `ctx.parallel` may run on workers, by name: each a
   * deterministic function of one structured-clonable input (a worker finds it through the registry).
   */
  tasks?: Record<string, (input: never) => unknown>;
}
