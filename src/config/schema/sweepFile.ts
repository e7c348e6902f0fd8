/**
 * The sweep file of `thermodiff sweep plan` (docs/sweeps.md) as a valibot schema. It exists for
 * schemas/sweep.json (editor completion). src/sweep/sweepSpec.ts validates sweep files: it also
 * checks what a schema cannot (grid axes that overlap, merge axes that are grid axes).
 * Browser-safe.
 */
import * as v from 'valibot';
import { doc, list, strict, text } from './fields.ts';

/** The sweep-file schema. */
export function sweepFileSchema() {
  return doc(
    strict({
      $schema: v.optional(doc(v.string(), 'the JSON Schema of this file (for editors; ignored)')),
      name: v.optional(doc(v.string(), 'title, shown in report.md')),
      description: v.optional(doc(v.string(), 'shown in report.md')),
      command: doc(text(), 'the command each task runs: speed-accuracy, train or optimize-schedule'),
      config: doc(
        v.union([text(), v.record(v.string(), v.unknown())]),
        'the base config: a path relative to this file, or an inline config object (docs/config.md)',
      ),
      grid: v.optional(
        doc(v.record(v.string(), list(v.unknown(), 'array of values')), 'dotted config path -> the values it takes (the cartesian product is run)'),
      ),
      merge: v.optional(
        doc(
          strict({
            over: v.optional(doc(v.array(v.string()), 'grid axes to average over (mean and error bars)')),
            quantities: v.optional(doc(v.array(v.string()), 'result quantities to tabulate (default: the command\'s)')),
            figures: v.optional(doc(v.array(strict({ y: doc(text(), 'result quantity'), x: doc(text(), 'grid axis') })), 'figures: y against x')),
          }),
          'how `thermodiff sweep merge` summarises the results',
        ),
      ),
    }),
    'thermodiff sweep file (docs/sweeps.md)',
  );
}
