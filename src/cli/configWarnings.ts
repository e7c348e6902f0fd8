import { InputError } from '../core/errors.ts';
import { type ConfigCommand, normalizeConfig } from '../config/normalizeConfig.ts';

/**
 * Print the deprecation warnings of a config's old spellings (docs/config.md), one line each on
 * stderr: `thermodiff: warning: config.data.kind: "swissroll" is deprecated, write "swiss-roll"`.
 * A bad config prints nothing here: the command's parser reports it (exit 2).
 */
export function printConfigWarnings(command: ConfigCommand, json: unknown, where = 'config'): void {
  let warnings: string[];
  try {
    warnings = normalizeConfig(command, json, where).warnings;
  } catch (e) {
    if (e instanceof InputError) return;
    throw e;
  }
  for (const w of warnings) process.stderr.write(`thermodiff: warning: ${w}\n`);
}
