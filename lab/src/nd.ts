/**
 * The 2-D tab: Swiss roll (or Gaussian) data under the Swiss-roll force of Eq. 99 with g as a slider.
 * The form builds an n-D speed-accuracy config (the CLI's dialect), validated by the library's parser;
 * one compute worker runs it with the library's default estimator in 2-D, deterministic quadrature
 * (or, if chosen, the particle estimator), and is terminated and restarted when a control changes
 * during a run or Stop is pressed. Every number is shown with the library's own error estimate and
 * flag (ndErrors.ts), as the CLI prints them. For Gaussian data the closed forms (gaussianExact.ts)
 * are shown beside the estimates.
 */

import { InputError, parseSpeedAccuracyNdConfig, type SpeedAccuracyNdResult } from '../../src/index.ts';
import { byId, formRerun, INVALID_TEXT, renderChecks, setResultsStatus } from './dom.ts';
import { type GaussianExact, gaussianSwissRollExact } from './gaussianExact.ts';
import type { NdErrors, NdKey, NdRequest, NdWorkerMessage } from './ndProtocol.ts';
import { renderSnapshots } from './ndSvg.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => byId<T>(id, 'nd.html');

// vega (~900 kB) loads in parallel with the first computation
const charts = import('./ndCharts.ts');

const form = $<HTMLFormElement>('nd-controls');
const statusEl = $('nd-status');
const resultsEl = $('nd-results');
const errorsEl = $('nd-form-errors');

/**
 * Engine sizes of the particle estimator (the config carries them, so the CLI runs the same). The
 * quadrature estimator runs with the library's defaults (48 / 36 nodes per axis, 120 RK4 steps, W1 at
 * 30 times): its config holds no engine sizes, so it is what `thermodiff speed-accuracy` runs by default.
 */
const STEPS = 60;
const W1_TIMES = 16;

type Case = 'swiss-roll' | 'gaussian';
type Estimator = 'quadrature' | 'particles';
interface NdState {
  case: Case;
  estimator: Estimator;
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
  'swiss-roll': { case: 'swiss-roll', estimator: 'quadrature', n: '500', s0: '0.5', g: '3', h: '1.1', tfin: '0.5', tau: '3', r: '0.9', particles: '400', seed: '1' },
  gaussian: { case: 'gaussian', estimator: 'quadrature', n: '500', s0: '0.5', g: '3', h: '1.1', tfin: '0.5', tau: '3', r: '0.6', particles: '400', seed: '1' },
};
const FIELDS: [Exclude<keyof NdState, 'case' | 'estimator'>, string, string][] = [
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
  $<HTMLSelectElement>('nd-estimator').value = state.estimator;
  $('nd-particle-options').hidden = state.estimator !== 'particles';
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
  [/^config\.estimator/, 'nd-estimator'],
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

function num(key: (typeof FIELDS)[number][0], errors: FieldError[]): number {
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
  const particles = state.estimator === 'particles' ? num('particles', errors) : 0;
  const seed = state.estimator === 'particles' ? num('seed', errors) : 0;
  const data =
    state.case === 'swiss-roll'
      ? { kind: 'swiss-roll', n: num('n', errors), noise: 0.1, seed: 1 }
      : { kind: 'gaussian-mixture', means: [[0, 0]], stds: [num('s0', errors)], weights: [1] };
  if (errors.length > 0) {
    showErrors(errors);
    return null;
  }
  const common = { data, process: { kind: 'swiss-roll-force', h, g, Tfin }, tau, perturbation: { kind: 'normal', mean: [0, 0], std: r } };
  // quadrature: the library's defaults (no engine sizes, no seed: the numbers are deterministic; the
  // seed only drives the D0 Monte Carlo cross-check, default 1)
  const config: Record<string, unknown> =
    state.estimator === 'quadrature'
      ? { ...common, estimator: 'quadrature' }
      : { ...common, estimator: 'particles', particles, steps: STEPS, w1Times: W1_TIMES, seed };
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
const stopButton = $<HTMLButtonElement>('nd-stop');
let shown: { r: SpeedAccuracyNdResult; exact: GaussianExact | null } | null = null;

function setStatus(kind: 'running' | 'done' | 'invalid' | 'error' | 'stopped', text: string): void {
  setResultsStatus(resultsEl, statusEl, kind, text);
}

function newWorker(): Worker {
  const w = new Worker(new URL('./ndWorker.ts', import.meta.url), { type: 'module', name: 'thermodiff-nd' });
  w.onmessage = (e: MessageEvent<NdWorkerMessage>) => onMessage(e.data);
  w.onerror = (e) => {
    busy = false;
    stopTicker();
    setStatus('error', `The compute worker failed: ${e.message || 'unknown error'}.`);
  };
  return w;
}

function errorsDone(errors: NdErrors | null): void {
  showErrorsColumn(errors);
  errorsCompleted += 1;
  resultsEl.dataset.errors = 'done';
  resultsEl.dataset.errorsRun = String(errorsCompleted);
}

/** While a run computes: the stage the library last reported and the seconds since the start (1 s tick). */
let ticker: ReturnType<typeof setInterval> | undefined;
let runStart = 0;
let stageText = '';
function runningStatus(): void {
  const s = Math.floor((performance.now() - runStart) / 1000);
  setStatus('running', `Computing… ${stageText}${s >= 1 ? ` ${s} s` : ''}`);
}
function stopTicker(): void {
  clearInterval(ticker);
  ticker = undefined;
  stopButton.disabled = true;
}

/** End a running computation: synchronous work cannot be interrupted, so its worker is terminated. */
function cancelRun(): void {
  if (busy && worker) {
    worker.terminate();
    worker = null;
  }
  busy = false;
  runId += 1; // anything still in flight from the old run is ignored
  stopTicker();
}

function run(config: Record<string, unknown>): void {
  cancelRun();
  worker ??= newWorker();
  busy = true;
  pendingConfig = config;
  resultsEl.dataset.errors = 'pending';
  runStart = performance.now();
  stageText = '';
  runningStatus();
  ticker = setInterval(runningStatus, 1000);
  stopButton.disabled = false;
  const req: NdRequest = { id: runId, config };
  worker.postMessage(req);
}

function stop(): void {
  if (!busy) return;
  cancelRun();
  setStatus('stopped', 'Stopped. The results below are for the last configuration that finished; change a control or press Recompute to run again.');
}

function onMessage(m: NdWorkerMessage): void {
  if (m.id !== runId) return;
  if (m.kind === 'progress') {
    // the quadrature estimator reports 3 stages (coarse grid, fine grid, split), the particle one every step
    stageText = m.total <= 3 ? `stage ${Math.min(m.done + 1, m.total)} of ${m.total}: ${m.label},` : `${Math.round((100 * m.done) / m.total)} %: ${m.label},`;
    runningStatus();
    return;
  }
  stopTicker();
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
  errorsDone(m.errors);
  drawn
    .then(() => {
      let text = `Done: g = ${(config.process as { g: number }).g}, ${describeEstimator(m.result)}, computed in ${(m.ms / 1000).toFixed(2)} s in a Web Worker.`;
      if (firstResult) {
        firstResult = false;
        const measure = performance.measure('lab:nd-first-result', { start: 0, end: performance.now() });
        text += ` First result ${(measure.duration / 1000).toFixed(2)} s after the page started loading.`;
      }
      completed += 1;
      resultsEl.dataset.run = String(completed);
      resultsEl.dataset.ms = String(m.ms);
      setStatus('done', text);
    })
    .catch((err: unknown) => setStatus('error', `Could not draw the charts: ${err instanceof Error ? err.message : String(err)}`));
}

// ---------- results ----------

function describeEstimator(r: SpeedAccuracyNdResult): string {
  const s = r.settings;
  return r.estimator === 'quadrature' ? `quadrature on ${s.cells} and ${s.coarseCells} nodes per axis` : `${s.nParticles} particles`;
}

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(5) : x.toExponential(4));
const fmtErr = (x: number) => (x === 0 ? '0' : x.toPrecision(2));

const ROWS: [NdKey, string, string][] = [
  ['eta', 'η = (ΔW₁)² / (τ D₀)', 'eta'],
  ['c1', 'c₁ = ∫ vₗₒₛₛ² dt', 'c1'],
  ['c2', 'c₂ = ∫ v₂² dt (excess)', 'c2'],
  ['wD', 'w_D = ∫ T Ṡ dt', 'wd'],
  ['housekeeping', 'housekeeping = ∫ (T Ṡ − v₂²) dt', 'housekeeping'],
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

/** Estimate / exact - 1 in per cent, 2 significant digits (the quadrature errors are ~0.1 %). */
const fmtDev = (dev: number) => `${dev >= 0 ? '+' : ''}${Math.abs(dev) < 5e-7 ? (100 * dev).toExponential(1) : (100 * dev).toPrecision(2)} %`;

function renderTable(r: SpeedAccuracyNdResult, exact: GaussianExact | null): void {
  const tbody = $('nd-numbers').querySelector('tbody') as HTMLElement;
  tbody.replaceChildren();
  $('nd-numbers').classList.toggle('with-exact', exact !== null);
  for (const [key, label, id] of ROWS) {
    const tr = document.createElement('tr');
    tr.dataset.key = key;
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
      cell(tr, `nd-${id}-dev`, Number.isFinite(dev) ? dev : null, Number.isFinite(dev) ? (e === 0 ? 'exact 0' : fmtDev(dev)) : '–');
    }
    tbody.appendChild(tr);
  }
}

/**
 * The library's stated error of each number (absolute, and relative as the CLI prints it) and its
 * flag (> 1 %). With the closed forms, a row whose true deviation exceeds 3x the stated error plus
 * 0.05 % (the contract the library's closed-form tests check: an estimate, not a bound) is marked.
 */
function showErrorsColumn(errors: NdErrors | null): void {
  $('nd-err-head').textContent = errors ? `stated error (${errors.method})` : 'stated error';
  for (const [key, , id] of ROWS) {
    const td = document.querySelector<HTMLElement>(`[data-testid="nd-${id}-err"]`);
    const tr = td?.parentElement;
    if (!td || !tr) continue;
    const v = errors?.values[key];
    const rel = errors?.relative[key];
    if (v === undefined || rel === undefined) {
      td.textContent = 'n/a';
      delete td.dataset.value;
      continue;
    }
    td.dataset.value = String(v);
    td.dataset.relative = String(rel);
    td.title = `absolute ${v}, relative ${rel}`;
    // no line break inside "(1.1 %)" on narrow screens
    td.textContent = Number.isFinite(rel) ? `± ${fmtErr(v)} (${(100 * rel).toPrecision(2)}\u00a0%)` : '± unknown';
    const flagged = errors?.flagged.includes(key) ?? false;
    td.dataset.flagged = String(flagged);
    tr.classList.toggle('flagged', flagged);
    if (flagged) {
      const mark = document.createElement('strong');
      mark.className = 'flag';
      mark.textContent = ' FLAGGED > 1 %';
      td.appendChild(mark);
    }
    const exact = shown?.exact?.[key];
    if (exact !== undefined && exact !== 0 && shown) {
      const dev = Math.abs(shown.r[key] / exact - 1);
      tr.classList.toggle('beyond-error', !(dev <= 3 * rel + 5e-4));
    }
  }
  const flaggedEl = $('nd-flagged');
  flaggedEl.textContent = errors
    ? `Flagged (estimated error > 1 %): ${errors.flagged.length ? errors.flagged.map((k) => ROWS.find(([key]) => key === k)?.[2] ?? k).join(', ') : 'none'}.`
    : 'This run reports no errors.';
  flaggedEl.classList.toggle('bad', (errors?.flagged.length ?? 0) > 0);
  const r = shown?.r;
  const how =
    r?.estimator === 'particles'
      ? 'the library compares this run with a second one with half the particles (error = the difference, scaled to the n^(-1/2) rate)'
      : 'the library computes every number on two node grids (fine and coarse), extrapolates W₁ (and so η, c₁) in the node spacing, and adds the time-grid part; the error is the size of those corrections';
  $('nd-error-note').textContent =
    `Stated errors: ${how}, as thermodiff speed-accuracy prints them. They are estimates, not bounds.` +
    (r ? ` D₀ Monte Carlo cross-check: ${fmt(r.d0MonteCarlo.value)} ± ${fmtErr(r.d0MonteCarlo.stderr)}.` : '') +
    (shown?.exact
      ? ' The exact column shows the true error; a row is marked where it exceeds 3× the stated error + 0.05 %.'
      : ' The Gaussian case compares every number with its closed form.');
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
  const chain = $('nd-chain');
  const rel = r.conservative ? 'η ≤ c₁ ≤ c₂ = w_D' : 'η ≤ c₁ ≤ w_D';
  chain.textContent = r.chainHolds ? `${rel} holds for the estimates.` : `${rel} is VIOLATED by the estimates (beyond the stated slack).`;
  chain.className = r.chainHolds ? 'chain ok' : 'chain bad';
  const tbody = $('nd-checks').querySelector('tbody') as HTMLElement;
  renderChecks(tbody, r.checks, fmt);
  $('nd-config-json').textContent = JSON.stringify(config, null, 2);
  renderSnapshots(r, $('nd-snapshots'));
  await (await charts).renderNdCharts(r, exact, { w1: $('nd-chart-w1'), speeds: $('nd-chart-speeds') });
}

// ---------- events ----------

const changed = formRerun(validConfig, (config) => run(config), () => setStatus('invalid', INVALID_TEXT));

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
    const keep = { estimator: state.estimator, g: state.g, h: state.h, tfin: state.tfin, tau: state.tau, particles: state.particles, seed: state.seed };
    state = { ...DEFAULTS[t.value as Case], ...keep };
    renderForm();
  } else if (t.id === 'nd-estimator') {
    state.estimator = t.value as Estimator;
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

stopButton.addEventListener('click', () => {
  changed.cancel();
  stop();
});

$('nd-reset').addEventListener('click', () => {
  state = { ...DEFAULTS[state.case] };
  renderForm();
  changed(true);
});

renderForm();
changed(true);
