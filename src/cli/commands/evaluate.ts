/**
 * `thermodiff evaluate --model DIR [--n N] [--seed S] [--s0 X] [--json]`: sample-quality and path
 * diagnostics of a trained model against fresh held-out data regenerated from its training config
 * (W2 to held-out data next to the data's own W2 noise, path energy vs W2^2(source, data),
 * normalised path energy, straightness, dopri5 NFE), plus, for Gaussian-mixture data with a
 * Gaussian source and a schedule ending at N(0, I), the flow-matching residual L against the exact
 * velocity and both sides of Eq. 100. Writes evaluation.json next to model.json.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.ts';
import { mixtureOf } from '../../config/datasetSpec.ts';
import { checkEq100, type Eq100Check, evaluateFlowModel, type FlowEvaluation, flowMatchingResidual } from '../../nn/evaluate/evaluateFlowModel.ts';
import type { FlowModel } from '../../nn/models/flowModel.ts';
import { stepRng } from '../../nn/train/stepRng.ts';
import { parseTrainConfig } from '../../config/trainConfig.ts';
import { UsageError } from '../errors.ts';
import { parseIntFlag, parseNumberFlag, parseSeedFlag } from '../flags.ts';
import { checkBudget } from '../limits.ts';
import { checkOutputs, writeOutputs } from '../outputs.ts';
import { freshData, loadModelArg, modelSchedule, priorSamples, trainConfigJson } from './sample.ts';
import { STREAMS } from './train.ts';

export interface EvaluationReport {
  model: string;
  evaluation: FlowEvaluation;
  fmResidual?: { residual: number; wD: number };
  eq100?: Eq100Check;
  notes: string[];
}

/** Evaluate a model (see the command description). */
export async function evaluateModel(model: FlowModel, opts: { n: number; seed: number; s0: number; where: string }): Promise<EvaluationReport> {
  const cfgJson = trainConfigJson(model);
  if (!cfgJson) throw new InputError('model.json has no training.config: cannot regenerate held-out data', opts.where);
  const cfg = parseTrainConfig(cfgJson, `${opts.where} training.config`);
  const notes: string[] = [];
  const seed = cfg.seed + 1000003 * (opts.seed + 1);
  const held = (stream: number) => {
    const p = freshData(cfg.data, opts.n, seed, stream, 'held-out data');
    if (cfg.data.kind === 'npy') notes.push('npy data: held-out sets are drawn from the training file itself (not independent)');
    return p;
  };
  const ho1 = held(STREAMS.heldOut);
  const ho2 = held(STREAMS.heldOut2);
  const prior = priorSamples(model, opts.n, stepRng(seed, 0, STREAMS.heldOutSource));
  const { samples: _s, ...evaluation } = await evaluateFlowModel(model, prior, ho1, ho2);
  const report: EvaluationReport = { model: opts.where, evaluation, notes };
  const gm = mixtureOf(cfg.data);
  if (gm && cfg.source === 'gaussian') {
    const sched = modelSchedule(model);
    const rng = stepRng(seed, 0, 99);
    const fm = await flowMatchingResidual(model, gm, sched, rng, { n: 2000, nodes: 40 });
    report.fmResidual = { residual: fm.residual, wD: fm.wD };
    if (Math.abs(sched.m(model.tau)) < 1e-9 && Math.abs(sched.sigma(model.tau) - 1) < 1e-9) {
      report.eq100 = await checkEq100(model, gm, sched, rng, { s0: opts.s0, n: opts.n, residual: fm });
    } else {
      notes.push(`Eq. 100 check skipped: schedule ${sched.name} does not end at N(0, I)`);
    }
  } else {
    notes.push('FM residual and Eq. 100 need Gaussian-mixture data (8gaussians, gaussian-mixture) with a Gaussian source');
  }
  return report;
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('W2 to held-out data, path energy, straightness, NFE; FM residual and Eq. 100 on Gaussian mixtures')
    .requiredOption('--model <dir>', 'model folder or run folder')
    .option('--n <n>', 'samples (exact OT is O(n^2) memory-free but slow beyond ~2000)', '1000')
    .option('--seed <s>', 'seed of the evaluation draws', '0')
    .option('--s0 <x>', 'std of the mismatched reverse start N(0, s0^2 I) for Eq. 100', '1.3')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExit codes: 0 success, 2 bad input or a request beyond the time limit (nothing written), 3 non-finite velocities. See docs/cli.md.')
    .action(async (o: { model: string; n: string; seed: string; s0: string; json?: boolean }) => {
      const n = parseIntFlag(o.n, '--n', 2);
      const seed = parseSeedFlag(o.seed);
      const s0 = parseNumberFlag(o.s0, '--s0', { min: 0, exclusiveMin: true, max: Math.SQRT2, exclusiveMax: true });
      if (s0 === 1) throw new UsageError(`--s0: expected a number in (0, 1.414), not 1, got ${o.s0}`);
      const outFile = join(resolveModelDir(o.model), 'evaluation.json');
      const modelDir = resolve(o.model);
      checkOutputs(
        [{ flag: '--model (evaluation.json)', path: outFile }],
        ['model.json', 'weights.bin'].flatMap((f) => [join(modelDir, f), join(modelDir, 'model', f)]).map((path) => ({ flag: '--model', path })),
      );
      checkBudget({
        what: `an evaluation with --n ${n}`,
        bytes: 64 * 2 ** 20 + 1024 * n,
        // exact OT between n-point sets, several times (fitted on n = 500..2000, optimistic)
        seconds: 2e-8 * n ** 2.5,
        hint: 'use a smaller --n',
      });
      const model = await loadModelArg(o.model);
      const r = await evaluateModel(model, { n, seed, s0, where: o.model });
      await writeOutputs((files) => files.write(outFile, JSON.stringify(r, null, 2)));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const e = r.evaluation;
      const lines = [
        `samples n = ${e.n}`,
        `W2(generated, held-out)        ${e.w2.toFixed(4)}   (data's own noise: W2(held-out, held-out') = ${e.w2DataNoise.toFixed(4)})`,
        `path energy  int E|u|^2 dt     ${e.pathEnergy.toFixed(4)}   W2^2(source, data) = ${e.w2SqSourceData.toFixed(4)}`,
        `normalised path energy         ${e.normalizedPathEnergy.toFixed(4)}`,
        `straightness                   ${e.straightness.toFixed(4)}`,
        `dopri5 NFE (rtol=atol=1e-5)    ${e.nfe}  (${e.acceptedSteps} accepted, ${e.rejectedSteps} rejected steps)`,
      ];
      if (r.fmResidual) lines.push(`FM residual L                  ${r.fmResidual.residual.toExponential(3)}   w_D = ${r.fmResidual.wD.toFixed(4)}`);
      if (r.eq100) {
        const q = r.eq100;
        lines.push(
          `Eq. 100 (start N(0, ${q.s0}^2 I), D0 = ${q.d0.toFixed(4)}): dW1 = ${q.deltaW1.toFixed(4)} (W1 end ${q.w1End.toFixed(4)}, start ${q.w1Start.toFixed(4)}, data noise ${q.w1DataNoise.toFixed(4)})`,
          `  |dW1|/sqrt(tau D0) = ${q.lhs.toFixed(4)}  <=  sqrt(wD) + sqrt(1+1/D0) sqrt(tau L) = ${q.rhs.toFixed(4)}  : ${q.holds ? 'holds' : 'VIOLATED'}`,
        );
      }
      for (const note of r.notes) lines.push(`note: ${note}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

/** loadModelArg accepts a run folder; evaluation.json goes next to model.json. */
function resolveModelDir(dir: string): string {
  return existsSync(join(dir, 'model.json')) ? dir : join(dir, 'model');
}
