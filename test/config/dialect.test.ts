/**
 * One config dialect for every command (docs/config.md): shipped configs are canonical and valid,
 * schemas/*.json are what the generator writes, every old spelling is accepted with exactly one
 * warning and parses to the same config as its canonical form, bad values give one-line errors
 * naming the path.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { jsonSchemaText, SCHEMA_NAMES } from '../../scripts/generateSchemas.ts';
import { normalizeConfig } from '../../src/config/normalizeConfig.ts';
import { parseOptimizeScheduleConfig } from '../../src/config/optimizeScheduleConfig.ts';
import { CONFIG_COMMANDS, type ConfigCommand } from '../../src/config/schema/commands.ts';
import { parseSpeedAccuracyConfig } from '../../src/config/speedAccuracyConfig.ts';
import { isNdSpeedAccuracyConfig, parseSpeedAccuracyNdConfig } from '../../src/config/speedAccuracyNdConfig.ts';
import { parseTrainConfig, trainConfigToJson } from '../../src/config/trainConfig.ts';
import { InputError } from '../../src/core/errors.ts';
import { parseSweepSpec } from '../../src/sweep/sweepSpec.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readJson = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8')) as Record<string, unknown>;

/** The command a shipped config belongs to, from its `$schema`. */
function commandOf(file: string, json: Record<string, unknown>): ConfigCommand {
  const m = /^\.\.\/schemas\/([a-z-]+)\.json$/.exec(String(json.$schema));
  assert.ok(m, `${file}: expected "$schema": "../schemas/<command>.json", got ${JSON.stringify(json.$schema)}`);
  assert.ok((CONFIG_COMMANDS as readonly string[]).includes(m[1]), `${file}: unknown schema ${m[1]}`);
  return m[1] as ConfigCommand;
}

/** Parse with the command's own parser (what the CLI does after normalising). */
function parse(command: ConfigCommand, json: unknown): unknown {
  if (command === 'train') return parseTrainConfig(json);
  if (command === 'optimize-schedule') return parseOptimizeScheduleConfig(json);
  return isNdSpeedAccuracyConfig(json) ? parseSpeedAccuracyNdConfig(json) : parseSpeedAccuracyConfig(json);
}

/** Assert a one-line InputError whose message matches `re`. */
function rejects(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: Error) => {
    assert.ok(e instanceof InputError, `not an InputError: ${e}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), `not one line: ${e.message}`);
    return true;
  });
}

/**
 * The shipped configs of the commands this dialect covers: every speed-accuracy and train config,
 * and any other file that names one of the schemas (configs of other commands, e.g. a2a-*.json,
 * have parsers of their own).
 */
function dialectConfigs(): string[] {
  return readdirSync(join(root, 'configs')).filter((f) => {
    if (!f.endsWith('.json')) return false;
    if (/^(fig6-|speed-accuracy-|swiss-roll-|train-)/.test(f)) return true;
    const m = /^\.\.\/schemas\/([a-z-]+)\.json$/.exec(String(readJson(join('configs', f)).$schema));
    return m !== null && (CONFIG_COMMANDS as readonly string[]).includes(m[1]);
  });
}

describe('shipped configs', () => {
  const files = dialectConfigs();
  it('are canonical: they name their schema, validate, and give no warning', () => {
    assert.ok(files.length >= 21, `${files.length} configs`);
    for (const f of files) {
      const json = readJson(join('configs', f));
      const command = commandOf(f, json);
      const { warnings } = normalizeConfig(command, json);
      assert.deepEqual(warnings, [], f);
      assert.doesNotThrow(() => parse(command, json), f);
    }
  });

  it('the speed-accuracy configs also serve optimize-schedule (same dialect)', () => {
    for (const f of files.filter((x) => x.startsWith('fig6-') || x.startsWith('speed-accuracy-'))) {
      assert.deepEqual(normalizeConfig('optimize-schedule', readJson(join('configs', f))).warnings, [], f);
    }
  });
});

describe('JSON Schema files', () => {
  it('schemas/<command>.json are up to date (run `npm run schemas` after changing src/config/schema)', () => {
    for (const c of SCHEMA_NAMES) {
      assert.equal(readFileSync(join(root, 'schemas', `${c}.json`), 'utf8'), jsonSchemaText(c), `schemas/${c}.json is stale`);
    }
  });

  it('list every key the shipped configs use (editors complete them)', () => {
    for (const f of dialectConfigs()) {
      const json = readJson(join('configs', f));
      const schema = JSON.parse(readFileSync(join(root, 'schemas', `${commandOf(f, json)}.json`), 'utf8')) as { properties: Record<string, unknown> };
      for (const k of Object.keys(json)) assert.ok(k in schema.properties, `${f}: key ${k} missing from the schema`);
    }
  });
});

type JsonSchema = Record<string, unknown>;

/**
 * A second, independent check of the generated files: a small JSON Schema (draft-07) validator for
 * the keywords they use. Returns the path of the first violation, or null.
 */
function jsonSchemaError(schema: JsonSchema, x: unknown, path = '$'): string | null {
  const t = schema.type;
  const isObj = typeof x === 'object' && x !== null && !Array.isArray(x);
  if (t === 'object' && !isObj) return path;
  if (t === 'array' && !Array.isArray(x)) return path;
  if (t === 'string' && typeof x !== 'string') return path;
  if (t === 'boolean' && typeof x !== 'boolean') return path;
  if ((t === 'number' || t === 'integer') && typeof x !== 'number') return path;
  if (t === 'integer' && !Number.isInteger(x)) return path;
  if ('const' in schema && x !== schema.const) return path;
  if (Array.isArray(schema.enum) && !schema.enum.includes(x)) return path;
  if (typeof x === 'number') {
    if (typeof schema.minimum === 'number' && !(x >= schema.minimum)) return path;
    if (typeof schema.maximum === 'number' && !(x <= schema.maximum)) return path;
    if (typeof schema.exclusiveMinimum === 'number' && !(x > schema.exclusiveMinimum)) return path;
    if (typeof schema.exclusiveMaximum === 'number' && !(x < schema.exclusiveMaximum)) return path;
  }
  if (typeof x === 'string' && typeof schema.minLength === 'number' && x.length < schema.minLength) return path;
  if (Array.isArray(x)) {
    if (typeof schema.minItems === 'number' && x.length < schema.minItems) return path;
    if (schema.items) for (let i = 0; i < x.length; i++) {
      const e = jsonSchemaError(schema.items as JsonSchema, x[i], `${path}[${i}]`);
      if (e) return e;
    }
  }
  if (isObj) {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const k of (schema.required ?? []) as string[]) if (!(k in x)) return `${path}.${k} (missing)`;
    for (const [k, val] of Object.entries(x)) {
      if (k in props) {
        const e = jsonSchemaError(props[k], val, `${path}.${k}`);
        if (e) return e;
      } else if (schema.additionalProperties === false) return `${path}.${k} (unknown)`;
    }
  }
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => jsonSchemaError(s as JsonSchema, x, path) === null)) return `${path} (anyOf)`;
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((s) => jsonSchemaError(s as JsonSchema, x, path) === null).length !== 1) return `${path} (oneOf)`;
  return null;
}

const schemaFile = (c: ConfigCommand | 'sweep') => JSON.parse(readFileSync(join(root, 'schemas', `${c}.json`), 'utf8')) as JsonSchema;

const mixture1d = { kind: 'gaussian-mixture', means: [[-0.6], [0.6]], stds: [0.3, 0.3], weights: [0.5, 0.5] };
const sa1d = { data: mixture1d, schedule: 'vp-linear', tau: 1.5, scheduleOptions: { betaMin: 0.1, betaMax: 20 }, perturbation: { kind: 'normal', mean: [1], std: 1 } };
const trainCanonical = {
  data: { kind: 'eight-gaussians', n: 500 },
  source: { kind: 'swiss-roll', n: 400, noise: 0.2 },
  schedule: 'vp-linear',
  tau: 1,
  scheduleOptions: { betaMin: 0.1, betaMax: 10 },
  coupling: 'exact-ot',
  model: { hidden: [16, 16] },
  train: { steps: 10, batchSize: 32 },
  seed: 4,
  out: 'runs/x',
};
const swissNd = {
  data: { kind: 'swiss-roll', n: 50, noise: 0.1, seed: 2 },
  process: { kind: 'swiss-roll-force', h: 1.1, g: 3, Tfin: 0.5 },
  tau: 3,
  perturbation: { kind: 'normal', mean: [0, 0], std: 0.9 },
  particles: 20,
  steps: 8,
};

/** Old spelling, canonical form, command, and the path the warning names. */
const OLD: [string, ConfigCommand, unknown, unknown, RegExp][] = [
  ['train data kind "8gaussians"', 'train', { ...trainCanonical, data: { kind: '8gaussians', n: 500 } }, trainCanonical, /^config\.data\.kind: "8gaussians" is deprecated, write "eight-gaussians"$/],
  ['train source kind "swissroll"', 'train', { ...trainCanonical, source: { kind: 'swissroll', n: 400, noise: 0.2 } }, trainCanonical, /^config\.source\.kind: "swissroll" is deprecated, write "swiss-roll"$/],
  [
    'train schedule object {name, tau, betaMin, betaMax}',
    'train',
    (() => {
      const { tau: _t, scheduleOptions: _o, ...rest } = trainCanonical;
      return { ...rest, schedule: { name: 'vp-linear', tau: 1, betaMin: 0.1, betaMax: 10 } };
    })(),
    trainCanonical,
    /^config\.schedule: \{"name": \.\.\., "tau": \.\.\.\} is deprecated, write "schedule": "vp-linear", "tau": 1, "scheduleOptions": \{\.\.\.\}$/,
  ],
  [
    'train config in the parsed form old model.json files hold',
    'train',
    (() => {
      const { model: _m, train: _t, tau: _tau, scheduleOptions: _o, ...rest } = trainCanonical;
      return { ...rest, schedule: 'vp-linear', tau: 1, scheduleOptions: { betaMin: 0.1, betaMax: 10 }, hidden: [16, 16], steps: 10, batchSize: 32 };
    })(),
    trainCanonical,
    /^config: top-level hidden, steps, batchSize \(the form model\.json files recorded\) is deprecated/,
  ],
  ['speed-accuracy n-D data kind "swissroll"', 'speed-accuracy', { ...swissNd, data: { ...swissNd.data, kind: 'swissroll' } }, swissNd, /^config\.data\.kind: "swissroll" is deprecated/],
  [
    'speed-accuracy schedule object {name, tau, options}',
    'speed-accuracy',
    (() => {
      const { tau: _t, scheduleOptions: _o, ...rest } = sa1d;
      return { ...rest, schedule: { name: 'vp-linear', tau: 1.5, options: { betaMin: 0.1, betaMax: 20 } } };
    })(),
    sa1d,
    /^config\.schedule: \{"name": \.\.\., "tau": \.\.\.\} is deprecated/,
  ],
  [
    'optimize-schedule schedule object {name}',
    'optimize-schedule',
    { data: mixture1d, schedule: { name: 'cosine' }, tau: 2 },
    { data: mixture1d, schedule: 'cosine', tau: 2 },
    /^config\.schedule: \{"name": \.\.\., "tau": \.\.\.\} is deprecated, write "schedule": "cosine"$/,
  ],
];

describe('old spellings', () => {
  for (const [name, command, old, canonical, warning] of OLD) {
    it(`${name}: exactly one warning, and the same parsed config as the canonical spelling`, () => {
      const n = normalizeConfig(command, old);
      assert.equal(n.warnings.length, 1, n.warnings.join(' | '));
      assert.match(n.warnings[0], warning);
      assert.deepEqual(n.config, canonical);
      assert.deepEqual(normalizeConfig(command, canonical).warnings, []);
      assert.deepEqual(parse(command, old), parse(command, canonical));
    });
  }

  it('several old spellings in one config: one warning each', () => {
    const old = { ...trainCanonical, data: { kind: '8gaussians', n: 500 }, source: { kind: 'swissroll', n: 400, noise: 0.2 }, schedule: { name: 'vp-linear', betaMin: 0.1, betaMax: 10 } };
    const { tau: _t, scheduleOptions: _o, ...noTau } = old as Record<string, unknown>;
    assert.equal(normalizeConfig('train', { ...noTau, tau: 1 }).warnings.length, 3);
    assert.deepEqual(parseTrainConfig({ ...noTau, tau: 1 }), parseTrainConfig(trainCanonical));
  });

  it('normalizeConfig does not modify its input', () => {
    const old = { ...trainCanonical, data: { kind: '8gaussians', n: 500 } };
    const copy = structuredClone(old);
    normalizeConfig('train', old);
    assert.deepEqual(old, copy);
  });

  it('a schedule object that disagrees with the top-level tau or scheduleOptions is refused', () => {
    rejects(() => normalizeConfig('train', { ...trainCanonical, schedule: { name: 'cosine', tau: 2 } }), /^config\.schedule: tau given twice/);
    rejects(() => normalizeConfig('train', { ...trainCanonical, tau: undefined, schedule: { name: 've', sigmaMax: 2 } }), /^config\.schedule: schedule options given twice/);
  });
});

describe('trainConfigToJson (what model.json records)', () => {
  it('is canonical and parses back to the same config', () => {
    const cfg = parseTrainConfig(trainCanonical);
    const json = trainConfigToJson(cfg);
    assert.deepEqual(normalizeConfig('train', json).warnings, []);
    assert.deepEqual(parseTrainConfig(json), cfg);
  });
});

describe('bad values: one line naming the path', () => {
  const cases: [ConfigCommand, unknown, RegExp][] = [
    ['speed-accuracy', { ...sa1d, data: { ...mixture1d, stds: [0.3, -0.3] } }, /^config\.data\.stds\[1\]: expected a standard deviation > 0, got -0\.3$/],
    ['speed-accuracy', { ...sa1d, data: { ...mixture1d, means: [[-0.6], ['x']] } }, /^config\.data\.means\[1\]\[0\]: expected a finite number, got "x"$/],
    ['speed-accuracy', { ...sa1d, data: { kind: 'spiral' } }, /^config\.data\.kind: unknown data kind "spiral", expected one of gaussian-mixture, swiss-roll, moons, eight-gaussians/],
    ['speed-accuracy', { ...sa1d, schedule: 'linear' }, /^config\.schedule: unknown schedule "linear", expected one of cosine, cond-ot, ot, vp-linear, ve$/],
    ['speed-accuracy', { ...sa1d, tau: -1 }, /^config\.tau: expected tau > 0, got -1$/],
    ['speed-accuracy', { ...swissNd, process: { ...swissNd.process, g: null } }, /^config\.process\.g: expected a finite number, got null$/],
    ['speed-accuracy', { ...swissNd, particles: 1.5 }, /^config\.particles: expected an integer >= 2, got 1\.5$/],
    ['speed-accuracy', { ...sa1d, perturbation: { kind: 'normal', mean: [1] } }, /^config\.perturbation: missing key "std"$/],
    ['train', { ...trainCanonical, train: { steps: 0 } }, /^config\.train\.steps: expected an integer >= 1, got 0$/],
    ['train', { ...trainCanonical, train: { stepz: 10 } }, /^config\.train: unknown key "stepz" \(expected steps, batchSize, lr,/],
    ['train', { ...trainCanonical, coupling: 'ot' }, /^config\.coupling: expected one of independent, exact-ot, sinkhorn, got "ot"$/],
    ['train', { ...trainCanonical, schedule: 'ot' }, /^config\.schedule: unknown schedule "ot", expected one of cosine, cond-ot, vp-linear, ve$/],
    ['train', { ...trainCanonical, model: { hidden: [16, 0] } }, /^config\.model\.hidden\[1\]: expected an integer in \[1, 65536\], got 0$/],
    ['train', { ...trainCanonical, data: { kind: 'moons', seed: 1 } }, /^config\.data: unknown key "seed" \(expected kind, n, noise\)$/],
    ['train', { ...trainCanonical, out: undefined }, /^config: missing key "out"$/],
    ['train', { ...trainCanonical, train: { ema: 1 } }, /^config\.train\.ema: expected a number in \(0, 1\), got 1$/],
    ['optimize-schedule', { data: mixture1d, schedule: 'cosine', optimize: { nfe: 0 } }, /^config\.optimize\.nfe: expected an integer in \[1, 4096\], got 0$/],
    ['optimize-schedule', { data: { kind: 'moons' }, schedule: 'cosine' }, /^config\.data\.kind: unknown data kind "moons", expected one of gaussian-mixture$/],
    ['optimize-schedule', [], /^config: expected an object, got array of length 0$/],
  ];
  for (const [command, json, re] of cases) {
    it(`${command}: ${re.source.slice(1, 50)}`, () => {
      const clean = JSON.parse(JSON.stringify(json)); // as read from a file (no undefined values)
      rejects(() => normalizeConfig(command, clean), re);
      // the command's parser reports the same line (it normalises first)
      rejects(() => parse(command, clean), re);
    });
  }

  it('messages use the caller\'s path prefix', () => {
    rejects(() => parseTrainConfig({ ...trainCanonical, seed: -1 }, 'model.json training.config'), /^model\.json training\.config\.seed: expected an integer >= 0, got -1$/);
  });
});

describe('JSON Schema files, checked by an independent validator', () => {
  it('accept every shipped config', () => {
    for (const f of dialectConfigs()) {
      const json = readJson(join('configs', f));
      assert.equal(jsonSchemaError(schemaFile(commandOf(f, json)), json), null, f);
    }
  });

  it('accept the canonical test configs and flag old spellings and bad values', () => {
    for (const [command, json] of [['speed-accuracy', sa1d], ['speed-accuracy', swissNd], ['train', trainCanonical]] as const) {
      assert.equal(jsonSchemaError(schemaFile(command), json), null, command);
    }
    for (const [name, command, old] of OLD) assert.notEqual(jsonSchemaError(schemaFile(command), old), null, name);
    assert.equal(jsonSchemaError(schemaFile('speed-accuracy'), { ...sa1d, data: { ...mixture1d, stds: [0.3, -0.3] } }), '$.data (oneOf)');
    assert.equal(jsonSchemaError(schemaFile('train'), { ...trainCanonical, train: { stepz: 10 } }), '$.train.stepz (unknown)');
    assert.equal(jsonSchemaError(schemaFile('train'), { ...trainCanonical, coupling: 'ot' }), '$.coupling');
    assert.equal(jsonSchemaError(schemaFile('optimize-schedule'), { data: mixture1d, schedule: 'cosine', optimize: { nfe: 0 } }), '$.optimize.nfe');
  });
});

describe('shipped sweep files', () => {
  it('name schemas/sweep.json, parse, match it, and their base configs are canonical', () => {
    const files = readdirSync(join(root, 'configs', 'sweeps')).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 2);
    for (const f of files) {
      const json = readJson(join('configs', 'sweeps', f));
      assert.equal(json.$schema, '../../schemas/sweep.json', f);
      const spec = parseSweepSpec(json);
      assert.equal(jsonSchemaError(schemaFile('sweep'), json), null, f);
      if (typeof spec.config === 'string' && (CONFIG_COMMANDS as readonly string[]).includes(spec.command)) {
        const base = readJson(join('configs', 'sweeps', spec.config));
        assert.deepEqual(normalizeConfig(spec.command as ConfigCommand, base).warnings, [], f);
      }
    }
  });
});
