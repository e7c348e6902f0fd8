/**
 * The shipped configuration of the non-grouped experiment (Table 1b), identical to
 * configs/a2a-annulus.json (a test checks it). Scaled down from the reference (batch 5000,
 * 4000 steps, DenseNet-SELU 8 x 128) to fit minutes on 2 CPU cores; docs/a2a.md gives the numbers.
 */
export const ANNULUS_CONFIG = {
  comment: 'A2A-FM, quarter annulus (Table 1b). thermodiff a2a train --config configs/a2a-annulus.json --out runs/a2a-annulus',
  data: { kind: 'quarter-annulus', n: 200000 },
  method: 'a2a',
  variant: 'plain',
  hidden: [128, 128, 128],
  steps: 1500,
  batchSize: 256,
  lr: 0.001,
  beta: 4,
  lrSchedule: 'cosine',
  seed: 1,
  threads: 1,
  checkpointEvery: 500,
} as const;
