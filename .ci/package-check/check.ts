// A strict TypeScript consumer of the installed package: type-checked (not run) under nodenext with
// noUncheckedIndexedAccess, exactOptionalPropertyTypes and skipLibCheck false, so every .d.ts the
// package ships (and the packages its types name) must be clean under those flags.
import { cosineSchedule, emd, makePoints, parseSpeedAccuracyConfig, type Schedule, type SpeedAccuracyResult, speedAccuracy1d } from 'thermodiff';
import { createMlpEngine, MissingDependencyError, type MlpEngine, svgToPng } from 'thermodiff/node';
import { lineChart } from 'thermodiff';

const s: Schedule = cosineSchedule(1);
const x = makePoints(Float64Array.from([0, 1]), 2, 1);
const cost: number = emd(null, null, { kind: 'sqeuclidean', x, y: x }).cost;
const r: SpeedAccuracyResult = speedAccuracy1d(
  parseSpeedAccuracyConfig({ data: { kind: 'gaussian-mixture', means: [[0]], stds: [1], weights: [1] }, schedule: 'cosine', tau: 1, perturbation: { kind: 'normal', mean: [1], std: 1 } }),
);
const first = r.checks[0]; // noUncheckedIndexedAccess: SpeedAccuracyCheck | undefined
const ok: boolean = first?.ok ?? false;
const png: Uint8Array = svgToPng(lineChart({ xLabel: 't', yLabel: 'm', series: [{ name: s.name, x: [0, 1], y: [s.m(0), s.m(1)] }] }));

export async function engine(): Promise<MlpEngine | string> {
  try {
    return await createMlpEngine({ dim: 2, hidden: [8], batchSize: 4, seed: 0 });
  } catch (e) {
    if (e instanceof MissingDependencyError) return e.packageName;
    throw e;
  }
}
export const summary = { cost, eta: r.eta, ok, bytes: png.length };
