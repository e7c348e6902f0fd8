import { InputError } from '../core/errors.ts';

/** What a sweep command gets besides its config. */
export interface SweepTaskContext {
  /** Folder that relative file paths in the config are resolved against (the base config's folder). */
  baseDir: string;
  /** A folder of this task alone for files the command writes (model weights, checkpoints). */
  workDir: string;
}

/**
 * A command that `thermodiff sweep` can run: validate a config cheaply (at plan time, for every
 * cell, before anything runs) and run it to a JSON-able result (in a worker). Results must depend
 * on the config alone (seeds come from the config), never on which worker or in which order the
 * task runs: the merged rows of serial, parallel and sharded runs are compared bit for bit.
 */
export interface SweepCommand {
  /** The CLI command's name (`speed-accuracy`). */
  name: string;
  /** One line for `sweep plan --help` and docs/sweeps.md. */
  summary: string;
  /**
   * Check a config (as written, after the grid values are set) without running it.
   * @throws InputError naming the config key of the first problem.
   */
  validate(config: unknown, ctx: Pick<SweepTaskContext, 'baseDir'>): void;
  /** Run one config; the result is stored as JSON (non-finite numbers as strings). */
  run(config: unknown, ctx: SweepTaskContext): unknown | Promise<unknown>;
  /** Result quantities (dotted paths) that `sweep merge` summarises and plots by default. */
  quantities: string[];
  /**
   * Top-level result keys that describe the run rather than the config (wall time, resumed step,
   * output paths): moved from `result` into the row's `run` record and excluded from comparisons.
   */
  runKeys?: string[];
}

const registry = new Map<string, SweepCommand>();

/**
 * Add a command to the sweep registry (the CLI registers its commands in src/cli/sweepable/).
 * @throws Error when the name is taken by a different command (a programming error).
 */
export function registerSweepCommand(command: SweepCommand): void {
  const old = registry.get(command.name);
  if (old && old !== command) throw new Error(`sweep command ${command.name} is registered twice`);
  registry.set(command.name, command);
}

/** @throws InputError listing the registered names when `name` is not one. */
export function sweepCommand(name: string, where = 'sweep.command'): SweepCommand {
  const c = registry.get(name);
  if (!c) throw new InputError(`${JSON.stringify(name)} cannot be swept (sweepable commands: ${sweepCommandNames().join(', ') || 'none registered'})`, where);
  return c;
}

/** Names of the registered commands, sorted. */
export function sweepCommandNames(): string[] {
  return [...registry.keys()].sort();
}
