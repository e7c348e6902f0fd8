import type { Command } from 'commander';
import { register as ot } from './ot.ts';
import { register as speedAccuracy } from './speedAccuracy.ts';
import { register as train } from './train.ts';
import { register as sample } from './sample.ts';
import { register as evaluate } from './evaluate.ts';
import { register as bench } from './bench.ts';
import { register as reproduce } from './reproduce.ts';
import { register as sweep } from './sweep.ts';
import { register as optimizeSchedule } from './optimizeSchedule.ts';
import { register as a2a } from './a2a.ts';

/**
 * Every CLI command registers itself here (one import + one entry per command).
 *
 * Start-up rule: every `register(program)` below runs at every start (`thermodiff --help` too), so
 * a command file's top-level imports must stay light: commander types, option parsing, small
 * library modules. Anything heavy (vega/vega-lite charts, report/png.ts (resvg), onnxruntime,
 * src/experiments) is loaded inside the action that needs it:
 *
 *   .action(async (opts) => {
 *     const { lineChart } = await import('../../report/charts.ts');
 *     ...
 *   });
 *
 * (type-only imports are free: `import type { X } from ...`). Help text that needs a heavy
 * module goes through `lazyHelp` (src/cli/lazyHelp.ts). test/cli/startup.test.ts fails, naming
 * the import chain, when a command reaches a heavy module eagerly. The ONNX code loads
 * onnxruntime-node and onnx-proto itself on first use (src/nn/models/optionalDependencies.ts).
 */
export const commands: Array<(program: Command) => void> = [ot, speedAccuracy, train, sample, evaluate, bench, reproduce, sweep, optimizeSchedule, a2a];
