/**
 * Help text that needs heavy modules, loaded only for the command the user named.
 *
 * `register(program)` runs for every command at every start, so it must stay cheap (see
 * commands/index.ts). When a command's help lists something only a heavy module knows (the
 * experiments of `reproduce` load vega and the whole library), attach it with {@link lazyHelp};
 * main.ts calls {@link loadLazyHelp} before parsing, which loads it only when the command line
 * names that command (`thermodiff reproduce --help`, `thermodiff help reproduce`, or a run of it).
 */
import type { Command } from 'commander';

const pending = new WeakMap<Command, () => Promise<string>>();

/** Append the text `load()` resolves to after `cmd`'s help, when the command line names `cmd`. */
export function lazyHelp(cmd: Command, load: () => Promise<string>): void {
  pending.set(cmd, load);
}

/** The commands named by `argv` (user arguments), outermost first: `sweep plan x` -> [sweep, plan]. */
export function namedCommands(program: Command, argv: readonly string[]): Command[] {
  const chain: Command[] = [];
  let current = program;
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg.startsWith('-')) continue;
    if (arg === 'help' && chain.length === 0 && !current.commands.some((c) => c.name() === 'help')) continue;
    const sub = current.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    chain.push(sub);
    current = sub;
  }
  return chain;
}

/** Load the lazy help of every command `argv` names (see {@link lazyHelp}). */
export async function loadLazyHelp(program: Command, argv: readonly string[]): Promise<void> {
  for (const cmd of namedCommands(program, argv)) {
    const load = pending.get(cmd);
    if (!load) continue;
    pending.delete(cmd);
    cmd.addHelpText('after', await load());
  }
}
