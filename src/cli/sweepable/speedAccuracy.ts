import { resolve } from 'node:path';
import { NumericalError } from '../../core/errors.ts';
import type { SweepCommand } from '../../sweep/sweepRegistry.ts';
import { parseSpeedAccuracyConfig } from '../../config/speedAccuracyConfig.ts';
import { speedAccuracy1d } from '../../thermo/speedAccuracy1d.ts';
import { isNdSpeedAccuracyConfig, parseSpeedAccuracyNdConfig, runSpeedAccuracyNd } from '../../config/speedAccuracyNdConfig.ts';
import { speedAccuracyNdJson } from '../../report/speedAccuracyNdReport.ts';
import { speedAccuracyJson } from '../commands/speedAccuracy.ts';
import { readFileChecked } from '../../io/files.ts';

function parse(config: unknown, baseDir: string) {
  if (isNdSpeedAccuracyConfig(config)) {
    const readFile = (p: string) => new Uint8Array(readFileChecked(resolve(baseDir, p)));
    return { nd: parseSpeedAccuracyNdConfig(config, readFile) } as const;
  }
  return { oneD: parseSpeedAccuracyConfig(config) } as const;
}

/**
 * `speed-accuracy` in a sweep: a config of `thermodiff speed-accuracy` (1-D or n-D, docs/multid.md);
 * the result is the object its `--json` prints. Data files (`npy`) resolve against the base
 * config's folder. A non-finite eta, c1, c2, wD or D0 fails the task.
 */
export const speedAccuracySweep: SweepCommand = {
  name: 'speed-accuracy',
  summary: 'eta, c1, c2, wD and D0 of one speed-accuracy config (1-D or n-D), as `speed-accuracy --json` prints them',
  validate(config, { baseDir }) {
    parse(config, baseDir);
  },
  run(config, { baseDir }) {
    const p = parse(config, baseDir);
    const json = p.nd ? speedAccuracyNdJson(runSpeedAccuracyNd(p.nd)) : speedAccuracyJson(speedAccuracy1d(p.oneD));
    for (const k of ['eta', 'c1', 'c2', 'wD', 'D0'] as const) {
      if (!Number.isFinite(json[k])) throw new NumericalError(`${k} is not finite (${json[k]})`);
    }
    return json;
  },
  quantities: ['eta', 'c1', 'c2', 'wD', 'D0', 'deltaW1'],
};

