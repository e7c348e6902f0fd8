#!/usr/bin/env node
/**
 * thermodiff command-line entry. Every command lives in `src/cli/commands/<name>.ts` and exports
 * `register(program)`. This file is the only place that maps errors to exit codes:
 * user mistakes (InputError, UsageError, commander usage errors) exit 2 with one line on stderr;
 * a computation that ran but did not converge or gave a non-finite result (NumericalError) exits 3
 * with one line; anything else exits 1 and prints the stack (it is a bug). docs/cli.md lists the
 * codes and the limits of every command.
 */
import { Command, CommanderError } from 'commander';
import { InputError, NumericalError } from '../core/errors.ts';
import { UsageError } from './errors.ts';
import { commands } from './commands/index.ts';
import { loadLazyHelp } from './lazyHelp.ts';
import { thermodiffVersion } from './version.ts';

/** Exit code of a run that did not converge or produced a non-finite result. */
export const EXIT_NOT_CONVERGED = 3;

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('thermodiff')
    .description('Thermodynamic cost and speed-accuracy relations of diffusion and flow-matching models')
    .version(thermodiffVersion())
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 internal error (a bug: stack trace), 2 bad input or a request beyond the memory/time/disk limits (one line, nothing written), 3 ran but did not converge or gave a non-finite result, 4 incomplete sweep.\nLimits: THERMODIFF_MEMORY_LIMIT (default 75% of memory), THERMODIFF_TIME_LIMIT (default 24h). See docs/cli.md.',
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of commands) register(program);
  try {
    await loadLazyHelp(program, argv);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2; // commander already printed the reason
    }
    if (e instanceof InputError || e instanceof UsageError) {
      process.stderr.write(`thermodiff: error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof NumericalError) {
      process.stderr.write(`thermodiff: error: the computation did not produce a finite, converged result: ${e.message.split('\n')[0]}\n`);
      return EXIT_NOT_CONVERGED;
    }
    process.stderr.write(`thermodiff: internal error (a bug, please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '');
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
