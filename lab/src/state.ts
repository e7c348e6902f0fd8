/**
 * The lab's form state (strings as typed), the Fig. 6 presets, and the translation of the state into
 * a speed-accuracy config JSON identical to the files in configs/ (same keys, same order), with field
 * errors for text that is not a number. Everything beyond "is it a number" is validated by the
 * library's own parser (parseSpeedAccuracyConfig), whose error paths {@link fieldForPath} maps back to
 * form fields.
 */

/** One mixture component as typed in the table. */
export interface ComponentRow {
  mean: string;
  std: string;
  weight: string;
}

export const PERTURBATION_KINDS = ['mean', 'variance', 'mixture', 'uniform'] as const;
export type PerturbationKind = (typeof PERTURBATION_KINDS)[number];

export const SCHEDULES = ['cosine', 'cond-ot', 'ot', 'vp-linear', 've'] as const;
export type ScheduleChoice = (typeof SCHEDULES)[number];

export interface LabState {
  dataPreset: string;
  data: ComponentRow[];
  schedule: ScheduleChoice;
  betaMin: string;
  betaMax: string;
  sigmaMin: string;
  sigmaMax: string;
  tau: string;
  perturbation: PerturbationKind;
  pertMean: string;
  pertStd: string;
  pertLow: string;
  pertHigh: string;
  pertRows: ComponentRow[];
}

const row = (mean: number, std: number, weight: number): ComponentRow => ({ mean: String(mean), std: String(std), weight: String(weight) });

/** Data presets. `fig6` is Eq. 96 with the parameters that reproduce Fig. 6 and Table I (docs/theory.md). */
export const DATA_PRESETS: Record<string, { label: string; rows: ComponentRow[] }> = {
  fig6: { label: 'Fig. 6: ½N(−0.6, 0.3²) + ½N(0.6, 0.3²)', rows: [row(-0.6, 0.3, 0.5), row(0.6, 0.3, 0.5)] },
  gaussian: { label: 'one Gaussian: N(1, 0.5²)', rows: [row(1, 0.5, 1)] },
  separated: { label: 'well separated: ½N(±1.5, 0.2²)', rows: [row(-1.5, 0.2, 0.5), row(1.5, 0.2, 0.5)] },
  asymmetric: {
    label: 'three peaks, unequal weights',
    rows: [row(-1.2, 0.25, 0.2), row(0.2, 0.3, 0.5), row(1.5, 0.2, 0.3)],
  },
};

/** The perturbed starts of Fig. 6 b-e (the same numbers as configs/fig6-*.json). */
export const PERTURBATION_DEFAULTS: Record<PerturbationKind, Partial<LabState>> = {
  mean: { pertMean: '1', pertStd: '1' },
  variance: { pertMean: '0', pertStd: '0.8' },
  mixture: { pertRows: [row(-0.917, 0.4, 0.5), row(0.917, 0.4, 0.5)] },
  uniform: { pertLow: String(-Math.sqrt(3)), pertHigh: String(Math.sqrt(3)) },
};

/** The state of configs/fig6-mean-cosine.json: the experiment the page runs on load. */
export function defaultState(): LabState {
  return {
    dataPreset: 'fig6',
    data: DATA_PRESETS.fig6.rows.map((r) => ({ ...r })),
    schedule: 'cosine',
    // the library's defaults for vp-linear and ve (namedSchedule)
    betaMin: '0.1',
    betaMax: '20',
    sigmaMin: '0.01',
    sigmaMax: '50',
    tau: '1',
    perturbation: 'mean',
    pertMean: '1',
    pertStd: '1',
    pertLow: String(-Math.sqrt(3)),
    pertHigh: String(Math.sqrt(3)),
    pertRows: (PERTURBATION_DEFAULTS.mixture.pertRows as ComponentRow[]).map((r) => ({ ...r })),
  };
}

/** A problem with one form field (or a group, e.g. a fieldset id). */
export interface FieldError {
  field: string;
  message: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parse a typed number: decimal or exponent notation, a Unicode minus accepted; nothing else (no
 * empty text, hex, "Infinity" or trailing words).
 */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(/\u2212/g, '-');
  if (!NUMBER.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Human names of the fields, for messages ("Data component 2, std"). */
export function fieldLabel(field: string): string {
  const m = /^(data|pert)-(mean|std|weight)-(\d+)$/.exec(field);
  if (m) return `${m[1] === 'data' ? 'Data' : 'Perturbation'} component ${Number(m[3]) + 1}, ${m[2]}`;
  const names: Record<string, string> = {
    tau: 'Horizon τ',
    schedule: 'Schedule',
    'beta-min': 'β_min',
    'beta-max': 'β_max',
    'sigma-min': 'σ_min',
    'sigma-max': 'σ_max',
    'pert-mean': 'Perturbation mean',
    'pert-std': 'Perturbation std',
    'pert-low': 'Perturbation low',
    'pert-high': 'Perturbation high',
    perturbation: 'Perturbation',
    'data-fieldset': 'Data',
    'data-weights': 'Data weights',
    'pert-weights': 'Perturbation weights',
    'vp-options': 'vp-linear options',
    've-options': 've options',
  };
  return names[field] ?? field;
}

/**
 * The form field behind a library error path (`InputError.where`), e.g. `config.data.stds[1]` ->
 * `data-std-1`, `vpLinearSchedule.betaMin` -> `beta-min`. Unknown paths map to null (the message is
 * still shown in the summary).
 */
export function fieldForPath(where: string | null): string | null {
  if (!where) return null;
  const comp = /^config\.(data|perturbation)\.(means|stds|weights)\[(\d+)\]/.exec(where);
  if (comp) {
    const prefix = comp[1] === 'data' ? 'data' : 'pert';
    const kind = { means: 'mean', stds: 'std', weights: 'weight' }[comp[2] as 'means' | 'stds' | 'weights'];
    return `${prefix}-${kind}-${comp[3]}`;
  }
  if (/^config\.data\.weights$/.test(where)) return 'data-weights';
  if (/^config\.perturbation\.weights$/.test(where)) return 'pert-weights';
  if (/^config\.data/.test(where)) return 'data-fieldset';
  if (where === 'config.tau') return 'tau';
  if (/^config\.perturbation\.(mean|std|low|high)/.test(where)) return `pert-${/^config\.perturbation\.(mean|std|low|high)/.exec(where)?.[1]}`;
  if (/^config\.perturbation/.test(where)) return 'perturbation';
  for (const [key, field] of [['betaMin', 'beta-min'], ['betaMax', 'beta-max'], ['sigmaMin', 'sigma-min'], ['sigmaMax', 'sigma-max']] as const) {
    if (where.includes(key)) return field;
  }
  if (/^vpLinear/.test(where)) return 'vp-options';
  if (/^ve\b/.test(where)) return 've-options';
  if (/schedule/.test(where)) return 'schedule';
  return null;
}

/** The error message without the library's `where: ` prefix. */
export function stripWhere(message: string, where: string | null): string {
  return where && message.startsWith(`${where}: `) ? message.slice(where.length + 2) : message;
}

function mixtureJson(rows: ComponentRow[], prefix: 'data' | 'pert', errors: FieldError[]) {
  const means: number[][] = [];
  const stds: number[] = [];
  const weights: number[] = [];
  rows.forEach((r, i) => {
    for (const [key, text, out] of [
      ['mean', r.mean, null],
      ['std', r.std, stds],
      ['weight', r.weight, weights],
    ] as const) {
      const v = parseNumber(text);
      if (v === null) {
        errors.push({ field: `${prefix}-${key}-${i}`, message: `expected a number, got ${JSON.stringify(text)}` });
        continue;
      }
      if (out) out.push(v);
      else means.push([v]);
    }
  });
  return { kind: 'gaussian-mixture', means, stds, weights };
}

/**
 * The config JSON of a state, in the key order of configs/fig6-*.json, or the fields whose text is
 * not a number. The JSON is NOT otherwise validated here: pass it to parseSpeedAccuracyConfig.
 */
export function configFromState(s: LabState): { config: Record<string, unknown> | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const num = (text: string, field: string): number => {
    const v = parseNumber(text);
    if (v === null) errors.push({ field, message: `expected a number, got ${JSON.stringify(text)}` });
    return v ?? Number.NaN;
  };
  const data = mixtureJson(s.data, 'data', errors);
  const tau = num(s.tau, 'tau');
  let perturbation: Record<string, unknown>;
  if (s.perturbation === 'mean' || s.perturbation === 'variance') {
    perturbation = { kind: 'normal', mean: [num(s.pertMean, 'pert-mean')], std: num(s.pertStd, 'pert-std') };
  } else if (s.perturbation === 'uniform') {
    perturbation = { kind: 'uniform', low: [num(s.pertLow, 'pert-low')], high: [num(s.pertHigh, 'pert-high')] };
  } else {
    perturbation = mixtureJson(s.pertRows, 'pert', errors);
  }
  const config: Record<string, unknown> = { data, schedule: s.schedule, tau, perturbation };
  if (s.schedule === 'vp-linear') config.scheduleOptions = { betaMin: num(s.betaMin, 'beta-min'), betaMax: num(s.betaMax, 'beta-max') };
  if (s.schedule === 've') config.scheduleOptions = { sigmaMin: num(s.sigmaMin, 'sigma-min'), sigmaMax: num(s.sigmaMax, 'sigma-max') };
  return errors.length > 0 ? { config: null, errors } : { config, errors };
}

/**
 * Divide the weights by their sum, 6 significant digits each; the largest absorbs the rounding so that
 * the sum is 1 well within the library's 1e-9.
 */
export function normaliseWeights(rows: ComponentRow[], field: string): FieldError | null {
  const w = rows.map((r) => parseNumber(r.weight));
  if (w.some((v) => v === null || v < 0)) return { field, message: 'every weight must be a number >= 0 before normalising' };
  const ws = w as number[];
  const sum = ws.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return { field, message: 'the weights sum to 0; give at least one a positive value' };
  const v = ws.map((x) => Number((x / sum).toPrecision(6)));
  const big = ws.indexOf(Math.max(...ws));
  v[big] = Number((v[big] + 1 - v.reduce((a, b) => a + b, 0)).toPrecision(12));
  rows.forEach((r, i) => {
    r.weight = String(v[i]);
  });
  return null;
}
