/**
 * The 2-D tab: Swiss roll (or Gaussian) data under the Swiss-roll force of Eq. 99 with g as a slider.
 * The form builds an n-D speed-accuracy config (the CLI's dialect), validated by the library's parser;
 * one compute worker runs it (terminated and restarted when a control changes during a run), posts
 * the result and then the estimator's errors (ndErrors.ts). For Gaussian data the closed forms
 * (gaussianExact.ts) are shown beside the estimates.
 */
import { InputError, parseSpeedAccuracyNdConfig, type SpeedAccuracyNdResult } from '../../src/index.ts';
import { type GaussianExact, gaussianSwissRollExact } from './gaussianExact.ts';
import { quantities, replicateErrors } from './ndErrors.ts';
import type { NdErrors, NdKey, NdRequest, NdWorkerMessage } from './ndProtocol.ts';
import { renderSnapshots } from './ndSvg.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`lab: element #${id} missing from nd.html`);
  return e as T;
};

// vega (~900 kB) loads in parallel with the first computation
const charts = import('./ndCharts.ts');

const form = $<HTMLFormElement>('nd-controls');
const statusEl = $('nd-status');
const resultsEl = $('nd-results');
const errorsEl = $('nd-form-errors');

/** Engine sizes of the tab (the config carries them, so the CLI runs the same). */
const STEPS = 60;
const W1_TIMES = 16;
/** Extra engine seeds for the replicate error (2 -> the sd of 3 runs). */
const EXTRA_SEEDS = 2;

type Case = 'swiss-roll' | 'gaussian';
interface NdState {
  case: Case;
  n: string;
  s0: string;
  g: string;
  h: string;
  tfin: string;
  tau: string;
  r: string;
  particles: string;
  seed: string;
}
const DEFAULTS: Record<Case, NdState> = {
  'swiss-roll': { case: 'swiss-roll', n: '500', s0: '0.5', g: '3', h: '1.1', tfin: '0.5', tau: '3', r: '0.9', particles: '400', seed: '1' },
  gaussian: { case: 'gaussian', n: '500', s0: '0.5', g: '3', h: '1.1', tfin: '0.5', tau: '3', r: '0.6', particles: '400', seed: '1' },
};
const FIELDS: [keyof NdState, string, string][] = [
  ['n', 'nd-n', 'Data points'],
  ['s0', 'nd-s0', 'Data std s0'],
  ['g', 'nd-g', 'Rotation g'],
  ['h', 'nd-h', 'Contraction h'],
  ['tfin', 'nd-tfin', 'T_fin'],
  ['tau', 'nd-tau', 'Horizon tau'],
  ['r', 'nd-r', 'Start std r'],
  ['particles', 'nd-particles', 'Particles'],
  ['seed', 'nd-seed', 'Seed'],
];
let state: NdState = { ...DEFAULTS['swiss-roll'] };

// ---------- form ----------

function renderForm(): void {
  $<HTMLSelectElement>('nd-case').value = state.case;
  for (const [key, id] of FIELDS) ($(id) as HTMLInputElement | HTMLSelectElement).value = state[key];
  $('nd-g-value').textContent = state.g;
  $('nd-swiss-options').hidden = state.case !== 'swiss-roll';
  $('nd-gauss-options').hidden = state.case !== 'gaussian';
}

/** The library's JSON path of a field -> the input that holds it. */
const PATH_TO_FIELD: [RegExp, string][] = [
  [/^config\.data\.n/, 'nd-n'],
  [/^config\.data\.stds/, 'nd-s0'],
  [/^config\.process\.g/, 'nd-g'],
  [/^config\.process\.h/, 'nd-h'],
  [/^config\.process\.Tfin/, 'nd-tfin'],
  [/^config\.tau/, 'nd-tau'],
  [/^config\.perturbation/, 'nd-r'],
  [/^(config\.)?perturbation/, 'nd-r'],
  [/^config\.particles/, 'nd-particles'],
  [/^config\.seed/, 'nd-seed'],
];

interface FieldError {
  field: string | null;
  message: string;
}

function clearErrors(): void {
  errorsEl.replaceChildren();
  for (const e of form.querySelectorAll('[aria-invalid="true"]')) e.removeAttribute('aria-invalid');
}

function showErrors(errors: FieldError[]): void {
  clearErrors();
  const p = document.createElement('p');
  p.textContent = 'Please fix this:';
  const ul = document.createElement('ul');
  for (const e of errors) {
    const li = document.createElement('li');
    const target = e.field ? document.getElementById(e.field) : null;
    const label = FIELDS.find(([, id]) => id === e.field)?.[2];
    const text = label ? `${label}: ${e.message}` : e.message;
    if (target) {
      target.setAttribute('aria-invalid', 'true');
      const a = document.createElement('a');
      a.href = `#${target.id}`;
      a.textContent = text;
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        target.focus();
      });
      li.appendChild(a);
    } else {
      li.textContent = text;
    }
    ul.appendChild(li);
  }
  errorsEl.append(p, ul);
}

function num(key: keyof NdState, errors: FieldError[]): number {
  const raw = state[key].trim();
  const v = raw === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v)) errors.push({ field: FIELDS.find(([k]) => k === key)?.[1] ?? null, message: `expected a number, got ${JSON.stringify(state[key])}` });
  return v;
}

/** The config of the form (the CLI's n-D dialect), or null with the errors shown. */
function validConfig(): Record<string, unknown> | null {
  const errors: FieldError[] = [];
  const g = num('g', errors);
  const h = num('h', errors);
  const Tfin = num('tfin', errors);
  const tau = num('tau', errors);
  const r = num('r', errors);
  const particles = num('particles', errors);
  const seed = num('seed', errors);
  const data =
    state.case === 'swiss-roll'
      ? { kind: 'swiss-roll', n: num('n', errors), noise: 0.1, seed: 1 }
      : { kind: 'gaussian-mixture', means: [[0, 0]], stds: [num('s0', errors)], weights: [1] };
  if (errors.length > 0) {
    showErrors(errors);
    return null;
  }
  const config = {
    data,
    process: { kind: 'swiss-roll-force', h, g, Tfin },
    tau,
    perturbation: { kind: 'normal', mean: [0, 0], std: r },
    particles,
    steps: STEPS,
    w1Times: W1_TIMES,
    seed,
  };
  try {
    parseSpeedAccuracyNdConfig(config);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    showErrors([{ field: fieldFor(err.where ?? null), message: err.message }]);
    return null;
  }
  clearErrors();
  return config;
}

function fieldFor(where: string | null): string | null {
  if (!where) return null;
  return PATH_TO_FIELD.find(([re]) => re.test(where))?.[1] ?? null;
}

// ---------- running ----------

let worker: Worker | null = null;
let busy = false;
let runId = 0;
let pendingConfig: Record<string, unknown> | null = null;
let completed = 0;
let errorsCompleted = 0;
let firstResult = true;
let resultText = '';
let errorsText = '';
let shown: { r: SpeedAccuracyNdResult; exact: GaussianExact | null } | null = null;

function setStatus(kind: 'running' | 'done' | 'invalid' | 'error', text: string): void {
  resultsEl.dataset.state = kind;
  resultsEl.setAttribute('aria-busy', kind === 'running' ? 'true' : 'false');
  resultsEl.classList.toggle('stale', kind !== 'done');
  statusEl.textContent = text;
}

function newWorker(): Worker {
  const w = new Worker(new URL('./ndWorker.ts', import.meta.url), { type: 'module', name: 'thermodiff-nd' });
  w.onmessage = (e: MessageEvent<NdWorkerMessage>) => onMessage(e.data);
  w.onerror = (e) => {
    busy = false;
    setStatus('error', `The compute worker failed: ${e.message || 'unknown error'}.`);
  };
  return w;
}

// ---------- error replicates: one worker per extra seed, in parallel, after the main result ----------

/** Replicate workers; an entry is null once terminated. */
let replicaWorkers: (Worker | null)[] = [];
let replicasBusy = false;
let replicaQuantities: (Record<NdKey, number> | null)[] = [];
let replicaStart = 0;

function stopReplicas(): void {
  if (!replicasBusy) return;
  // synchronous work cannot be interrupted: superseded replicates are terminated
  for (const w of replicaWorkers) w?.terminate();
  replicaWorkers = [];
  replicasBusy = false;
}

function startReplicas(main: SpeedAccuracyNdResult, config: Record<string, unknown>): void {
  const id = runId;
  replicasBusy = true;
  replicaStart = performance.now();
  replicaQuantities = new Array(EXTRA_SEEDS).fill(null);
  for (let k = 0; k < EXTRA_SEEDS; k++) {
    const w = replicaWorkers[k] ?? new Worker(new URL('./ndWorker.ts', import.meta.url), { type: 'module', name: `thermodiff-nd-seed-${k + 2}` });
    replicaWorkers[k] = w;
    w.onmessage = (e: MessageEvent<NdWorkerMessage>) => {
      const m = e.data;
      if (m.id !== id || id !== runId) return;
      if (m.kind === 'error') {
        replicasBusy = false;
        $('nd-error-note').textContent = `The error replicates failed: ${m.message}`;
        return;
      }
      if (m.kind !== 'result') return;
      replicaQuantities[k] = quantities(m.result);
      if (replicaQuantities.every((q) => q !== null)) {
        replicasBusy = false;
        errorsDone(replicateErrors(main, [quantities(main), ...(replicaQuantities as Record<NdKey, number>[])]), performance.now() - replicaStart);
      }
    };
    const req: NdRequest = { id, config: { ...config, seed: (config.seed as number) + 1 + k } };
    w.postMessage(req);
  }
}

function errorsDone(errors: NdErrors, ms: number): void {
  showErrorsColumn(errors);
  errorsCompleted += 1;
  resultsEl.dataset.errors = 'done';
  resultsEl.dataset.errorsRun = String(errorsCompleted);
  errorsText = ms > 0 ? `Errors from ${errors.method} in ${(ms / 1000).toFixed(2)} s (${EXTRA_SEEDS} workers in parallel).` : '';
  if (resultsEl.dataset.state === 'done') statusEl.textContent = `${resultText} ${errorsText}`;
}

function run(config: Record<string, unknown>): void {
  if (busy && worker) {
    // synchronous work cannot be interrupted: a superseded run is terminated
    worker.terminate();
    worker = null;
  }
  stopReplicas();
  worker ??= newWorker();
  runId += 1;
  busy = true;
  pendingConfig = config;
  resultsEl.dataset.errors = 'pending';
  setStatus('running', 'Computing…');
  // the error replicates run afterwards in their own workers (startReplicas), in parallel
  const req: NdRequest = { id: runId, config };
  worker.postMessage(req);
}

function onMessage(m: NdWorkerMessage): void {
  if (m.id !== runId) return;
  if (m.kind === 'progress') {
    setStatus('running', `Computing… ${Math.round((100 * m.done) / m.total)}% (${m.label})`);
    return;
  }
  if (m.kind === 'error') {
    busy = false;
    if (m.inputError) {
      showErrors([{ field: fieldFor(m.where), message: m.message }]);
      setStatus('invalid', 'This configuration cannot be computed (see the message above the form); the results below are for the last one that could.');
    } else {
      setStatus('error', `Internal error in the computation: ${m.message}`);
    }
    return;
  }
  busy = false;
  const config = pendingConfig as Record<string, unknown>;
  // showResult fills the table synchronously (charts follow), so the errors land in the new rows
  const drawn = showResult(m.result, config);
  if (m.errors) errorsDone(m.errors, 0);
  else startReplicas(m.result, config);
  drawn
    .then(() => {
      let text = `Done: g = ${(config.process as { g: number }).g}, ${m.result.settings.nParticles} particles, computed in ${(m.ms / 1000).toFixed(2)} s in a Web Worker.`;
      if (firstResult) {
        firstResult = false;
        const measure = performance.measure('lab:nd-first-result', { start: 0, end: performance.now() });
        text += ` First result ${(measure.duration / 1000).toFixed(2)} s after the page started loading.`;
      }
      resultText = text;
      completed += 1;
      resultsEl.dataset.run = String(completed);
      const pending = resultsEl.dataset.errors !== 'done';
      setStatus('done', pending ? `${text} Estimating the errors (${EXTRA_SEEDS} more particle seeds)…` : `${text} ${errorsText}`);
    })
    .catch((err: unknown) => setStatus('error', `Could not draw the charts: ${err instanceof Error ? err.message : String(err)}`));
}

// ---------- results ----------

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(5) : x.toExponential(4));
const fmtErr = (x: number) => (x === 0 ? '0' : x.toPrecision(2));

const ROWS: [NdKey, string, string][] = [
  ['eta', 'η = (ΔW₁)² / (τ D₀)', 'eta'],
  ['c1', 'c₁ = ∫ vₗₒₛₛ² dt', 'c1'],
  ['c2', 'c₂ = ∫ v₂² dt (excess)', 'c2'],
  ['wD', 'w_D = ∫ T Ṡ dt', 'wd'],
  ['housekeeping', 'housekeeping = w_D − c₂', 'housekeeping'],
  ['d0', 'D₀ (Pearson χ², Eq. 78)', 'd0'],
  ['w1Start', 'W₁ at reverse start (t = τ)', 'w1-start'],
  ['w1End', 'W₁ at reverse end (t = 0)', 'w1-end'],
];

function cell(tr: HTMLElement, testid: string, v: number | null, text: string): void {
  const td = document.createElement('td');
  td.dataset.testid = testid;
  if (v !== null) {
    // String(v): the shortest round-trip decimal, what the CLI's --json prints
    td.dataset.value = String(v);
    td.title = String(v);
  }
  td.textContent = text;
  tr.appendChild(td);
}

function renderTable(r: SpeedAccuracyNdResult, exact: GaussianExact | null): void {
  const tbody = $('nd-numbers').querySelector('tbody') as HTMLElement;
  tbody.replaceChildren();
  $('nd-numbers').classList.toggle('with-exact', exact !== null);
  for (const [key, label, id] of ROWS) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = label;
    tr.appendChild(th);
    cell(tr, `nd-${id}`, r[key], fmt(r[key]));
    cell(tr, `nd-${id}-err`, null, '…');
    if (exact) {
      const e = exact[key];
      cell(tr, `nd-${id}-exact`, e, fmt(e));
      const dev = e === 0 ? (r[key] === 0 ? 0 : Number.NaN) : r[key] / e - 1;
      cell(tr, `nd-${id}-dev`, Number.isFinite(dev) ? dev : null, Number.isFinite(dev) ? `${dev >= 0 ? '+' : ''}${(100 * dev).toFixed(1)} %` : e === 0 ? 'exact 0' : '–');
      if (Math.abs(dev) > 0.05) tr.classList.add('biased');
    }
    tbody.appendChild(tr);
  }
}

function showErrorsColumn(errors: NdErrors): void {
  $('nd-err-head').textContent = `error (${errors.method})`;
  for (const [key, , id] of ROWS) {
    const td = document.querySelector<HTMLElement>(`[data-testid="nd-${id}-err"]`);
    if (!td) continue;
    const v = errors.values[key];
    if (v === undefined) {
      td.textContent = 'n/a';
      delete td.dataset.value;
      continue;
    }
    td.dataset.value = String(v);
    td.title = String(v);
    if (v === 0 && errors.replicates) {
      // the same for every particle seed (housekeeping: the exact field at the split times); its
      // time-grid error is not estimated here (the Gaussian case shows it against the closed form)
      td.textContent = 'seed-independent';
      continue;
    }
    const est = shown?.r[key] ?? 0;
    td.textContent = `± ${fmtErr(v)}${est !== 0 ? ` (${((100 * v) / Math.abs(est)).toFixed(v / Math.abs(est) < 0.01 ? 2 : 0)} %)` : ''}`;
  }
  const note = $('nd-error-note');
  const d0 = shown?.r.d0MonteCarlo;
  note.textContent =
    `Errors: ${errors.method}; this measures the random error of one run, not its bias.` +
    (d0 ? ` D₀ is a grid quadrature (the same for every seed); its error column is the gap to the library's Monte Carlo cross-check ${fmt(d0.value)} ± ${fmtErr(d0.stderr)}.` : '') +
    ' Housekeeping uses the exact velocity field at 12 times, so it does not vary with the seed; its time-grid error is not in this column.' +
    (shown?.exact ? ' The exact column also shows what the seed spread cannot: bias and time-grid error.' : ' The Gaussian case compares every number with its closed form, which also shows what the seed spread cannot (bias, time-grid error).');
}

async function showResult(r: SpeedAccuracyNdResult, config: Record<string, unknown>): Promise<void> {
  let exact: GaussianExact | null = null;
  if (state.case === 'gaussian') {
    const p = config.process as { h: number; g: number; Tfin: number };
    const s0 = (config.data as { stds: number[] }).stds[0];
    exact = gaussianSwissRollExact({ h: p.h, g: p.g, Tfin: p.Tfin, tau: config.tau as number }, s0, (config.perturbation as { std: number }).std);
  }
  shown = { r, exact };
  renderTable(r, exact);
  $('nd-error-note').textContent = 'Errors: computing 2 more particle seeds…';
  const chain = $('nd-chain');
  const rel = r.conservative ? 'η ≤ c₁ ≤ c₂ = w_D' : 'η ≤ c₁ ≤ w_D';
  chain.textContent = r.chainHolds ? `${rel} holds for the estimates.` : `${rel} is VIOLATED by the estimates (beyond the stated slack).`;
  chain.className = r.chainHolds ? 'chain ok' : 'chain bad';
  const tbody = $('nd-checks').querySelector('tbody') as HTMLElement;
  tbody.replaceChildren();
  for (const c of r.checks) {
    const tr = document.createElement('tr');
    for (const text of [c.name, fmt(c.value), fmt(c.tolerance), c.ok ? 'ok' : 'FAIL']) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    }
    tr.className = c.ok ? 'ok' : 'bad';
    tbody.appendChild(tr);
  }
  $('nd-config-json').textContent = JSON.stringify(config, null, 2);
  renderSnapshots(r, $('nd-snapshots'));
  await (await charts).renderNdCharts(r, exact, { w1: $('nd-chart-w1'), speeds: $('nd-chart-speeds') });
}

// ---------- events ----------

let debounce: ReturnType<typeof setTimeout> | undefined;
function changed(immediate: boolean): void {
  clearTimeout(debounce);
  const go = () => {
    const config = validConfig();
    if (config) run(config);
    else setStatus('invalid', 'Fix the fields listed above the form; the results below are for the last valid configuration.');
  };
  if (immediate) go();
  else debounce = setTimeout(go, 400);
}

form.addEventListener('input', (e) => {
  const t = e.target as HTMLInputElement;
  if (t instanceof HTMLSelectElement) return;
  const f = FIELDS.find(([, id]) => id === t.id);
  if (!f) return;
  (state as unknown as Record<string, string>)[f[0]] = t.value;
  if (t.id === 'nd-g') $('nd-g-value').textContent = t.value;
  changed(false);
});

form.addEventListener('change', (e) => {
  const t = e.target as HTMLElement;
  if (!(t instanceof HTMLSelectElement)) return;
  if (t.id === 'nd-case') {
    const keep = { g: state.g, h: state.h, tfin: state.tfin, tau: state.tau, particles: state.particles, seed: state.seed };
    state = { ...DEFAULTS[t.value as Case], ...keep };
    renderForm();
  } else if (t.id === 'nd-particles') {
    state.particles = t.value;
  }
  changed(true);
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  changed(true);
});

$('nd-reset').addEventListener('click', () => {
  state = { ...DEFAULTS[state.case] };
  renderForm();
  changed(true);
});

renderForm();
changed(true);
