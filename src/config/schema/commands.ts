/**
 * The top-level config schema of every config-driven command, built from the shared blocks
 * (docs/config.md). `npm run schemas` turns them into schemas/<command>.json for editors.
 * Browser-safe.
 */
import * as v from 'valibot';
import {
  coupling,
  mixtureData,
  perturbation,
  process,
  SCHEDULES,
  scheduleName,
  scheduleOptions,
  speedAccuracyData,
  TRAIN_SCHEDULES,
  tau,
  trainData,
} from './blocks.ts';
import { doc, integer, list, loose, oneOf, openUnit, positive, strict, text } from './fields.ts';

import type { ConfigCommand } from './configCommands.ts';

export { CONFIG_COMMANDS, type ConfigCommand } from './configCommands.ts';
export { sweepFileSchema } from './sweepFile.ts';

const $schema = () => v.optional(doc(v.string(), 'the JSON Schema of this file (for editors; ignored)'));

/**
 * speed-accuracy, 1-D and n-D (docs/multid.md). Top-level keys it does not list pass through to the
 * command's parser, which owns its engine keys and rejects unknown ones.
 */
function speedAccuracy() {
  return doc(
    loose({
      $schema: $schema(),
      data: speedAccuracyData(),
      schedule: v.optional(scheduleName(SCHEDULES)),
      process: v.optional(process()),
      tau: tau(),
      scheduleOptions: v.optional(scheduleOptions()),
      perturbation: perturbation(),
      estimator: v.optional(doc(oneOf(['quadrature', 'particles'], 'estimator'), 'n-D estimator: quadrature (default in 1-3 D) or particles (the only choice in d > 3, and the default when particles is given)')),
      cells: v.optional(doc(integer(8), 'n-D quadrature: nodes per axis of the fine grid (default 400 in 1-D, 48 in 2-D, 24 in 3-D)')),
      coarseCells: v.optional(doc(integer(4), 'n-D quadrature: nodes per axis of the coarse grid, below cells (default about 3/4 of cells)')),
      nodeW1: v.optional(doc(v.boolean((i) => `expected true or false, got ${JSON.stringify(i.input)}`), 'n-D quadrature, 2-D point-mass data: W1 between ~0.06 and 0.3 tau by exact OT over the per-blob Gauss-Hermite nodes (default true; false takes the lattice there, which is not converged, for ~25-35 % less CPU)')),
      particles: v.optional(doc(integer(2), 'n-D particle estimator: number of particles (default 1000); giving it selects the particle estimator')),
      steps: v.optional(doc(integer(4), 'n-D: time steps (default 120)')),
      w1Times: v.optional(doc(integer(2), 'n-D: times at which W1 is measured (default 30; 24 for 3-D quadrature)')),
      splitTimes: v.optional(doc(integer(2), 'n-D: times at which the dissipation is split into excess and housekeeping parts (default 12; 61 for quadrature with a non-conservative force)')),
      seed: v.optional(doc(integer(0), 'n-D: seed of the particles'), 1),
      otTargetSamples: v.optional(doc(integer(2), 'n-D OT protocol: Gaussian target samples (default: the number of data points, 1000 for mixtures)')),
      otMethod: v.optional(doc(oneOf(['semi-discrete', 'kernel'], 'otMethod'), 'n-D OT protocol construction (default: semi-discrete in 2-D, kernel otherwise)')),
    }),
    'thermodiff speed-accuracy config: data, schedule or process, tau, perturbation (docs/config.md)',
  );
}

function train() {
  return doc(
    strict({
      $schema: $schema(),
      data: trainData(),
      source: v.optional(doc(v.union([v.literal('gaussian'), trainData()], (i) => `expected "gaussian" or a dataset object, got ${JSON.stringify(i.input)}`), 'the source at t = tau'), 'gaussian'),
      schedule: v.optional(scheduleName(TRAIN_SCHEDULES), 'cond-ot'),
      tau: tau(),
      scheduleOptions: v.optional(scheduleOptions()),
      coupling: coupling(),
      model: v.optional(doc(strict({ hidden: v.optional(doc(list(integer(1, 65536), 'array of layer widths'), 'hidden layer widths of the MLP'), [256, 256, 256]) }), 'the network')),
      train: v.optional(
        doc(
          strict({
            steps: v.optional(doc(integer(1), 'optimiser steps'), 2000),
            batchSize: v.optional(doc(integer(1), 'minibatch size: at most 65536, or 4096 with an OT coupling (checked by the train parser)'), 256),
            lr: v.optional(doc(positive(), 'peak learning rate (Adam)'), 0.001),
            lrSchedule: v.optional(doc(oneOf(['constant', 'cosine', 'linear']), 'learning-rate decay'), 'cosine'),
            warmup: v.optional(doc(integer(0), 'linear warm-up steps'), 0),
            maxGradNorm: v.optional(doc(positive(), 'gradient clipping norm'), 1),
            ema: v.optional(doc(openUnit(), 'exponential moving average of the weights (decay per step)')),
            checkpointEvery: v.optional(doc(integer(1), 'steps between checkpoints'), 500),
            threads: v.optional(doc(integer(1, 64), 'onnxruntime threads'), 1),
            sinkhornReg: v.optional(doc(positive(), 'entropic regularisation of the sinkhorn coupling'), 0.05),
          }),
          'optimiser settings',
        ),
      ),
      seed: v.optional(doc(integer(0), 'seed of data, initialisation and batches'), 0),
      out: doc(text('an output folder path'), 'the run folder'),
    }),
    'thermodiff train config (docs/config.md, docs/nn.md)',
  );
}

function optimizeSchedule() {
  const solver = () => oneOf(['euler', 'heun']);
  return doc(
    strict({
      $schema: $schema(),
      data: mixtureData(),
      schedule: v.optional(
        v.union(
          [scheduleName(SCHEDULES), doc(loose({ format: v.literal('thermodiff-schedule') }), 'an inline schedule file (optimize-schedule --schedule-out)')],
          (i) => `expected one of ${SCHEDULES.join(', ')} or a schedule file object, got ${JSON.stringify(i.input)}`,
        ),
      ),
      process: v.optional(process(false)),
      tau: tau(),
      scheduleOptions: v.optional(scheduleOptions()),
      perturbation: v.optional(perturbation()),
      optimize: v.optional(
        doc(
          strict({
            nfe: v.optional(doc(integer(1, 4096), 'function evaluations of the grid')),
            solver: v.optional(doc(solver(), 'ODE solver')),
            nfeSweep: v.optional(doc(v.array(integer(1, 4096)), 'NFE values of the error-vs-NFE table')),
            sweepSolvers: v.optional(doc(list(solver(), 'array of solvers'), 'solvers of the error-vs-NFE table')),
            panels: v.optional(doc(integer(4, 10_000), 'quadrature panels')),
            optStarts: v.optional(doc(integer(2, 1_000_000), 'starting points used by the optimiser')),
            evalStarts: v.optional(doc(integer(2, 1_000_000), 'starting points used for evaluation')),
            seed: v.optional(doc(integer(0, 2 ** 32 - 1), 'seed')),
            maxIterations: v.optional(doc(integer(0, 100_000), 'optimiser iterations')),
            multiStart: v.optional(doc(v.boolean((i) => `expected true or false, got ${JSON.stringify(i.input)}`), 'restart the optimiser from several grids')),
            edm: v.optional(doc(strict({ rho: v.optional(positive()), lambdaMin: v.optional(positive()), lambdaMax: v.optional(positive()) }), 'EDM grid parameters')),
          }),
          'optimiser settings (docs/schedules.md)',
        ),
      ),
    }),
    'thermodiff optimize-schedule config (docs/config.md, docs/schedules.md)',
  );
}

let cache: Record<ConfigCommand, v.GenericSchema> | undefined;

/** The schema of a command's config (built once). */
export function configSchema(command: ConfigCommand): v.GenericSchema {
  cache ??= { 'speed-accuracy': speedAccuracy(), train: train(), 'optimize-schedule': optimizeSchedule() };
  return cache[command];
}
