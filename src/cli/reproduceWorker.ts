/**
 * The task function of `thermodiff reproduce --jobs` workers (long-lived worker threads): runs one
 * task of a registered experiment ({@link Experiment.tasks}) on one input and returns its result.
 * Bundled as `dist/cli/reproduceWorker.js` by `npm run build:cli`.
 */
import type { Experiment } from '../experiments/experiment.ts';
import { experiments } from '../experiments/registry.ts';

/** What `reproduce` sends a worker. */
export interface ReproduceWorkerTask {
  experiment: string;
  task: string;
  input: unknown;
}

/**
 * Run `task.task` of experiment `task.experiment` on `task.input`.
 * @throws Error when the experiment or its task is unknown; whatever the task throws
 */
export default async function runReproduceTask(task: ReproduceWorkerTask): Promise<unknown> {
  const e: Experiment | undefined = experiments.find((x) => x.name === task.experiment);
  const fn = e?.tasks?.[task.task] as ((input: unknown) => unknown) | undefined;
  if (!fn) throw new Error(`experiment ${task.experiment} has no task ${task.task}`);
  return await fn(task.input);
}
