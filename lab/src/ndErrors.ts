/**
 * The one place where the 2-D tab learns the estimator's error of each number: the library's own
 * estimate (`SpeedAccuracyNdResult.errors`, relative errors from two resolutions, and `flagged`, the
 * numbers above 1 %), as `thermodiff speed-accuracy` prints it. Quadrature (the default in 2-D): fine
 * vs coarse node grid (Richardson for W1, eta, c1) plus the time-grid term; particles: a second run
 * with half the particles (docs/multid.md).
 */
import type { SpeedAccuracyNdResult } from '../../src/index.ts';
import { ND_KEYS, type NdErrors, type NdKey } from './ndProtocol.ts';

/**
 * The library's errors of the shown numbers, made absolute: relative x |value| (housekeeping that is
 * 0 is scaled by wD, as the library does). Null when the result carries no errors.
 */
export function libraryErrors(r: SpeedAccuracyNdResult): NdErrors | null {
  const e = r.errors as Record<string, unknown> | undefined;
  if (!e || typeof e !== 'object' || Object.keys(e).length === 0) return null;
  const values: Partial<Record<NdKey, number>> = {};
  const relative: Partial<Record<NdKey, number>> = {};
  for (const k of ND_KEYS) {
    const v = e[k];
    if (typeof v !== 'number' || Number.isNaN(v)) continue;
    const rel = Math.abs(v);
    const scale = k === 'housekeeping' && r.housekeeping === 0 ? Math.abs(r.wD) : Math.abs(r[k]);
    relative[k] = rel;
    // an error the library cannot bound (relative Infinity) stays Infinity ("unknown" on the page)
    values[k] = Number.isFinite(rel) ? rel * scale : Infinity;
  }
  const flagged = ND_KEYS.filter((k) => (r.flagged ?? []).includes(k));
  return { values, relative, flagged, method: errorMethod(r) };
}

/** How the library obtained its errors, from the run's settings. */
function errorMethod(r: SpeedAccuracyNdResult): string {
  const s = r.settings ?? {};
  if (r.estimator === 'quadrature') return `quadrature on ${s.cells} and ${s.coarseCells} nodes per axis`;
  if (r.estimator === 'particles') return `${s.nParticles} vs ${Math.max(2, Math.floor(Number(s.nParticles) / 2))} particles`;
  return "the library's estimate";
}
