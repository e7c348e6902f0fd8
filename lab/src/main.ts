/**
 * The lab page: form <-> state, validation with the library's parser, one compute worker (restarted
 * when a new run supersedes a running one), numbers and charts.
 */

import { InputError, parseSpeedAccuracyConfig, type SpeedAccuracyResult } from '../../src/index.ts';
import { byId, formRerun, INVALID_TEXT, renderChecks, setResultsStatus } from './dom.ts';
import type { CompareRow, RunRequest, WorkerMessage } from './protocol.ts';
import {
  type ComponentRow,
  configFromState,
  DATA_PRESETS,
  defaultState,
  type FieldError,
  fieldForPath,
  fieldLabel,
  type LabState,
  normaliseWeights,
  PERTURBATION_DEFAULTS,
  type PerturbationKind,
  parseNumber,
  SCHEDULES,
  type ScheduleChoice,
  stripWhere,
} from './state.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => byId<T>(id, 'index.html');

// vega, vega-lite and vega-embed (~900 kB) load in parallel with the first computation, not before it
const charts = import('./charts.ts');

const form = $<HTMLFormElement>('controls');
const statusEl = $('status');
const resultsEl = $('results');
const errorsEl = $('form-errors');
let state: LabState = defaultState();

// ---------- form rendering ----------

const SIMPLE_FIELDS: [string, keyof LabState][] = [
  ['tau', 'tau'],
  ['beta-min', 'betaMin'],
  ['beta-max', 'betaMax'],
  ['sigma-min', 'sigmaMin'],
  ['sigma-max', 'sigmaMax'],
  ['pert-mean', 'pertMean'],
  ['pert-std', 'pertStd'],
  ['pert-low', 'pertLow'],
  ['pert-high', 'pertHigh'],
];

function fillPresetSelect(): void {
  const sel = $<HTMLSelectElement>('data-preset');
  sel.replaceChildren();
  for (const [key, p] of Object.entries(DATA_PRESETS)) sel.add(new Option(p.label, key));
  sel.add(new Option('custom (edited)', 'custom'));
}

function renderRows(tbody: HTMLElement, rows: ComponentRow[], prefix: 'data' | 'pert'): void {
  tbody.replaceChildren();
  rows.forEach((r, i) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = String(i + 1);
    tr.appendChild(th);
    for (const key of ['mean', 'std', 'weight'] as const) {
      const td = document.createElement('td');
      const input = document.createElement('input');
      input.id = `${prefix}-${key}-${i}`;
      input.inputMode = 'decimal';
      input.value = r[key];
      input.dataset.row = String(i);
      input.dataset.col = key;
      input.dataset.table = prefix;
      input.setAttribute('aria-label', `${prefix === 'data' ? 'Data' : 'Perturbation'} component ${i + 1} ${key}`);
      td.appendChild(input);
      tr.appendChild(td);
    }
    const td = document.createElement('td');
    const rm = document.createElement('button');
    rm.type = 'button';
    rm.className = 'remove';
    rm.textContent = '×';
    rm.dataset.remove = `${prefix}:${i}`;
    rm.setAttribute('aria-label', `Remove ${prefix === 'data' ? 'data' : 'perturbation'} component ${i + 1}`);
    rm.disabled = rows.length === 1;
    td.appendChild(rm);
    tr.appendChild(td);
    tbody.appendChild(tr);
  });
}

function renderForm(): void {
  $<HTMLSelectElement>('data-preset').value = state.dataPreset;
  renderRows($('data-rows'), state.data, 'data');
  renderRows($('pert-rows'), state.pertRows, 'pert');
  $<HTMLSelectElement>('schedule').value = state.schedule;
  $<HTMLSelectElement>('perturbation').value = state.perturbation;
  for (const [id, key] of SIMPLE_FIELDS) $<HTMLInputElement>(id).value = state[key] as string;
  showConditional();
}

function showConditional(): void {
  $('vp-options').hidden = state.schedule !== 'vp-linear';
  $('ve-options').hidden = state.schedule !== 've';
  const p = state.perturbation;
  $('pert-normal').hidden = !(p === 'mean' || p === 'variance');
  $('pert-uniform').hidden = p !== 'uniform';
  $('pert-mixture').hidden = p !== 'mixture';
}

// ---------- validation ----------

/** Where to focus and what to mark for a field or group id. */
function inputsFor(field: string): HTMLElement[] {
  const el = document.getElementById(field);
  if (el && (el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) return [el];
  const group: Record<string, string> = {
    'data-weights': '#data-rows input[data-col="weight"]',
    'pert-weights': '#pert-rows input[data-col="weight"]',
    'data-fieldset': '#data-rows input',
    'vp-options': '#vp-options input',
    've-options': '#ve-options input',
    perturbation: '#perturbation-fieldset input:not([hidden]), #perturbation',
  };
  const sel = group[field];
  if (!sel) return [];
  return Array.from(document.querySelectorAll<HTMLElement>(sel)).filter((e) => e.offsetParent !== null || e.id === 'perturbation');
}

function clearErrors(): void {
  errorsEl.replaceChildren();
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
}

function showErrors(errors: FieldError[]): void {
  clearErrors();
  const h = document.createElement('p');
  h.textContent = errors.length === 1 ? 'Please fix this:' : `Please fix these ${errors.length} problems:`;
  const ul = document.createElement('ul');
  for (const e of errors) {
    const targets = inputsFor(e.field);
    for (const t of targets) t.setAttribute('aria-invalid', 'true');
    const li = document.createElement('li');
    const text = `${fieldLabel(e.field)}: ${e.message}`;
    if (targets.length > 0) {
      const a = document.createElement('a');
      a.href = `#${targets[0].id}`;
      a.textContent = text;
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        targets[0].focus();
      });
      li.appendChild(a);
    } else {
      li.textContent = text;
    }
    ul.appendChild(li);
  }
  errorsEl.append(h, ul);
}

/** The config of the current form, or null after showing what is wrong. */
function validConfig(): Record<string, unknown> | null {
  const { config, errors } = configFromState(state);
  if (!config) {
    showErrors(errors);
    return null;
  }
  try {
    parseSpeedAccuracyConfig(config);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const where = err.where ?? null;
    showErrors([{ field: fieldForPath(where) ?? 'form', message: stripWhere(err.message, where) }]);
    return null;
  }
  clearErrors();
  return config;
}

// ---------- running ----------

let worker: Worker | null = null;
let running = false;
let runId = 0;
let pendingConfig: Record<string, unknown> | null = null;
let firstResult = true;
/** Completed runs, exposed as data-run on #results so a test can wait for the next result. */
let completed = 0;

function newWorker(): Worker {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'thermodiff-compute' });
  w.onmessage = (e: MessageEvent<WorkerMessage>) => onWorkerMessage(e.data);
  w.onerror = (e) => {
    running = false;
    setStatus('error', `The compute worker failed to start: ${e.message || 'unknown error'}.`);
  };
  return w;
}

function setStatus(kind: 'running' | 'done' | 'invalid' | 'error', text: string): void {
  setResultsStatus(resultsEl, statusEl, kind, text);
}

function run(config: Record<string, unknown>): void {
  if (running && worker) {
    // a superseded run is abandoned: terminating is the only way to stop synchronous work
    worker.terminate();
    worker = null;
  }
  worker ??= newWorker();
  runId += 1;
  running = true;
  pendingConfig = config;
  setStatus('running', 'Computing…');
  const req: RunRequest = { id: runId, kind: 'run', config };
  worker.postMessage(req);
}

// ---------- protocol comparison (a second worker, so it never delays the main run) ----------

let compareWorker: Worker | null = null;
let compareBusy = false;
let compareId = 0;
let shownCompareKey = '';
let pendingCompareKey = '';

/** The config of each protocol for the current data, tau and start (vp-linear/ve options from the form when valid). */
function compareConfigs(config: Record<string, unknown>): Record<string, unknown>[] {
  const opts = (a: string, b: string, ka: string, kb: string) => {
    const va = parseNumber(a);
    const vb = parseNumber(b);
    return va === null || vb === null ? undefined : { [ka]: va, [kb]: vb };
  };
  return SCHEDULES.map((schedule) => {
    const { scheduleOptions: _, ...rest } = config;
    const c: Record<string, unknown> = { ...rest, schedule };
    const o =
      schedule === 'vp-linear'
        ? opts(state.betaMin, state.betaMax, 'betaMin', 'betaMax')
        : schedule === 've'
          ? opts(state.sigmaMin, state.sigmaMax, 'sigmaMin', 'sigmaMax')
          : undefined;
    if (o) c.scheduleOptions = o;
    return c;
  });
}

function compare(config: Record<string, unknown>): void {
  const configs = compareConfigs(config);
  const key = JSON.stringify(configs);
  if (key === shownCompareKey || (compareBusy && key === pendingCompareKey)) return;
  if (compareBusy && compareWorker) {
    compareWorker.terminate();
    compareWorker = null;
  }
  if (!compareWorker) {
    compareWorker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'thermodiff-compare' });
    compareWorker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      if (m.kind !== 'compare' || m.id !== compareId) return;
      compareBusy = false;
      shownCompareKey = pendingCompareKey;
      showCompare(m.rows, m.ms).catch((err: unknown) => {
        $('compare-status').textContent = `Could not draw the comparison: ${err instanceof Error ? err.message : String(err)}`;
      });
    };
  }
  compareId += 1;
  compareBusy = true;
  pendingCompareKey = key;
  $('compare').dataset.state = 'running';
  $('compare-status').textContent = 'Computing all protocols…';
  const req: RunRequest = { id: compareId, kind: 'compare', configs };
  compareWorker.postMessage(req);
}

async function showCompare(rows: CompareRow[], ms: number): Promise<void> {
  const tbody = $('compare-table').querySelector('tbody') as HTMLElement;
  tbody.replaceChildren();
  for (const r of rows) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = r.protocol;
    tr.appendChild(th);
    if (r.error) {
      const td = document.createElement('td');
      td.colSpan = 3;
      td.textContent = r.error;
      tr.appendChild(td);
    } else {
      for (const [k, v] of [['eta', r.eta], ['c1', r.c1], ['c2', r.c2]] as const) {
        const td = document.createElement('td');
        td.textContent = fmt(v);
        td.dataset.value = String(v);
        td.dataset.key = k;
        tr.appendChild(td);
      }
    }
    tbody.appendChild(tr);
  }
  await (await charts).renderCompare(
    rows.filter((r) => !r.error),
    $('chart-compare'),
  );
  $('compare').dataset.state = 'done';
  $('compare-status').textContent = `All ${rows.length} protocols computed in ${(ms / 1000).toFixed(2)} s (second Web Worker).`;
}

function onWorkerMessage(m: WorkerMessage): void {
  if (m.id !== runId || m.kind === 'compare') return;
  if (m.kind === 'progress') {
    setStatus('running', `Computing… ${Math.round((100 * m.done) / m.total)}% of ${m.total} time points`);
    return;
  }
  running = false;
  if (m.kind === 'error') {
    if (m.inputError) {
      showErrors([{ field: fieldForPath(m.where) ?? 'form', message: stripWhere(m.message, m.where) }]);
      setStatus('invalid', 'This configuration cannot be computed (see the message above the form); the results below are for the last one that could.');
    } else {
      setStatus('error', `Internal error in the computation: ${m.message}`);
    }
    return;
  }
  const config = pendingConfig as Record<string, unknown>;
  compare(config);
  showResult(m.result, config)
    .then(() => {
      const secs = (m.ms / 1000).toFixed(2);
      let text = `Done: ${m.result.protocol}, tau = ${m.result.tau}; computed in ${secs} s in a Web Worker (${m.result.curves.t.length} time points).`;
      if (firstResult) {
        firstResult = false;
        const measure = performance.measure('lab:first-result', { start: 0, end: performance.now() });
        text += ` First result ${(measure.duration / 1000).toFixed(2)} s after the page started loading.`;
      }
      completed += 1;
      resultsEl.dataset.run = String(completed);
      setStatus('done', text);
    })
    .catch((err: unknown) => setStatus('error', `Could not draw the charts: ${err instanceof Error ? err.message : String(err)}`));
}

// ---------- results ----------

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(6) : x.toExponential(5));

function setNumber(id: string, v: number): void {
  const el = $(id);
  // String(v) is the shortest round-trip decimal, exactly what JSON.stringify prints in the CLI's --json
  el.dataset.value = String(v);
  el.title = String(v);
  el.textContent = fmt(v);
}

async function showResult(r: SpeedAccuracyResult, config: Record<string, unknown>): Promise<void> {
  setNumber('eta', r.eta);
  setNumber('c1', r.c1);
  setNumber('c2', r.c2);
  setNumber('d0', r.d0);
  setNumber('w1-start', r.w1Start);
  setNumber('w1-end', r.w1End);
  const chain = $('chain');
  chain.textContent = r.chainHolds ? 'η ≤ c₁ ≤ c₂ holds.' : 'η ≤ c₁ ≤ c₂ is VIOLATED (beyond the stated slack): please report this configuration.';
  chain.className = r.chainHolds ? 'chain ok' : 'chain bad';
  const tbody = $('checks').querySelector('tbody') as HTMLElement;
  renderChecks(tbody, r.checks, fmt);
  const json = JSON.stringify(config, null, 2);
  $('config-json').textContent = json;
  await (await charts).renderCharts(r, { bars: $('chart-bars'), speeds: $('chart-speeds'), w1: $('chart-w1'), densities: $('densities') });
}

// ---------- events ----------

const changed = formRerun(validConfig, (config) => run(config), () => setStatus('invalid', INVALID_TEXT));

form.addEventListener('input', (e) => {
  const t = e.target as HTMLInputElement;
  if (t instanceof HTMLSelectElement) return; // handled by 'change'
  if (t.dataset.table) {
    const rows = t.dataset.table === 'data' ? state.data : state.pertRows;
    rows[Number(t.dataset.row)][t.dataset.col as keyof ComponentRow] = t.value;
    if (t.dataset.table === 'data') {
      state.dataPreset = 'custom';
      $<HTMLSelectElement>('data-preset').value = 'custom';
    }
  } else {
    const f = SIMPLE_FIELDS.find(([id]) => id === t.id);
    if (f) (state as unknown as Record<string, string>)[f[1]] = t.value;
  }
  changed(false);
});

form.addEventListener('change', (e) => {
  const t = e.target as HTMLElement;
  if (!(t instanceof HTMLSelectElement)) return;
  if (t.id === 'schedule') state.schedule = t.value as ScheduleChoice;
  else if (t.id === 'perturbation') {
    state.perturbation = t.value as PerturbationKind;
    const d = structuredClone(PERTURBATION_DEFAULTS[state.perturbation]);
    Object.assign(state, d);
    renderForm();
  } else if (t.id === 'data-preset') {
    const p = DATA_PRESETS[t.value];
    if (!p) return; // 'custom' keeps the rows
    state.dataPreset = t.value;
    state.data = p.rows.map((r) => ({ ...r }));
    renderRows($('data-rows'), state.data, 'data');
  }
  showConditional();
  changed(true);
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  changed(true);
});

form.addEventListener('click', (e) => {
  const t = (e.target as HTMLElement).closest('button');
  if (!t) return;
  const remove = t.dataset.remove;
  if (remove) {
    const [table, i] = remove.split(':');
    const rows = table === 'data' ? state.data : state.pertRows;
    if (rows.length <= 1) return;
    rows.splice(Number(i), 1);
    if (table === 'data') state.dataPreset = 'custom';
    renderForm();
    // keep the focus in the table: on the remove button of the row that moved up, else the last one
    const next = document.querySelector<HTMLButtonElement>(`[data-remove="${table}:${Math.min(Number(i), rows.length - 1)}"]`);
    (next && !next.disabled ? next : document.getElementById(`${table}-add`))?.focus();
    changed(true);
    return;
  }
  const addOrNorm: Record<string, () => FieldError | null> = {
    'data-add': () => {
      state.data.push({ mean: '0', std: '0.3', weight: '0' });
      state.dataPreset = 'custom';
      return null;
    },
    'pert-add': () => {
      state.pertRows.push({ mean: '0', std: '0.4', weight: '0' });
      return null;
    },
    'data-normalise': () => {
      state.dataPreset = 'custom';
      return normaliseWeights(state.data, 'data-weights');
    },
    'pert-normalise': () => normaliseWeights(state.pertRows, 'pert-weights'),
  };
  const action = addOrNorm[t.id];
  if (action) {
    const err = action();
    if (err) {
      showErrors([err]);
      return;
    }
    renderForm();
    if (t.id.endsWith('-add')) {
      const prefix = t.id.startsWith('data') ? 'data' : 'pert';
      const rows = prefix === 'data' ? state.data : state.pertRows;
      document.getElementById(`${prefix}-mean-${rows.length - 1}`)?.focus();
    } else {
      t.focus();
    }
    changed(true);
    return;
  }
  if (t.id === 'reset') {
    state = defaultState();
    renderForm();
    changed(true);
  }
});

$('config-download').addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([`${$('config-json').textContent ?? ''}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'config.json';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

$('config-copy').addEventListener('click', () => {
  const text = $('config-json').textContent ?? '';
  navigator.clipboard
    .writeText(text)
    .then(() => {
      statusEl.textContent = 'Config copied to the clipboard.';
    })
    .catch(() => {
      const sel = window.getSelection();
      const range = document.createRange();
      range.selectNodeContents($('config-json'));
      sel?.removeAllRanges();
      sel?.addRange(range);
      statusEl.textContent = 'The clipboard is not available here: the config is selected, copy it with Ctrl+C.';
    });
});

// ---------- start ----------

fillPresetSelect();
renderForm();
changed(true);
