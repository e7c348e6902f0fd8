import type { Command } from 'commander';
import { register as speedAccuracy } from './speedAccuracy.ts';

/** Every CLI command registers itself here (one import + one entry per command). */
export const commands: Array<(program: Command) => void> = [speedAccuracy];
