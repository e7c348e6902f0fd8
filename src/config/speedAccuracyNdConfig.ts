import { describe } from '../core/check.ts';
import { normalizeConfig } from './normalizeConfig.ts';
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import { Rng } from '../core/rng.ts';
import { checkerboard } from '../data/checkerboard.ts';
import { empiricalPointsFromNpy } from '../data/empiricalPoints.ts';
import { eightGaussiansCenters } from '../data/eightGaussians.ts';
import { type GaussianMixture, makeGaussianMixture, sampleGaussianMixture } from '../data/gaussianMixture.ts';
import { swissRoll } from '../data/swissRoll.ts';
import { twoMoons } from '../data/twoMoons.ts';
import { linearForceMixtureField, type MixtureData, mixtureFromPoints } from '../fields/linearForceMixtureField.ts';
import { otDisplacementField } from '../fields/otDisplacementField.ts';
import type { OtProtocolField } from '../fields/otProtocolField.ts';
import { semiDiscreteOtField } from '../fields/semiDiscreteOtField.ts';
import { linearForceProcess } from '../processes/linearForceProcess.ts';
import { scheduleProcess } from '../processes/scheduleProcess.ts';
import { type SwissRollForceParams, swissRollForce } from '../processes/swissRollForce.ts';
import { type NamedScheduleOptions, namedSchedule } from '../schedules/namedSchedule.ts';
import { type NdFlow, otFlow, processFlow } from '../thermo/ndFlow.ts';
import { QUADRATURE_DEFAULT_CELLS } from '../thermo/speedAccuracyQuadratureNd.ts';
import type { PerturbationSpec } from '../thermo/perturbation.ts';
import { perturbationNd } from '../thermo/perturbationNd.ts';
import { type SpeedAccuracyNdOptions, type SpeedAccuracyNdResult, speedAccuracyNd } from '../thermo/speedAccuracyNd.ts';
import { parseMixtureBlock, parsePerturbation } from './speedAccuracyConfig.ts';

/** Data kinds of the n-D experiment. */
export const ND_DATA_KINDS = ['gaussian-mixture', 'swiss-roll', 'moons', 'eight-gaussians', 'checkerboard', 'points', 'npy'] as const;
/** Schedules accepted in n-D (`ot` = the displacement-interpolation protocol). */
export const ND_SCHEDULES = ['cosine', 'cond-ot', 'vp-linear', 've', 'ot'] as const;

/** A validated n-D speed-accuracy config. */
export interface SpeedAccuracyNdConfig {
  /** The data: a Gaussian mixture, or an empirical cloud (point masses). */
  data: MixtureData;
  /** The data as points when it is empirical (needed by the OT protocol), else null. */
  points: Points | null;
  /** Human-readable data label. */
  dataLabel: string;
  protocol:
    | { kind: 'swiss-roll-force'; params: SwissRollForceParams }
    | { kind: 'schedule'; name: (typeof ND_SCHEDULES)[number] }
    | LinearProcessSpec;
  tau: number;
  perturbation: PerturbationSpec;
  engine: SpeedAccuracyNdOptions;
  /** vp-linear / ve parameters (betaMin, betaMax, sigmaMin, sigmaMax), as in the 1-D config. */
  scheduleOptions?: NamedScheduleOptions;
  /** OT protocol: Gaussian target samples (default = number of data points / 1000 for mixtures). */
  otTargetSamples: number;
  /**
   * OT protocol construction: `semi-discrete` (exact plan between the Gaussian and the data cloud,
   * 2-D only; the default in 2-D) or `kernel` (Eq. G19 estimate between two clouds; the default
   * otherwise). Both state their error.
   */
  otMethod: 'semi-discrete' | 'kernel';
}

/**
 * A time-homogeneous linear-force process dx = (A x + b) dt + sqrt(2 T) dB with any A (full
 * covariance moments, Eqs. B3-B4): config `{"kind": "linear", "A": [[..], ..], "b": [..], "temperature": T}`.
 */
export interface LinearProcessSpec {
  kind: 'linear';
  /** dim x dim, row-major. */
  A: number[];
  b: number[];
  temperature: number;
}

type Json = Record<string, unknown>;
const obj = (v: unknown, where: string): Json => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`expected an object, got ${describe(v)}`, where);
  return v as Json;
};
const finite = (v: unknown, where: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`expected a finite number, got ${describe(v)}`, where);
  return v;
};
const int = (v: unknown, where: string, min: number): number => {
  const x = finite(v, where);
  if (!Number.isInteger(x) || x < min) throw new InputError(`expected an integer >= ${min}, got ${x}`, where);
  return x;
};
const known = (o: Json, keys: readonly string[], where: string) => {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new InputError(`unknown key ${JSON.stringify(k)} (expected ${keys.join(', ')})`, where);
};

/**
 * True when a speed-accuracy config belongs to the n-D engine: it has a `process`, a data kind
 * other than `gaussian-mixture`, or Gaussian-mixture means of dimension > 1.
 */
export function isNdSpeedAccuracyConfig(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as Json;
  if ('process' in o) return true;
  const d = o.data as Json | undefined;
  if (!d || typeof d !== 'object') return false;
  if (d.kind !== 'gaussian-mixture') return typeof d.kind === 'string';
  const m = d.means;
  return Array.isArray(m) && Array.isArray(m[0]) && (m[0] as unknown[]).length > 1;
}

/**
 * Parse the n-D speed-accuracy config (documented in docs/multid.md):
 * ```json
 * {"data": {"kind": "swiss-roll", "n": 1000, "noise": 0.1, "seed": 1},
 *  "process": {"kind": "swiss-roll-force", "h": 1.1, "g": 3, "Tfin": 0.5},
 *  "tau": 3,
 *  "perturbation": {"kind": "normal", "mean": [0, 0], "std": 0.9},
 *  "particles": 1000, "steps": 120, "w1Times": 30, "splitTimes": 12, "seed": 1}
 * ```
 * `estimator`: `quadrature` (default in 1-3 D: deterministic node grids, `cells` / `coarseCells`
 * nodes per axis) or `particles` (default and only choice in d > 3, and the default whenever
 * `particles` is given: `particles` per cloud).
 * Instead of `process`, `schedule` (cosine | cond-ot | vp-linear | ve | ot). Data kinds:
 * gaussian-mixture (means/stds/weights), swiss-roll (n, noise, radius, seed), moons (n, noise,
 * seed), eight-gaussians (radius, std: an exact 8-component mixture), checkerboard (n, scale,
 * seed), points (rows: [[x, y], ...]) and npy (file: a path; needs `readFile`).
 * @param readFile reads a file's bytes (the CLI passes one; the library has no file system).
 * @throws InputError with the JSON path of the first problem.
 */
export function parseSpeedAccuracyNdConfig(json: unknown, readFile?: (path: string) => Uint8Array): SpeedAccuracyNdConfig {
  json = normalizeConfig('speed-accuracy', json).config; // old spellings, $schema, types and ranges (docs/config.md)
  const where = 'config';
  const o = obj(json, where);
  known(o, ['data', 'process', 'schedule', 'scheduleOptions', 'tau', 'perturbation', 'particles', 'steps', 'w1Times', 'splitTimes', 'seed', 'otTargetSamples', 'otMethod', 'estimator', 'cells', 'coarseCells', 'nodeW1'], where);
  for (const k of ['data', 'perturbation']) if (!(k in o)) throw new InputError(`missing key "${k}"`, where);
  if ('process' in o === 'schedule' in o) throw new InputError('expected exactly one of "process" and "schedule"', where);
  const d = obj(o.data, `${where}.data`);
  const kind = d.kind;
  let data: MixtureData;
  let points: Points | null = null;
  let dataLabel = String(kind);
  const seedOf = (w: string) => ('seed' in d ? int(d.seed, `${w}.seed`, 0) : 1);
  const optNum = (key: string, def: number) => (key in d ? finite(d[key], `${where}.data.${key}`) : def);
  switch (kind) {
    case 'gaussian-mixture':
      data = parseMixtureBlock(d, `${where}.data`);
      break;
    case 'swiss-roll': {
      known(d, ['kind', 'n', 'noise', 'radius', 'seed'], `${where}.data`);
      points = swissRoll(int(d.n ?? 1000, `${where}.data.n`, 1), new Rng(seedOf(`${where}.data`)), { noise: optNum('noise', 0.1), radius: optNum('radius', 4) });
      break;
    }
    case 'moons': {
      known(d, ['kind', 'n', 'noise', 'seed'], `${where}.data`);
      points = twoMoons(int(d.n ?? 1000, `${where}.data.n`, 1), new Rng(seedOf(`${where}.data`)), optNum('noise', 0.1));
      break;
    }
    case 'checkerboard': {
      known(d, ['kind', 'n', 'scale', 'seed'], `${where}.data`);
      points = checkerboard(int(d.n ?? 1000, `${where}.data.n`, 1), new Rng(seedOf(`${where}.data`)), optNum('scale', 1));
      break;
    }
    case 'eight-gaussians': {
      known(d, ['kind', 'radius', 'std'], `${where}.data`);
      const std = optNum('std', 0.2);
      data = makeGaussianMixture(eightGaussiansCenters(optNum('radius', 2)), new Array(8).fill(std), new Array(8).fill(1 / 8), `${where}.data`);
      break;
    }
    case 'points': {
      known(d, ['kind', 'rows'], `${where}.data`);
      if (!Array.isArray(d.rows) || d.rows.length === 0) throw new InputError('expected a non-empty array of rows', `${where}.data.rows`);
      const rows = d.rows as unknown[];
      const dim = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : 0;
      const flat = new Float64Array(rows.length * dim);
      rows.forEach((r, i) => {
        if (!Array.isArray(r) || r.length !== dim) throw new InputError(`expected ${dim} coordinates`, `${where}.data.rows[${i}]`);
        r.forEach((v, j) => {
          flat[i * dim + j] = finite(v, `${where}.data.rows[${i}][${j}]`);
        });
      });
      if (dim < 1) throw new InputError('expected rows of at least one coordinate', `${where}.data.rows[0]`);
      points = { data: flat, n: rows.length, dim };
      break;
    }
    case 'npy': {
      known(d, ['kind', 'file'], `${where}.data`);
      if (typeof d.file !== 'string') throw new InputError(`expected a file path, got ${describe(d.file)}`, `${where}.data.file`);
      if (!readFile) throw new InputError('npy data needs a file reader (use the CLI)', `${where}.data.file`);
      points = empiricalPointsFromNpy(readFile(d.file), d.file);
      dataLabel = `npy:${d.file}`;
      break;
    }
    default:
      throw new InputError(`unknown data kind ${describe(kind)}, expected one of ${ND_DATA_KINDS.join(', ')}`, `${where}.data.kind`);
  }
  if (points) data = mixtureFromPoints(points);
  const dim = data!.dim;
  const tau = 'tau' in o ? finite(o.tau, `${where}.tau`) : 1;
  if (!(tau > 0)) throw new InputError(`expected tau > 0, got ${tau}`, `${where}.tau`);
  let protocol: SpeedAccuracyNdConfig['protocol'];
  if ('process' in o) {
    const p = obj(o.process, `${where}.process`);
    if (p.kind === 'linear') {
      protocol = parseLinearProcess(p, dim, `${where}.process`);
    } else {
      if (p.kind !== 'swiss-roll-force') throw new InputError(`unknown process kind ${describe(p.kind)}, expected "swiss-roll-force" or "linear"`, `${where}.process.kind`);
      known(p, ['kind', 'h', 'g', 'Tfin'], `${where}.process`);
      for (const k of ['h', 'g', 'Tfin']) if (!(k in p)) throw new InputError(`missing key "${k}"`, `${where}.process`);
      if (dim !== 2) throw new InputError(`the swiss-roll-force process is 2-D, but the data is ${dim}-D`, `${where}.process`);
      const params = { h: finite(p.h, `${where}.process.h`), g: finite(p.g, `${where}.process.g`), Tfin: finite(p.Tfin, `${where}.process.Tfin`), tau };
      swissRollForce(params, `${where}.process`);
      protocol = { kind: 'swiss-roll-force', params };
    }
  } else {
    if (typeof o.schedule !== 'string' || !(ND_SCHEDULES as readonly string[]).includes(o.schedule)) {
      throw new InputError(`unknown schedule ${describe(o.schedule)}, expected one of ${ND_SCHEDULES.join(', ')}`, `${where}.schedule`);
    }
    protocol = { kind: 'schedule', name: o.schedule as (typeof ND_SCHEDULES)[number] };
  }
  const perturbation = parsePerturbation(o.perturbation, dim, `${where}.perturbation`);
  // unset keys keep the engine defaults, which depend on the estimator and the dimension
  const engine: SpeedAccuracyNdOptions = { seed: 'seed' in o ? int(o.seed, `${where}.seed`, 0) : 1 };
  if ('particles' in o) engine.nParticles = int(o.particles, `${where}.particles`, 2);
  if ('steps' in o) engine.steps = int(o.steps, `${where}.steps`, 4);
  if ('w1Times' in o) engine.nW1 = int(o.w1Times, `${where}.w1Times`, 2);
  if ('splitTimes' in o) engine.nSplit = int(o.splitTimes, `${where}.splitTimes`, 2);
  if ('estimator' in o) {
    if (o.estimator !== 'quadrature' && o.estimator !== 'particles') {
      throw new InputError(`unknown estimator ${describe(o.estimator)}, expected "quadrature" or "particles"`, `${where}.estimator`);
    }
    if (o.estimator === 'quadrature' && dim > 3) throw new InputError(`the quadrature estimator is for 1-3 dimensions, but the data is ${dim}-D; use "particles"`, `${where}.estimator`);
    engine.estimator = o.estimator;
  } else if ('particles' in o) {
    // a particle count without an estimator keeps the particle estimator (configs written before
    // the quadrature estimator became the default in 1-3 D run as before)
    engine.estimator = 'particles';
  }
  if ('cells' in o) engine.cells = int(o.cells, `${where}.cells`, 8);
  if ('coarseCells' in o) {
    engine.coarseCells = int(o.coarseCells, `${where}.coarseCells`, 4);
    const fine = engine.cells ?? QUADRATURE_DEFAULT_CELLS[dim] ?? 0;
    if (engine.coarseCells >= fine) throw new InputError(`expected coarseCells < cells (${fine}), got ${engine.coarseCells}`, `${where}.coarseCells`);
  }
  if ('nodeW1' in o) {
    if (typeof o.nodeW1 !== 'boolean') throw new InputError(`expected true or false, got ${describe(o.nodeW1)}`, `${where}.nodeW1`);
    if (engine.estimator === 'particles' || dim > 3) throw new InputError('nodeW1 is an option of the quadrature estimator, but this config uses "particles"', `${where}.nodeW1`);
    engine.nodeW1 = o.nodeW1;
  }
  let scheduleOptions: NamedScheduleOptions | undefined;
  if ('scheduleOptions' in o) {
    const so = obj(o.scheduleOptions, `${where}.scheduleOptions`);
    const keys = ['betaMin', 'betaMax', 'sigmaMin', 'sigmaMax'] as const;
    known(so, keys, `${where}.scheduleOptions`);
    scheduleOptions = {};
    for (const k of keys) if (k in so) scheduleOptions[k] = finite(so[k], `${where}.scheduleOptions.${k}`);
  }
  const otTargetSamples = 'otTargetSamples' in o ? int(o.otTargetSamples, `${where}.otTargetSamples`, 2) : (points?.n ?? 1000);
  let otMethod: SpeedAccuracyNdConfig['otMethod'] = dim === 2 ? 'semi-discrete' : 'kernel';
  if ('otMethod' in o) {
    if (o.otMethod !== 'semi-discrete' && o.otMethod !== 'kernel') {
      throw new InputError(`unknown otMethod ${describe(o.otMethod)}, expected "semi-discrete" or "kernel"`, `${where}.otMethod`);
    }
    if (o.otMethod === 'semi-discrete' && dim !== 2) {
      throw new InputError(`the semi-discrete OT construction is 2-D only, but the data is ${dim}-D; use "kernel"`, `${where}.otMethod`);
    }
    otMethod = o.otMethod;
  }
  return { data: data!, points, dataLabel, protocol, tau, perturbation, engine, scheduleOptions, otTargetSamples, otMethod };
}

/** Parse `{"kind": "linear", "A": [[..]], "b"?: [..], "temperature": T}` for `dim`-D data. */
export function parseLinearProcess(p: Json, dim: number, where: string): LinearProcessSpec {
  known(p, ['kind', 'A', 'b', 'temperature'], where);
  for (const k of ['A', 'temperature']) if (!(k in p)) throw new InputError(`missing key "${k}"`, where);
  if (!Array.isArray(p.A) || p.A.length !== dim) {
    throw new InputError(`expected a ${dim}x${dim} matrix (${dim} rows, the data dimension), got ${describe(p.A)}`, `${where}.A`);
  }
  const A: number[] = [];
  (p.A as unknown[]).forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== dim) throw new InputError(`expected ${dim} entries, got ${describe(row)}`, `${where}.A[${i}]`);
    for (let j = 0; j < dim; j++) A.push(finite(row[j], `${where}.A[${i}][${j}]`));
  });
  let b = new Array<number>(dim).fill(0);
  if ('b' in p) {
    if (!Array.isArray(p.b) || p.b.length !== dim) throw new InputError(`expected ${dim} entries, got ${describe(p.b)}`, `${where}.b`);
    b = (p.b as unknown[]).map((v, i) => finite(v, `${where}.b[${i}]`));
  }
  const temperature = finite(p.temperature, `${where}.temperature`);
  if (!(temperature >= 0)) throw new InputError(`expected a temperature >= 0, got ${temperature}`, `${where}.temperature`);
  return { kind: 'linear', A, b, temperature };
}

/** The OT-protocol field of a config: semi-discrete (exact) or kernel (Eq. G19), see `otMethod`. */
function otProtocolField(config: SpeedAccuracyNdConfig, rng: Rng): OtProtocolField {
  const { tau, data } = config;
  // the data cloud: the points themselves, or otTargetSamples exact draws of the mixture
  const src = config.points ?? sampleGaussianMixture(data as GaussianMixture, config.otTargetSamples, rng);
  if (config.otMethod === 'semi-discrete') return semiDiscreteOtField(src, { mean: [0, 0], std: 1 }, tau);
  const target = new Float64Array(src.n * data.dim);
  for (let i = 0; i < target.length; i++) target[i] = rng.normal();
  return otDisplacementField(src, { data: target, n: src.n, dim: data.dim }, tau);
}

/**
 * Build the flow of a parsed config and run {@link speedAccuracyNd}. Schedules start the reverse
 * process at 0.999 tau (their force is singular at tau); OT needs point data or samples a Gaussian
 * mixture (otTargetSamples points) to build the plan.
 */
export function runSpeedAccuracyNd(config: SpeedAccuracyNdConfig, onProgress?: SpeedAccuracyNdOptions['onProgress']): SpeedAccuracyNdResult {
  const { tau, data } = config;
  const rng = new Rng((config.engine.seed ?? 1) + 7919);
  let flow: NdFlow;
  if (config.protocol.kind === 'swiss-roll-force') {
    flow = processFlow(linearForceMixtureField(swissRollForce(config.protocol.params), data));
  } else if (config.protocol.kind === 'linear') {
    const { A, b, temperature } = config.protocol;
    const process = linearForceProcess({ name: 'linear', dim: data.dim, tau, forceMatrix: () => A, forceOffset: () => b, temperature: () => temperature });
    flow = processFlow(linearForceMixtureField(process, data));
  } else if (config.protocol.name === 'ot') {
    flow = otFlow(otProtocolField(config, rng), { mean: new Array(data.dim).fill(0), std: 1 });
  } else {
    const s = namedSchedule(config.protocol.name, tau, config.scheduleOptions);
    flow = processFlow(linearForceMixtureField(scheduleProcess(s, data.dim), data), { tMax: 0.999 * tau });
  }
  const r = speedAccuracyNd(flow, perturbationNd(config.perturbation, data.dim), { ...config.engine, onProgress });
  return { ...r, protocol: `${flow.name} on ${config.dataLabel}` };
}
