import type { Command } from 'commander';
import { register as ot } from './ot.ts';
import { register as speedAccuracy } from './speedAccuracy.ts';
import { register as train } from './train.ts';

/** Every CLI command registers itself here (one import + one entry per command). */
export const commands: Array<(program: Command) => void> = [ot, speedAccuracy, train];
