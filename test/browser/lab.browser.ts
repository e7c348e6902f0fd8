/**
 * The browser lab in a real browser: builds lab/ with Vite, serves lab/dist from a plain static server
 * under a sub-path, and drives Debian's chromium with playwright-core. Run by `npm run test:browser`
 * (after `npm test` in .ci/run). Screenshots go to out/ (CI artifacts).
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; Playwright's own browser download is not
 * reachable here). Without it the test FAILS, unless THERMODIFF_SKIP_BROWSER=1 says that the machine
 * cannot install it (.ci/run sets that only when apt-get is missing), in which case it is skipped
 * with a warning.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { gaussianSwissRollExact } from '../../lab/src/gaussianExact.ts';
import { libraryErrors } from '../../lab/src/ndErrors.ts';
import { parseSpeedAccuracyConfig, parseSpeedAccuracyNdConfig, runSpeedAccuracyNd, type SpeedAccuracyNdResult, speedAccuracy1d } from '../../src/index.ts';
import { type StaticServer, serveStatic } from './staticServer.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const skipAllowed = process.env.THERMODIFF_SKIP_BROWSER === '1';
if (!haveChromium && !skipAllowed) {
  throw new Error(
    `browser test: no chromium at ${CHROMIUM}. Install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH); ` +
      'set THERMODIFF_SKIP_BROWSER=1 only on a machine that cannot install it.',
  );
}
if (!haveChromium) console.warn(`WARNING: browser test of the lab SKIPPED: no chromium at ${CHROMIUM} and THERMODIFF_SKIP_BROWSER=1`);

/** The launch flags this machine needs (no sandbox as root; no background connections: the network is closed). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Page vs CLI. Not bit-equal in general: the page runs in Chromium's V8, the CLI in Node 20's, and their
 * Math.exp/log/sin/cos/pow/atan differ in the last bit for a few per cent of arguments (measured: 1 ulp,
 * 2 for sinh/cosh/tanh/log10, on 25,000 arguments; docs/lab.md). Over 22 configs (5 protocols x 4 perturbations, tau
 * 2.5, a 3-component mixture) the largest relative difference of eta, c1, c2, D0 was 2.5e-14, many
 * values were bit-identical. 1e-12 is 40x that, yet 100x below the adaptive quadrature tolerance
 * (1e-10) and 1e5x below the Simpson error of the time grid (~1e-7): a page that computed anything
 * else (other grid, other tolerance, other config) fails.
 */
const REL_TOL = 1e-12;

interface CliJson {
  protocol: string;
  D0: number;
  eta: number;
  c1: number;
  c2: number;
  W1Start: number;
  W1End: number;
}

const tmp = mkdtempSync(join(tmpdir(), 'thermodiff-lab-'));

/**
 * `thermodiff speed-accuracy --config <config> --json`, run as the CLI from the sources. A spawn costs
 * ~1.4 s of CPU for tsx and the imports alone (4 s wall at load 12), so each tab spawns the CLI once,
 * for its default config; the other comparisons call the library in this process exactly as the CLI
 * does ({@link node1d}, {@link nodeNd}), which the first comparison ties to the CLI's output.
 */
function cli(config: unknown): CliJson {
  const file = join(tmp, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'speed-accuracy', '--config', file, '--json'], {
    cwd: repo,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `CLI failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as CliJson;
}

/** What `thermodiff speed-accuracy --config` computes for a 1-D config, in this process. */
function node1d(config: unknown): CliJson {
  const r = speedAccuracy1d(parseSpeedAccuracyConfig(config));
  return { protocol: r.protocol, D0: r.d0, eta: r.eta, c1: r.c1, c2: r.c2, W1Start: r.w1Start, W1End: r.w1End };
}

async function pageNumbers(page: Page): Promise<Record<'eta' | 'c1' | 'c2' | 'd0', number>> {
  const out: Record<string, number> = {};
  for (const id of ['eta', 'c1', 'c2', 'd0']) {
    const v = await page.getAttribute(`[data-testid="${id}"]`, 'data-value');
    assert.ok(v !== null, `${id} has no data-value`);
    out[id] = Number(v);
    assert.equal(String(out[id]), v, `${id}: data-value ${v} is not a full-precision number`);
  }
  return out as Record<'eta' | 'c1' | 'c2' | 'd0', number>;
}

function assertSameAsCli(page: Record<'eta' | 'c1' | 'c2' | 'd0', number>, ref: CliJson): void {
  for (const [k, want] of [
    ['eta', ref.eta],
    ['c1', ref.c1],
    ['c2', ref.c2],
    ['d0', ref.D0],
  ] as const) {
    const got = page[k];
    assert.ok(Math.abs(got - want) <= REL_TOL * Math.abs(want), `${k}: page ${got}, CLI ${want} (relative difference ${Math.abs(got - want) / Math.abs(want)})`);
  }
}

/** Wait for the run after `prev` completed runs to finish, and return the new count. */
async function waitForRun(page: Page, prev: number): Promise<number> {
  await page.waitForFunction(
    (n) => {
      const r = document.getElementById('results');
      return r !== null && r.dataset.state === 'done' && Number(r.dataset.run ?? 0) > n;
    },
    prev,
    { timeout: 60_000 },
  );
  return Number(await page.getAttribute('#results', 'data-run'));
}

async function shownConfig(page: Page): Promise<unknown> {
  return JSON.parse((await page.textContent('[data-testid="config-json"]')) ?? 'null');
}

// one build, one static server and one browser for every scenario of both tabs
let server: StaticServer;
let browser: Browser;
const outDir = join(repo, 'out');
/** The docs screenshots are rewritten only on request (THERMODIFF_UPDATE_DOCS=1); CI's copies go to out/. */
const updateDocs = process.env.THERMODIFF_UPDATE_DOCS === '1';

before(async () => {
  if (!haveChromium) return;
  await build({ root: join(repo, 'lab'), logLevel: 'warn' });
  // a sub-path checks that the site works from any static server location (relative URLs)
  server = await serveStatic(join(repo, 'lab', 'dist'), '/some/sub/path/');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  mkdirSync(outDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh page; every console error, page error and failed request is recorded. */
async function open(width: number, height: number, mobile = false, path = ''): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(server.url + path);
  return { page, problems };
}

/** A shipped config without its `$schema` line (an editor hint the page does not show; the parsers drop it). */
const shippedConfig = (name: string): Record<string, unknown> => {
  const { $schema: _editorHint, ...config } = JSON.parse(readFileSync(join(repo, 'configs', name), 'utf8')) as Record<string, unknown>;
  return config;
};

describe('browser lab (chromium)', { skip: haveChromium ? false : 'no chromium (THERMODIFF_SKIP_BROWSER=1)' }, () => {
  it('loads without console errors, shows the CLI numbers of configs/fig6-mean-cosine.json; labelled controls and axes, keyboard-operable', async () => {
    const { page, problems } = await open(1280, 800);
    await waitForRun(page, 0);
    const fig6 = shippedConfig('fig6-mean-cosine.json');
    assert.deepEqual(await shownConfig(page), fig6, 'the default run is configs/fig6-mean-cosine.json');
    const nums = await pageNumbers(page);
    assertSameAsCli(nums, cli(fig6));
    // the relation itself, as the page states it
    assert.ok(nums.eta <= nums.c1 && nums.c1 <= nums.c2);
    assert.match((await page.textContent('[data-testid="chain"]')) ?? '', /holds/);
    // the protocol comparison (second worker): its cosine row is the same computation in the same
    // engine, so bit-equal to the main numbers; c2 is smallest on the OT geodesic (Eq. 92)
    await page.waitForSelector('#compare[data-state="done"]', { timeout: 60_000 });
    const rows = await page.$$eval('[data-testid="compare-table"] tbody tr', (trs) =>
      trs.map((tr) => ({
        protocol: tr.querySelector('th')?.textContent ?? '',
        eta: Number(tr.querySelector('[data-key="eta"]')?.getAttribute('data-value')),
        c2: Number(tr.querySelector('[data-key="c2"]')?.getAttribute('data-value')),
      })),
    );
    assert.deepEqual(
      rows.map((r) => r.protocol),
      ['cosine', 'cond-ot', 'ot', 'vp-linear', 've'],
    );
    assert.equal(rows[0].eta, nums.eta);
    assert.equal(rows[0].c2, nums.c2);
    assert.ok(rows[2].c2 < rows[0].c2 && rows[2].c2 < rows[1].c2, 'OT has the smallest c2 of the three protocols that end at N(0, 1)');
    await page.screenshot({ path: join(outDir, 'lab-1280x800.png') });
    await page.screenshot({ path: join(outDir, 'lab-1280x800-full.png'), fullPage: true });

    // accessibility on the same page: labels, chart descriptions and axis titles, keyboard
    // the first Tab stop is the skip link, and it moves the focus to the results
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to results');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'results');
    const unlabelled = await page.$$eval('form input, form select, form button', (els) =>
      els
        .filter((e) => {
          const el = e as HTMLInputElement;
          const hasLabel = (el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent?.trim());
          return !hasLabel;
        })
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, []);
    // chart SVGs: an accessible description and the axis titles with units
    const charts = await page.$$eval('.chart [role="graphics-document"]', (els) =>
      els.map((e) => ({ label: e.getAttribute('aria-label') ?? '', text: e.textContent ?? '' })),
    );
    assert.ok(charts.length >= 7, `${charts.length} charts`);
    for (const c of charts) assert.ok(c.label.length > 20, `chart description: ${c.label}`);
    const text = charts.map((c) => c.text).join('\n');
    for (const title of ['forward time t/τ (a.u.)', 'squared speed (a.u.)', 'x (a.u.)', 'density (1/a.u.)', 'value (a.u.)']) {
      assert.ok(text.includes(title), `axis title ${title}`);
    }
    // Add component and remove it again with Enter / Space on focused buttons
    await page.focus('#data-add');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'data-mean-2', 'focus moves to the new row');
    assert.equal(await page.locator('#data-rows tr').count(), 3);
    await page.focus('[data-remove="data:2"]');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#data-rows tr').count(), 2);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('changing the schedule with the keyboard recomputes, and the new numbers are the CLI ones', async () => {
    const { page, problems } = await open(1280, 800);
    let run = await waitForRun(page, 0);
    const before = await pageNumbers(page);
    // reach the schedule select by Tab alone
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement?.id === 'schedule');
    }
    assert.ok(found, 'the schedule select is reachable with Tab');
    const options = await page.$$eval('select[data-testid="schedule"] option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    for (const name of ['cosine', 'cond-ot', 'ot']) assert.ok(options.includes(name), `schedule option ${name}`);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue('[data-testid="schedule"]'), 'cond-ot');
    run = await waitForRun(page, run);
    const condOt = await pageNumbers(page);
    const condOtConfig = (await shownConfig(page)) as { schedule: string };
    assert.equal(condOtConfig.schedule, 'cond-ot');
    assertSameAsCli(condOt, node1d(condOtConfig));
    // c1 and c2 depend on the protocol (eta and D0 do not in 1-D: docs/theory.md)
    assert.ok(condOt.c2 > before.c2 * 1.5, `c2 changed: ${before.c2} -> ${condOt.c2}`);

    await page.selectOption('[data-testid="schedule"]', 'ot');
    run = await waitForRun(page, run);
    const ot = await pageNumbers(page);
    assertSameAsCli(ot, node1d(await shownConfig(page)));
    // on the W2 geodesic eta = c1 up to the quadrature (c1 is a Simpson integral: ~1e-7 relative)
    assert.ok(Math.abs(ot.c1 - ot.eta) <= 1e-6 * ot.eta, `OT: eta ${ot.eta} vs c1 ${ot.c1}`);

    // tau typed with the keyboard, Enter submits at once
    await page.fill('[data-testid="tau"]', '');
    await page.focus('[data-testid="tau"]');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    run = await waitForRun(page, run);
    const tau2 = (await shownConfig(page)) as { tau: number };
    assert.equal(tau2.tau, 2);
    assertSameAsCli(await pageNumbers(page), node1d(tau2));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('perturbation and data controls: presets recompute; bad input gets a visible message and no run', async () => {
    const { page, problems } = await open(1280, 800);
    let run = await waitForRun(page, 0);
    await page.selectOption('[data-testid="perturbation"]', 'uniform');
    run = await waitForRun(page, run);
    const uniform = shippedConfig('fig6-uniform-cosine.json');
    assert.deepEqual(await shownConfig(page), uniform);
    assertSameAsCli(await pageNumbers(page), node1d(uniform));

    const etaBefore = await page.getAttribute('[data-testid="eta"]', 'data-value');
    // a negative std: the library's own validation message, next to a marked field
    await page.fill('#data-std-1', '-1');
    await page.waitForFunction(() => document.getElementById('results')?.dataset.state === 'invalid');
    const msg = (await page.textContent('#form-errors')) ?? '';
    assert.match(msg, /Data component 2, std: expected a standard deviation > 0, got -1/);
    assert.ok(await page.isVisible('#form-errors'));
    assert.equal(await page.getAttribute('#data-std-1', 'aria-invalid'), 'true');
    // not a number at all
    await page.fill('#data-weight-0', 'abc');
    await page.waitForFunction(() => /expected a number, got "abc"/.test(document.getElementById('form-errors')?.textContent ?? ''));
    // weights that do not sum to 1
    await page.fill('#data-weight-0', '0.7');
    await page.fill('#data-std-1', '0.3');
    await page.waitForFunction(() => /weights summing to 1/.test(document.getElementById('form-errors')?.textContent ?? ''));
    assert.equal(await page.getAttribute('[data-testid="eta"]', 'data-value'), etaBefore, 'no run on invalid input');
    // the summary links focus the field
    await page.click('#form-errors a');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'data-weight-0');
    // the normalise button fixes the weights and the lab recomputes
    await page.click('#data-normalise');
    run = await waitForRun(page, run);
    const cfg = (await shownConfig(page)) as { data: { weights: number[] } };
    const sum = cfg.data.weights.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) <= 1e-9, `normalised weights sum to ${sum}`); // the library accepts 1e-9
    assert.equal(await page.textContent('#form-errors'), '');
    assertSameAsCli(await pageNumbers(page), node1d(cfg));

    // a data preset
    await page.selectOption('[data-testid="data-preset"]', 'asymmetric');
    run = await waitForRun(page, run);
    assert.equal(((await shownConfig(page)) as { data: { means: number[][] } }).data.means.length, 3);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('works at phone width (390 x 844): no horizontal scrolling, numbers and controls visible', async () => {
    const { page, problems } = await open(390, 844, true);
    await waitForRun(page, 0);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    assert.ok(scrollWidth <= clientWidth, `page scrolls sideways: ${scrollWidth} > ${clientWidth}`);
    for (const sel of ['[data-testid="schedule"]', '[data-testid="tau"]', '[data-testid="eta"]', '#chart-speeds svg.marks']) {
      const box = await page.locator(sel).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= clientWidth + 0.5, `${sel} inside the screen: ${JSON.stringify(box)}`);
    }
    await page.screenshot({ path: join(outDir, 'lab-390x844.png') });
    await page.screenshot({ path: join(outDir, 'lab-390x844-full.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

// ---------------------------------------------------------------------------------------------
// The 2-D tab (nd.html)

/**
 * The tab's default config (lab/src/nd.ts): Swiss roll, Eq. 99 force at g = 3, paper's h, Tfin, and
 * the library's default estimator in 2-D (quadrature) with its default sizes.
 */
const ND_DEFAULT = {
  data: { kind: 'swiss-roll', n: 500, noise: 0.1, seed: 1 },
  process: { kind: 'swiss-roll-force', h: 1.1, g: 3, Tfin: 0.5 },
  tau: 3,
  perturbation: { kind: 'normal', mean: [0, 0], std: 0.9 },
  estimator: 'quadrature',
};

const ND_IDS = { eta: 'eta', c1: 'c1', c2: 'c2', d0: 'd0', wD: 'wd', housekeeping: 'housekeeping', w1Start: 'w1-start', w1End: 'w1-end' } as const;
type NdKey = keyof typeof ND_IDS;

/** The library in this process, called as the CLI calls it (parse + run with the config's settings). */
function nodeNd(config: unknown): SpeedAccuracyNdResult {
  return runSpeedAccuracyNd(parseSpeedAccuracyNdConfig(config));
}

async function ndAttr(page: Page, testid: string): Promise<number> {
  const v = await page.getAttribute(`[data-testid="${testid}"]`, 'data-value');
  assert.ok(v !== null, `${testid} has no data-value`);
  assert.equal(String(Number(v)), v, `${testid}: data-value ${v} is not a full-precision number`);
  return Number(v);
}

async function ndNumbers(page: Page, suffix = ''): Promise<Record<NdKey, number>> {
  const out = {} as Record<NdKey, number>;
  for (const [k, id] of Object.entries(ND_IDS) as [NdKey, string][]) out[k] = await ndAttr(page, `nd-${id}${suffix}`);
  return out;
}

/**
 * Page vs Node library, same REL_TOL as the 1-D tab and for the same reason (engine Math last bits).
 * Both n-D estimators push points through RK4 and compute W1 by exact OT (the optimal cost is unique,
 * so a last-bit difference in the costs moves it by rounding only); measured over 8 particle configs
 * the page's numbers differed from Node's by <= 2.9e-15 relative, and the quadrature runs of this test
 * agree to the same order (docs/lab.md); the Richardson step amplifies W1 differences by at most
 * 1 + 1/((48/36)^2 - 1) = 2.3 and eta, a squared difference of W1 values, by ~2 W1/deltaW1 < 10.
 */
function assertSameAsNode(page: Record<NdKey, number>, ref: SpeedAccuracyNdResult, what: string): void {
  for (const k of Object.keys(ND_IDS) as NdKey[]) {
    const want = ref[k];
    const got = page[k];
    assert.ok(Math.abs(got - want) <= REL_TOL * Math.abs(want), `${what} ${k}: page ${got}, Node ${want} (relative ${Math.abs(got - want) / Math.abs(want)})`);
  }
}

async function waitForNdRun(page: Page, prev: number): Promise<number> {
  await page.waitForFunction(
    (n) => {
      const r = document.getElementById('nd-results');
      return r !== null && r.dataset.state === 'done' && Number(r.dataset.run ?? 0) > n;
    },
    prev,
    { timeout: 300_000 },
  );
  return Number(await page.getAttribute('#nd-results', 'data-run'));
}

async function waitForNdErrors(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById('nd-results')?.dataset.errors === 'done', null, { timeout: 180_000 });
}

async function ndConfig(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse((await page.textContent('[data-testid="nd-config-json"]')) ?? 'null');
}

/**
 * The error column shows the library's stated errors of `ref` (the run the page's numbers equal):
 * absolute (relative x |value|) in data-value, relative in data-relative, the text with both, and the
 * library's flags (> 1 %) in the cell, the row and the "Flagged" line, as the CLI prints them.
 */
async function assertStatedErrors(page: Page, ref: SpeedAccuracyNdResult): Promise<void> {
  const own = libraryErrors(ref);
  assert.ok(own, 'the library reports errors for every n-D run');
  for (const [k, id] of Object.entries(ND_IDS) as [NdKey, string][]) {
    const want = own.values[k];
    assert.ok(want !== undefined && Number.isFinite(want), `${k}: the library states a finite error`);
    const got = await ndAttr(page, `nd-${id}-err`);
    // A stated error is a difference of two estimates that each match to REL_TOL (relative to the
    // estimates, not to their difference): e.g. W1End's is |order 5 - order 4| of per-blob W1 values
    // that agree to ~1e-5, so V8's last-bit differences reach the error amplified. Bound: 2 REL_TOL
    // of the error itself, plus 4 REL_TOL of the quantity times the worst amplification, the
    // eta/deltaW1 one (a W1 difference enters eta's error as 2 eta dW1 / deltaW1), 2 W1End / deltaW1.
    const amp = Math.max(1, (2 * Math.abs(ref.w1End)) / Math.abs(ref.w1End - ref.w1Start));
    const slack = (err: number) => 2 * REL_TOL * Math.abs(err) + 4 * REL_TOL * amp * Math.abs(ref[k]) + 1e-300;
    assert.ok(Math.abs(got - want) <= slack(want), `${k} error: page ${got}, library ${want}`);
    const rel = Number(await page.getAttribute(`[data-testid="nd-${id}-err"]`, 'data-relative'));
    const relSlack = Math.abs(ref[k]) > 0 ? slack(want) / Math.abs(ref[k]) : 2 * REL_TOL * ref.errors[k] + 1e-300;
    assert.ok(Math.abs(rel - ref.errors[k]) <= relSlack, `${k} relative error: page ${rel}, library ${ref.errors[k]}`);
    const text = (await page.textContent(`[data-testid="nd-${id}-err"]`)) ?? '';
    assert.match(text, /^± \S+ \(\S+\s%\)/, `${k}: the error cell shows the absolute and relative error: ${text}`);
    assert.equal(text.includes('FLAGGED > 1 %'), ref.flagged.includes(k), `${k}: flag shown iff the library flags it (${text})`);
  }
  const flaggedLine = (await page.textContent('[data-testid="nd-flagged"]')) ?? '';
  const shownFlags = (Object.keys(ND_IDS) as NdKey[]).filter((k) => ref.flagged.includes(k));
  assert.equal(flaggedLine, `Flagged (estimated error > 1 %): ${shownFlags.length ? shownFlags.map((k) => ND_IDS[k]).join(', ') : 'none'}.`);
}

describe('browser lab, 2-D tab (chromium)', { skip: haveChromium ? false : 'no chromium (THERMODIFF_SKIP_BROWSER=1)' }, () => {
  it("Swiss roll: quadrature by default, Node and CLI numbers with the library's stated errors and flags; the g slider cancels a running computation, Stop ends one", async () => {
    const { page, problems } = await open(1280, 800, false, 'nd.html');
    let run = await waitForNdRun(page, 0);
    assert.deepEqual(await ndConfig(page), ND_DEFAULT, 'the default run is the documented Swiss-roll config');
    const nums = await ndNumbers(page);
    const ref = nodeNd(ND_DEFAULT);
    assertSameAsNode(nums, ref, 'g = 3');
    // and the CLI prints the same numbers (one spawn: the CLI is parse + runSpeedAccuracyNd, as nodeNd)
    const c = cli(ND_DEFAULT) as unknown as Record<string, number>;
    for (const [k, want] of [['eta', c.eta], ['c1', c.c1], ['c2', c.c2], ['d0', c.D0], ['wD', c.wD], ['housekeeping', c.housekeeping]] as const) {
      assert.ok(Math.abs(nums[k] - want) <= REL_TOL * Math.abs(want), `CLI ${k}: page ${nums[k]}, CLI ${want}`);
    }
    assert.match((await page.textContent('[data-testid="nd-chain"]')) ?? '', /η ≤ c₁ ≤ w_D holds/);

    await waitForNdErrors(page);
    assert.equal(ref.estimator, 'quadrature');
    assert.match((await page.textContent('#nd-err-head')) ?? '', /stated error \(quadrature on 48 and 36 nodes per axis\)/);
    await assertStatedErrors(page, ref);
    if (updateDocs) await page.screenshot({ path: join(repo, 'docs', 'lab-2d.png') });
    await page.screenshot({ path: join(outDir, 'lab-2d-1280x800.png') });
    await page.screenshot({ path: join(outDir, 'lab-2d-1280x800-full.png'), fullPage: true });

    // labelled controls and axes with units
    const unlabelled = await page.$$eval('form input, form select, form button', (els) =>
      els.filter((e) => !((e as HTMLInputElement).labels?.length || e.getAttribute('aria-label') || (e.tagName === 'BUTTON' && e.textContent?.trim()))).map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, []);
    const svgText = await page.$$eval('#nd-results svg', (els) => els.map((e) => e.textContent ?? '').join('\n'));
    for (const title of ['forward time t/τ (a.u.)', 'W₁(Pₜ, P̃ₜ) (a.u.)', 'rate (a.u.)', 'x₁ (a.u.)', 'x₂ (a.u.)']) assert.ok(svgText.includes(title), `axis title ${title}`);
    assert.equal(await page.locator('#nd-snapshots svg[role="img"][aria-label]').count(), 8, 'eight described density panels');

    // the g slider by Tab alone; ArrowRight starts a run, ArrowLeft x 7 while it runs supersedes it
    let found = false;
    for (let i = 0; i < 30 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement?.id === 'nd-g');
    }
    assert.ok(found, 'the g slider is reachable with Tab');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.getElementById('nd-results')?.dataset.state === 'running');
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowLeft');
    assert.equal(await page.inputValue('[data-testid="nd-g"]'), '0');
    run = await waitForNdRun(page, run);
    assert.equal(run, 2, 'the superseded g = 3.5 run never reached the page');
    const g0 = await ndConfig(page);
    assert.deepEqual(g0, { ...ND_DEFAULT, process: { ...ND_DEFAULT.process, g: 0 } });
    const n0 = await ndNumbers(page);
    const ref0 = nodeNd(g0);
    assertSameAsNode(n0, ref0, 'g = 0');
    await assertStatedErrors(page, ref0);
    // g = 0 is a gradient force: no housekeeping part, and the chain closes with c2 = wD
    assert.equal(n0.housekeeping, 0);
    assert.equal(n0.c2, n0.wD);
    assert.match((await page.textContent('[data-testid="nd-chain"]')) ?? '', /η ≤ c₁ ≤ c₂ = w_D holds/);

    // Stop (keyboard) during a run: the worker is terminated, nothing new reaches the page
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.getElementById('nd-results')?.dataset.state === 'running');
    await page.focus('[data-testid="nd-stop"]');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#nd-results', 'data-state'), 'stopped');
    assert.match((await page.textContent('[data-testid="nd-status"]')) ?? '', /^Stopped/);
    assert.equal(await page.getAttribute('[data-testid="nd-stop"]', 'disabled'), '', 'Stop is disabled when nothing runs');
    assert.equal(await page.getAttribute('[data-testid="nd-wd"]', 'data-value'), String(n0.wD), 'the g = 0 numbers stay');
    assert.equal(Number(await page.getAttribute('#nd-results', 'data-run')), run);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('Gaussian data: the quadrature numbers match the closed forms within their stated errors; particles selectable; a change during the first run replaces it; bad input is refused', async () => {
    const { page, problems } = await open(1280, 800, false, 'nd.html');
    // switch the case with the keyboard while the first (Swiss-roll) run is computing
    await page.waitForFunction(() => document.getElementById('nd-results')?.dataset.state === 'running');
    await page.focus('[data-testid="nd-case"]');
    await page.keyboard.press('ArrowDown');
    let run = await waitForNdRun(page, 0);
    assert.equal(run, 1, 'the Swiss-roll run was stopped, not shown');
    const cfg = await ndConfig(page);
    assert.deepEqual(cfg.data, { kind: 'gaussian-mixture', means: [[0, 0]], stds: [0.5], weights: [1] });
    const nums = await ndNumbers(page);
    const ref = nodeNd(cfg);
    assertSameAsNode(nums, ref, 'Gaussian');
    const exact = await ndNumbers(page, '-exact');
    const want = gaussianSwissRollExact({ h: 1.1, g: 3, Tfin: 0.5, tau: 3 }, 0.5, 0.6);
    for (const k of Object.keys(ND_IDS) as NdKey[]) {
      // the page evaluates the same closed form in Chromium: engine Math last bits only
      assert.ok(Math.abs(exact[k] - want[k]) <= REL_TOL * Math.abs(want[k]), `exact ${k}: page ${exact[k]}, Node ${want[k]}`);
      const dev = await ndAttr(page, `nd-${ND_IDS[k]}-dev`);
      assert.ok(Math.abs(dev - (nums[k] / exact[k] - 1)) <= 1e-15, `deviation ${k}`);
    }
    await waitForNdErrors(page);
    await assertStatedErrors(page, ref);
    // Against the closed forms, two tolerances per number (docs/multid.md, "Accuracy against closed forms"):
    // - the library's contract for its stated error e (an estimate, not a bound; its closed-form tests
    //   require the same): |true error| <= 3 e + 5e-4;
    // - the goal of the quadrature estimator (issue 11): 1 %. Measured here (s0 0.5, r 0.6, g 3):
    //   |true error| <= 0.11 % (c1), stated errors 0.02-0.48 %; the particle estimator at 400
    //   particles was off by 5-24 %, so a page that ran it (or mis-scaled a number) fails.
    // D0 is the trapezoid rule on the node box (6 std): off by 3.5e-8 (the tail mass outside the box),
    // inside 3 e + 5e-4 like the others.
    for (const k of Object.keys(ND_IDS) as NdKey[]) {
      if (want[k] === 0) continue;
      const trueErr = Math.abs(nums[k] / exact[k] - 1);
      const stated = ref.errors[k];
      assert.ok(trueErr <= 3 * stated + 5e-4, `${k}: true error ${trueErr} vs stated ${stated}`);
      assert.ok(trueErr <= 0.01, `${k}: true error ${trueErr} above 1 %`);
    }
    assert.deepEqual(ref.flagged, [], 'nothing is flagged on the Gaussian case at the default sizes');
    assert.equal(await page.locator('#nd-numbers tr.beyond-error').count(), 0, 'no row marked beyond its stated error');
    assert.equal(await page.locator('#nd-numbers tr.flagged').count(), 0);
    await page.screenshot({ path: join(outDir, 'lab-2d-gaussian-full.png'), fullPage: true });

    // a start so wide that D0 is infinite: the library's message names the field, nothing is replaced
    const etaBefore = await page.getAttribute('[data-testid="nd-eta"]', 'data-value');
    await page.fill('[data-testid="nd-r"]', '1.2');
    await page.waitForFunction(() => document.getElementById('nd-results')?.dataset.state === 'invalid', null, { timeout: 60_000 });
    assert.match((await page.textContent('#nd-form-errors')) ?? '', /D0 is infinite/);
    assert.equal(await page.getAttribute('[data-testid="nd-r"]', 'aria-invalid'), 'true');
    // not a number
    await page.fill('[data-testid="nd-tau"]', 'abc');
    await page.waitForFunction(() => /Horizon tau: expected a number, got "abc"/.test(document.getElementById('nd-form-errors')?.textContent ?? ''));
    assert.equal(await page.getAttribute('[data-testid="nd-eta"]', 'data-value'), etaBefore, 'no new numbers from invalid input');
    await page.fill('[data-testid="nd-tau"]', '3');
    await page.fill('[data-testid="nd-r"]', '0.6');
    run = await waitForNdRun(page, run);
    assert.equal(await page.getAttribute('[data-testid="nd-eta"]', 'data-value'), String(nums.eta), 'the same config gives the same numbers');
    assert.equal(await page.textContent('#nd-form-errors'), '');

    // the particle estimator is still selectable: its own config and errors (a run with half the particles)
    await page.selectOption('[data-testid="nd-estimator"]', 'particles');
    run = await waitForNdRun(page, run);
    const pcfg = await ndConfig(page);
    assert.deepEqual(pcfg, { ...cfg, estimator: 'particles', particles: 400, steps: 60, w1Times: 16, seed: 1 });
    const pref = nodeNd(pcfg);
    assert.equal(pref.estimator, 'particles');
    assertSameAsNode(await ndNumbers(page), pref, 'Gaussian, particles');
    assert.match((await page.textContent('#nd-err-head')) ?? '', /400 vs 200 particles/);
    await assertStatedErrors(page, pref);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('works at phone width (390 x 844): no horizontal scrolling, numbers, errors and controls on screen', async () => {
    const { page, problems } = await open(390, 844, true, 'nd.html');
    await waitForNdRun(page, 0);
    await waitForNdErrors(page);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
    assert.ok(scrollWidth <= clientWidth, `page scrolls sideways: ${scrollWidth} > ${clientWidth}`);
    for (const sel of ['[data-testid="nd-g"]', '[data-testid="nd-case"]', '[data-testid="nd-eta"]', '[data-testid="nd-eta-err"]', '#nd-chart-w1 svg.marks', '#nd-snapshots svg']) {
      const box = await page.locator(sel).first().boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= clientWidth + 0.5, `${sel} inside the screen: ${JSON.stringify(box)}`);
    }
    // the docs screenshot shows the results (status, numbers with their errors): scroll their top into view
    await page.evaluate(() => document.getElementById('nd-results')?.scrollIntoView({ block: 'start' }));
    if (updateDocs) await page.screenshot({ path: join(repo, 'docs', 'lab-2d-phone.png') });
    await page.screenshot({ path: join(outDir, 'lab-2d-390x844-full.png'), fullPage: true });
    // the tab bar fits one line and leads back to the 1-D page from the keyboard (relative link, sub-path)
    const tabs = await page.locator('nav.tabs a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().top));
    assert.equal(new Set(tabs).size, 1, `tabs on one line: ${tabs}`);
    await page.focus('nav.tabs a[href="./index.html"]');
    await Promise.all([page.waitForURL(/index\.html$/), page.keyboard.press('Enter')]);
    await page.waitForSelector('[data-testid="schedule"]');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
