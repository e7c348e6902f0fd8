/**
 * One config dialect for every command (docs/config.md): rewrite the old spellings to the canonical
 * ones, each with one deprecation warning, drop `$schema`, and validate the result against the
 * command's schema. Every config parser calls this first; the CLI calls it too, to print the
 * warnings (the library only returns them). Browser-safe.
 */
import { InputError } from '../core/errors.ts';
import type { ConfigCommand } from './schema/configCommands.ts';
import { jsonPath, validateConfig } from './schema/validateConfig.ts';

export { CONFIG_COMMANDS, type ConfigCommand } from './schema/configCommands.ts';

/** Old data-kind spellings and their canonical replacement. */
export const OLD_DATA_KINDS: Readonly<Record<string, string>> = { swissroll: 'swiss-roll', '8gaussians': 'eight-gaussians' };

/** Keys of the parsed training config that model.json files written before the dialect hold at the top level. */
const PARSED_TRAIN_KEYS = ['hidden', 'steps', 'batchSize', 'lr', 'lrSchedule', 'warmup', 'maxGradNorm', 'ema', 'checkpointEvery', 'threads', 'sinkhornReg'];

/** A config in canonical spelling and the deprecation warnings of the old spellings it had. */
export interface NormalizedConfig {
  /** The config in canonical spelling, without `$schema` (a new object; the input is not modified). */
  config: Record<string, unknown>;
  /** One line per old spelling, e.g. `config.data.kind: "swissroll" is deprecated, write "swiss-roll"`. */
  warnings: string[];
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Rename an old data kind in place (the block is already a copy). */
function dataKind(block: unknown, where: string, warnings: string[]): unknown {
  if (!isObject(block) || typeof block.kind !== 'string' || !(block.kind in OLD_DATA_KINDS)) return block;
  const kind = OLD_DATA_KINDS[block.kind];
  warnings.push(`${where}.kind: "${block.kind}" is deprecated, write "${kind}"`);
  return { ...block, kind };
}

/**
 * The training schedule object `{"name": "cosine", "tau": 1, "betaMin": .., "options": {..}}` ->
 * `"schedule": "cosine", "tau": 1, "scheduleOptions": {..}` (one warning).
 */
function scheduleObject(o: Json, where: string, warnings: string[]): void {
  const s = o.schedule;
  if (!isObject(s) || !('name' in s) || 'format' in s) return; // a schedule file object stays
  const { name, tau, options, ...rest } = s;
  const sw = jsonPath(where, ['schedule']);
  if (tau !== undefined && 'tau' in o && o.tau !== tau) throw new InputError(`tau given twice: ${JSON.stringify(o.tau)} at the top level and ${JSON.stringify(tau)} in "schedule"`, sw);
  const opts: Json = { ...(isObject(options) ? options : {}), ...rest };
  if (options !== undefined && !isObject(options)) throw new InputError(`expected an object, got ${JSON.stringify(options)}`, `${sw}.options`);
  if (Object.keys(opts).length > 0 && 'scheduleOptions' in o) throw new InputError('schedule options given twice: in "schedule" and in "scheduleOptions"', sw);
  o.schedule = name;
  if (tau !== undefined) o.tau = tau;
  if (Object.keys(opts).length > 0) o.scheduleOptions = opts;
  warnings.push(`${sw}: {"name": ..., "tau": ...} is deprecated, write "schedule": ${JSON.stringify(name)}${tau !== undefined ? `, "tau": ${JSON.stringify(tau)}` : ''}${Object.keys(opts).length > 0 ? ', "scheduleOptions": {...}' : ''}`);
}

/**
 * A training config as model.json files written before the dialect record it (the parsed form:
 * `hidden`, `steps`, ... at the top level) -> `model.hidden`, `train.*` (one warning).
 */
function parsedTrainForm(o: Json, where: string, warnings: string[]): void {
  const found = PARSED_TRAIN_KEYS.filter((k) => k in o);
  if (found.length === 0) return;
  const model: Json = isObject(o.model) ? { ...o.model } : {};
  const train: Json = isObject(o.train) ? { ...o.train } : {};
  for (const k of found) {
    if (k === 'hidden') model.hidden = o.hidden;
    else if (o[k] !== undefined) train[k] = o[k];
    delete o[k];
  }
  if ('hidden' in model) o.model = model;
  if (Object.keys(train).length > 0) o.train = train;
  warnings.push(`${where}: top-level ${found.join(', ')} (the form model.json files recorded) is deprecated, write "model": {"hidden"} and "train": {...}`);
}

/**
 * Rewrite the old spellings of a `command` config to the canonical dialect and validate it.
 *
 * Old spellings (each gives exactly one warning): data or source kind `swissroll` -> `swiss-roll`,
 * `8gaussians` -> `eight-gaussians`; the schedule object `{"name", "tau", <options>}` -> `schedule`,
 * `tau`, `scheduleOptions`; train configs with the parsed form's top-level keys (old model.json) ->
 * `model` and `train` blocks. Canonical configs give no warning.
 * @param where the path prefix of messages (`config`, `model.json training.config`).
 * @throws InputError, one line naming the path of the first bad value (see validateConfig).
 */
export function normalizeConfig(command: ConfigCommand, json: unknown, where = 'config'): NormalizedConfig {
  const warnings: string[] = [];
  if (!isObject(json)) {
    validateConfig(command, json, where); // throws "expected an object"
    return { config: json as Json, warnings };
  }
  const { $schema: _ignored, ...o } = json;
  o.data = dataKind(o.data, jsonPath(where, ['data']), warnings);
  if ('source' in o) o.source = dataKind(o.source, jsonPath(where, ['source']), warnings);
  scheduleObject(o, where, warnings);
  if (command === 'train') parsedTrainForm(o, where, warnings);
  validateConfig(command, o, where);
  return { config: o, warnings };
}
