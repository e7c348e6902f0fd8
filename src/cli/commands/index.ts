import type { Command } from 'commander';
import { register as ot } from './ot.ts';
import { register as speedAccuracy } from './speedAccuracy.ts';
import { register as train } from './train.ts';
import { register as sample } from './sample.ts';
import { register as evaluate } from './evaluate.ts';
import { register as bench } from './bench.ts';
import { register as reproduce } from './reproduce.ts';
import { register as sweep } from './sweep.ts';

/** Every CLI command registers itself here (one import + one entry per command). */
export const commands: Array<(program: Command) => void> = [ot, speedAccuracy, train, sample, evaluate, bench, reproduce, sweep];
