/**
 * DOM helpers shared by the lab's pages (1-D `main.ts`, 2-D `nd.ts`): element lookup that names the
 * page when an id is missing, the status line of a results section, the self-check table, and the
 * debounced re-run on form edits.
 */

/** The element with this id; throws naming `page` (e.g. 'index.html') when the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, page: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`lab: element #${id} missing from ${page}`);
  return el as T;
}

/** Mark a results section as running / done / invalid / error / stopped and show `text` in its status line. */
export function setResultsStatus(resultsEl: HTMLElement, statusEl: HTMLElement, kind: string, text: string): void {
  resultsEl.dataset.state = kind;
  resultsEl.setAttribute('aria-busy', kind === 'running' ? 'true' : 'false');
  resultsEl.classList.toggle('stale', kind !== 'done');
  statusEl.textContent = text;
}

/** One self-check of a result, as the library reports it. */
export interface CheckRow {
  name: string;
  value: number;
  tolerance: number;
  ok: boolean;
}

/** Fill a checks table body: name, value, tolerance, ok / FAIL; rows classed 'ok' or 'bad'. */
export function renderChecks(tbody: HTMLElement, checks: readonly CheckRow[], fmt: (x: number) => string): void {
  tbody.replaceChildren();
  for (const c of checks) {
    const tr = document.createElement('tr');
    for (const text of [c.name, fmt(c.value), fmt(c.tolerance), c.ok ? 'ok' : 'FAIL']) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    }
    tr.className = c.ok ? 'ok' : 'bad';
    tbody.appendChild(tr);
  }
}

/**
 * The form-change handler of a page: `changed(true)` runs at once, `changed(false)` after 400 ms
 * without further edits; `changed.cancel()` drops a pending run (Stop). It runs `run(config)` for a
 * valid config, otherwise marks the results invalid through `invalid()`.
 */
export function formRerun(
  validConfig: () => Record<string, unknown> | null,
  run: (config: Record<string, unknown>) => void,
  invalid: () => void,
): ((immediate: boolean) => void) & { cancel(): void } {
  let debounce: ReturnType<typeof setTimeout> | undefined;
  const go = () => {
    const config = validConfig();
    if (config) run(config);
    else invalid();
  };
  const changed = (immediate: boolean) => {
    clearTimeout(debounce);
    if (immediate) go();
    else debounce = setTimeout(go, 400);
  };
  return Object.assign(changed, { cancel: () => clearTimeout(debounce) });
}

/** The status text of a form with invalid fields. */
export const INVALID_TEXT = 'Fix the fields listed above the form; the results below are for the last valid configuration.';
