import { isAbsolute, join, resolve } from 'node:path';
import { describe } from '../../core/check.ts';
import { InputError } from '../../core/errors.ts';
import { parseTrainConfig } from '../../config/trainConfig.ts';
import type { SweepCommand } from '../../sweep/sweepRegistry.ts';

/** Evaluation settings of a train task (the defaults of `thermodiff evaluate`). */
interface EvaluateOptions {
  n: number;
  seed: number;
  s0: number;
}

/**
 * Split a sweep config of `train` into the training config (with `out` set to the task's own
 * folder and data files made absolute against `baseDir`) and its `evaluate` block:
 * `{"n": 1000, "seed": 0, "s0": 1.3}` by default, `false` to skip the evaluation.
 */
function split(config: unknown, baseDir: string, workDir: string): { train: Record<string, unknown>; evaluate: EvaluateOptions | null } {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new InputError(`expected an object, got ${describe(config)}`, 'config');
  const { evaluate: ev, ...train } = config as Record<string, unknown>;
  let evaluate: EvaluateOptions | null = { n: 1000, seed: 0, s0: 1.3 };
  if (ev === false) evaluate = null;
  else if (ev !== undefined) {
    if (ev === null || typeof ev !== 'object' || Array.isArray(ev)) throw new InputError(`expected {"n", "seed", "s0"} or false, got ${describe(ev)}`, 'config.evaluate');
    const e = ev as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!['n', 'seed', 's0'].includes(k)) throw new InputError(`unknown key ${JSON.stringify(k)} (expected n, seed, s0)`, 'config.evaluate');
    evaluate = { ...evaluate, ...(e as Partial<EvaluateOptions>) };
    if (!Number.isInteger(evaluate.n) || evaluate.n < 2) throw new InputError(`expected an integer >= 2, got ${describe(e.n)}`, 'config.evaluate.n');
    if (!Number.isInteger(evaluate.seed) || evaluate.seed < 0) throw new InputError(`expected a non-negative integer, got ${describe(e.seed)}`, 'config.evaluate.seed');
    const s0 = evaluate.s0;
    if (!(typeof s0 === 'number' && s0 > 0 && s0 * s0 < 2 && s0 !== 1)) throw new InputError(`expected a number in (0, 1.414), not 1, got ${describe(e.s0)}`, 'config.evaluate.s0');
  }
  const absFile = (spec: unknown) => {
    if (spec && typeof spec === 'object' && (spec as Record<string, unknown>).kind === 'npy' && typeof (spec as Record<string, unknown>).file === 'string') {
      const f = (spec as Record<string, unknown>).file as string;
      return { ...(spec as Record<string, unknown>), file: isAbsolute(f) ? f : resolve(baseDir, f) };
    }
    return spec;
  };
  return { train: { ...train, data: absFile(train.data), ...(train.source !== undefined ? { source: absFile(train.source) } : {}), out: workDir }, evaluate };
}

/**
 * `train` in a sweep: a `thermodiff train` config (docs/nn.md) plus an optional `evaluate` block;
 * trains into the task's own folder (work/<id>/, resuming from its checkpoint after an
 * interruption; the config's `out` is not used), then evaluates the model as `thermodiff evaluate`
 * does. Result: finalLoss, steps, evaluation {w2, w2DataNoise, pathEnergy, normalizedPathEnergy,
 * straightness, nfe, ...}, fmResidual and eq100 where they apply, notes.
 */
export const trainSweep: SweepCommand = {
  name: 'train',
  summary: 'train a flow-matching model from a train config, then evaluate it (W2 to held-out data, path energy, straightness, NFE, Eq. 100)',
  validate(config, { baseDir }) {
    parseTrainConfig(split(config, baseDir, 'work').train, 'config');
  },
  async run(config, { baseDir, workDir }) {
    const { train, evaluate } = split(config, baseDir, workDir);
    const cfg = parseTrainConfig(train, 'config');
    // lazy: onnxruntime and the chart modules load only in workers that train
    const { runTrainConfig } = await import('../commands/train.ts');
    const r = await runTrainConfig(cfg, baseDir, { quiet: true });
    const result: Record<string, unknown> = {
      finalLoss: r.finalLoss,
      steps: cfg.steps,
      seconds: r.seconds,
      stepsPerSecond: r.stepsPerSecond,
      resumedFrom: r.resumedFrom,
      model: join(r.out, 'model'),
    };
    if (evaluate) {
      const { loadFlowModel } = await import('../../nn/models/loadFlowModel.ts');
      const { evaluateModel } = await import('../commands/evaluate.ts');
      const { writeFileAtomic } = await import('../../io/files.ts');
      const model = await loadFlowModel(join(r.out, 'model'), { threads: cfg.threads });
      const ev = await evaluateModel(model, { ...evaluate, where: 'model' });
      writeFileAtomic(join(r.out, 'model', 'evaluation.json'), JSON.stringify(ev, null, 2));
      result.evaluation = ev.evaluation;
      if (ev.fmResidual) result.fmResidual = ev.fmResidual;
      if (ev.eq100) result.eq100 = ev.eq100;
      result.notes = ev.notes;
    }
    return result;
  },
  quantities: ['finalLoss', 'evaluation.w2', 'evaluation.normalizedPathEnergy', 'evaluation.straightness', 'evaluation.nfe'],
  runKeys: ['seconds', 'stepsPerSecond', 'resumedFrom', 'model'],
};
