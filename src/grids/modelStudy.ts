import type { Points } from '../core/points.ts';
import type { FlowModel } from '../nn/models/flowModel.ts';
import type { NamedScheduleOptions } from '../schedules/namedSchedule.ts';
import type { Schedule } from '../schedules/schedule.ts';
import { scheduleFileJson } from '../schedules/scheduleFile.ts';
import { speedOnNewClock } from '../schedules/timeChange.ts';
import { modelGridField } from './gridField.ts';
import { type OptimizeScheduleOptions, type OptimizeScheduleResult, runGridStudies } from './optimizeSchedule.ts';
import { sampledStudyContext } from './sampledStudy.ts';

/** Inputs of {@link optimizeScheduleForModel} that need files or the model's training config. */
export interface ModelStudyInputs {
  /** Source draws at tau for the optimiser and, independently, for evaluation (n * dim each). */
  optStarts: Float64Array;
  evalStarts: Float64Array;
  /** The model's (m, sigma) schedule (EDM / log-SNR grids), or null. */
  schedule: Schedule | null;
  /** Named base of that schedule, for the exported schedule file. */
  scheduleBase?: { name: string; options?: NamedScheduleOptions };
  /** Held-out data and a second independent set (W2 to data and its noise floor). */
  data?: Points;
  data2?: Points;
  /** Label of the model for the report. */
  label?: string;
}

/**
 * optimize-schedule for a trained flow model: every speed, grid and error from the model's own
 * velocity (the data-free error against its own dopri5 solution, rtol = atol = 1e-6), plus W2 of its
 * samples to held-out data when given.
 */
export async function optimizeScheduleForModel(model: FlowModel, inputs: ModelStudyInputs, opts: OptimizeScheduleOptions = {}): Promise<OptimizeScheduleResult> {
  const t0 = performance.now();
  const field = modelGridField(model, inputs.label);
  const ctx = await sampledStudyContext({
    field,
    schedule: inputs.schedule,
    optStarts: inputs.optStarts,
    evalStarts: inputs.evalStarts,
    data: inputs.data,
    data2: inputs.data2,
    panels: opts.panels,
    maxIterations: opts.maxIterations,
    multiStart: opts.multiStart,
    edm: opts.edm,
  });
  const tc = ctx.timeChange;
  const nEval = inputs.evalStarts.length / model.dim;
  const notes = ['speeds are the kinetic energy E|u_theta|^2 along the model\'s own trajectories (equal to v2^2 only if u_theta is a gradient field)'];
  if (!inputs.data) notes.push('no held-out data: W2 to data not computed');
  return runGridStudies(
    ctx,
    {
      protocol: model.scheduleName,
      dim: model.dim,
      speedAt: (t) => tc.speedAt(t),
      speedAfterAt: (s) => speedOnNewClock(tc, s),
      errorMeasure: `RMS endpoint distance sqrt(mean |Phi_grid(x_i) - Phi_ref(x_i)|^2) over ${nEval} fresh source draws x_i, Phi_ref = dopri5 (rtol = atol = 1e-6) of the model's velocity`,
      w2Measure: inputs.data ? `W2 of the ${nEval} generated points to ${nEval} held-out data points (exact OT); w2DataNoise is the same between two held-out sets` : null,
      w2DataNoise: ctx.w2DataNoise,
      scheduleFile: inputs.scheduleBase
        ? scheduleFileJson({
            name: `${inputs.scheduleBase.name}@constant-speed`,
            tau: model.tau,
            base: inputs.scheduleBase,
            timeChange: tc,
            provenance: { model: inputs.label ?? model.scheduleName, L: tc.length, c2: tc.cost, c2ConstantSpeed: tc.constantSpeedCost, speeds: `kinetic energy along ${nEval} model trajectories` },
          })
        : null,
      notes,
    },
    opts,
    t0,
  );
}
