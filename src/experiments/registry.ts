import type { Experiment } from './experiment.ts';
import { fig6Experiment } from './fig6.ts';
import { imagesExperiment } from './images.ts';
import { swissRollExperiment } from './swissRoll.ts';
import { a2aExperiment } from './a2a.ts';

/**
 * Every experiment `thermodiff reproduce` knows, in run order. To add one, write
 * `src/experiments/<name>.ts` exporting an {@link Experiment} and add one import and one entry
 * here (names must be unique; `runsByDefault` decides whether a bare `thermodiff reproduce` runs it).
 */
export const experiments: readonly Experiment[] = [fig6Experiment, swissRollExperiment, imagesExperiment, a2aExperiment];

/** The experiment with this name, or undefined. */
export function findExperiment(name: string, list: readonly Experiment[] = experiments): Experiment | undefined {
  return list.find((e) => e.name === name);
}
