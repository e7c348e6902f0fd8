import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, jsonObject, rejectUnknownKeys } from '../../core/check.ts';
import { InputError } from '../../core/errors.ts';
import { parseOptimizeOptions, parseOptimizeScheduleConfig } from '../../config/optimizeScheduleConfig.ts';
import type { OptimizeScheduleOptions, OptimizeScheduleResult } from '../../grids/optimizeSchedule.ts';
import type { SweepCommand } from '../../sweep/sweepRegistry.ts';

/** A model config: `{"model": "<run or model folder>", "optimize": {...}}` (the path relative to the base config). */
interface ModelConfig {
  model: string;
  options: OptimizeScheduleOptions;
}

/** A model config, or null for a data config (a speed-accuracy config plus `optimize`). */
function modelConfig(config: unknown, baseDir: string): ModelConfig | null {
  const o = jsonObject(config, 'config');
  if (!('model' in o)) return null;
  rejectUnknownKeys(o, ['model', 'optimize'], 'config');
  if (typeof o.model !== 'string' || o.model === '') throw new InputError(`expected a run or model folder, got ${describe(o.model)}`, 'config.model');
  const dir = resolve(baseDir, o.model);
  if (!existsSync(join(dir, 'model.json')) && !existsSync(join(dir, 'model', 'model.json'))) {
    throw new InputError(`no model.json in ${dir} or ${join(dir, 'model')}`, 'config.model');
  }
  return { model: o.model, options: 'optimize' in o ? parseOptimizeOptions(o.optimize, 'config.optimize') : {} };
}

/**
 * The sweep result: what `optimize-schedule --json` prints, plus `byGrid` (each grid's endpoint
 * error and W2 keyed by grid name, so that `byGrid.optimised.w2` is a dotted quantity; sweeps ignore
 * arrays).
 */
function sweepResult(r: OptimizeScheduleResult) {
  const byGrid: Record<string, { endpointError: number; w2?: number }> = {};
  for (const g of r.grids) byGrid[g.name] = { endpointError: g.endpointError, ...(g.w2 !== undefined ? { w2: g.w2 } : {}) };
  return { ...r, byGrid };
}

/**
 * `optimize-schedule` in a sweep. The config is either an optimize-schedule config (a
 * speed-accuracy config, 1-D or an n-D Gaussian mixture, with an optional `optimize` block:
 * docs/schedules.md) or `{"model": "<run>", "optimize": {...}}` for a trained model (the path resolves
 * against the base config's folder). Sweep over e.g. `optimize.nfe`, `optimize.solver`, `schedule`,
 * `optimize.seed`. Non-finite L, c2 or grid errors fail the task.
 */
export const optimizeScheduleSweep: SweepCommand = {
  name: 'optimize-schedule',
  summary: 'thermodynamic length, c2 before/after the constant-speed time change, and the step grids (endpoint error, W2) at one NFE and solver, for a config or a trained model',
  validate(config, { baseDir }) {
    if (!modelConfig(config, baseDir)) parseOptimizeScheduleConfig(config, 'config');
  },
  async run(config, { baseDir }) {
    // The command module (and, for models, onnxruntime) loads only in workers that run this command.
    const { checkFinite, modelStudyInputs } = await import('../commands/optimizeSchedule.ts');
    const mc = modelConfig(config, baseDir);
    let r: OptimizeScheduleResult;
    if (mc) {
      const { loadModelArg } = await import('../commands/sample.ts');
      const { optimizeScheduleForModel } = await import('../../grids/modelStudy.ts');
      const model = await loadModelArg(resolve(baseDir, mc.model));
      const o = mc.options;
      // label: the path as written, so that results do not depend on where the sweep folder lives
      const inputs = modelStudyInputs(model, { nOpt: o.optStarts ?? 1000, nEval: o.evalStarts ?? 1000, seed: o.seed ?? 0, label: mc.model });
      r = await optimizeScheduleForModel(model, inputs, o);
    } else {
      const { optimizeSchedule } = await import('../../grids/optimizeSchedule.ts');
      r = await optimizeSchedule(parseOptimizeScheduleConfig(config, 'config'));
    }
    checkFinite(r);
    return sweepResult(r);
  },
  quantities: ['L', 'c2', 'c2ConstantSpeed', 'byGrid.uniform.endpointError', 'byGrid.equal-length.endpointError', 'byGrid.optimised.endpointError', 'byGrid.optimised.w2'],
  runKeys: ['seconds'],
};
