/**
 * The commands `thermodiff sweep` can run. To make another command sweepable, write
 * `src/cli/sweepable/<name>.ts` exporting a SweepCommand (validate, run, quantities; see
 * src/sweep/sweepRegistry.ts and docs/sweeps.md) and add it to the list below. Sweep workers import
 * this module (SWEEP_SETUP) to get the same registry.
 */
import { registerSweepCommand } from '../../sweep/sweepRegistry.ts';
import { speedAccuracySweep } from './speedAccuracy.ts';
import { trainSweep } from './train.ts';
import { optimizeScheduleSweep } from './optimizeSchedule.ts';

for (const command of [speedAccuracySweep, trainSweep, optimizeScheduleSweep]) registerSweepCommand(command);

/** URL of this module: the `setup` of runSweep. */
export const SWEEP_SETUP = import.meta.url;
