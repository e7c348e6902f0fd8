import type { SpeedAccuracyNdResult } from '../thermo/speedAccuracyNd.ts';

/**
 * The JSON object printed by `thermodiff speed-accuracy --json` for n-D configs: the keys of the
 * 1-D command (protocol, tau, D0, W1Start, W1End, deltaW1, eta, c1, c2, wD, chainHolds,
 * curves {t, v2sq, vLossSq, w1}, checks) plus `housekeeping`, `v2Method`, `dim`, `D0MonteCarlo`,
 * `conservative`, the extra curves, `estimator`, `errors` (estimated relative error of each number),
 * `flagged` (those above 1 %) and `convergence` (the values at each resolution; see docs/multid.md).
 */
export function speedAccuracyNdJson(r: SpeedAccuracyNdResult) {
  return {
    protocol: r.protocol,
    tau: r.tau,
    dim: r.dim,
    D0: r.d0,
    D0MonteCarlo: r.d0MonteCarlo,
    W1Start: r.w1Start,
    W1End: r.w1End,
    deltaW1: r.deltaW1,
    eta: r.eta,
    c1: r.c1,
    c2: r.c2,
    wD: r.wD,
    housekeeping: r.housekeeping,
    v2Method: r.v2Method,
    conservative: r.conservative,
    chainHolds: r.chainHolds,
    curves: r.curves,
    checks: r.checks,
    estimator: r.estimator,
    errors: r.errors,
    flagged: r.flagged,
    convergence: r.convergence,
    settings: r.settings,
  };
}

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? x.toPrecision(6) : x.toExponential(4);
}

/** A readable plain-text report of one n-D run. */
export function speedAccuracyNdTable(r: SpeedAccuracyNdResult): string {
  const e = (key: string, v: number) => {
    const err = r.errors[key];
    if (err === undefined) return fmt(v);
    const pct = Number.isFinite(err) ? `${(100 * err).toPrecision(2)} %` : 'unknown';
    return `${fmt(v)}  (est. error ${pct}${r.flagged.includes(key) ? ', FLAGGED > 1 %' : ''})`;
  };
  const d0Mc = ` (Monte Carlo ${fmt(r.d0MonteCarlo.value)} +- ${fmt(r.d0MonteCarlo.stderr)})`;
  const rows: [string, string][] = [
    ['protocol', r.protocol],
    ['dim', String(r.dim)],
    ['tau', fmt(r.tau)],
    ['estimator', r.estimator],
    ['D0 (Pearson chi^2, Eq. 78)', `${e('d0', r.d0)}${d0Mc}`],
    ['W1 at reverse start (P_tau vs perturbed)', e('w1Start', r.w1Start)],
    ['W1 at reverse end (q vs p)', e('w1End', r.w1End)],
    ['deltaW1', e('deltaW1', r.deltaW1)],
    ['eta = deltaW1^2/(tau D0)', e('eta', r.eta)],
    ['c1 = int vLoss^2 dt', e('c1', r.c1)],
    ['c2 = int v2^2 dt', e('c2', r.c2)],
    ['wD = int T S_dot dt', e('wD', r.wD)],
    ['housekeeping = int (T S_dot - v2^2) dt', e('housekeeping', r.housekeeping)],
    ['v2 method', r.v2Method],
    [r.conservative ? 'eta <= c1 <= c2 = wD' : 'eta <= c1 <= wD', r.chainHolds ? 'holds' : 'VIOLATED'],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  lines.push('', `convergence (${r.convergence.levels.join(' -> ')}):`);
  for (const [k, v] of Object.entries(r.convergence.values)) lines.push(`  ${k}: ${v.map(fmt).join(' -> ')}`);
  lines.push(r.flagged.length ? `flagged (estimated error > 1 %): ${r.flagged.join(', ')}` : 'flagged (estimated error > 1 %): none');
  lines.push('', 'checks:');
  for (const c of r.checks) lines.push(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${fmt(c.value)} (tolerance ${fmt(c.tolerance)})`);
  return `${lines.join('\n')}\n`;
}
