import type { Command } from 'commander';

/** Every CLI command registers itself here (one import + one entry per command). */
export const commands: Array<(program: Command) => void> = [];
