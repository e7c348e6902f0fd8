/** Learning-rate schedule kinds. */
export type LrScheduleKind = 'constant' | 'cosine' | 'linear';

/**
 * Learning rate of 1-based step `step` of `total`: linear warm-up from lr/warmup to lr over the
 * first `warmup` steps, then constant, cosine decay to `lr * minFactor`
 * (lr_k = lr (m + (1 - m)(1 + cos(pi p))/2), p the post-warm-up progress in [0, 1]), or linear
 * decay to `lr * minFactor`.
 */
export function learningRate(
  kind: LrScheduleKind,
  lr: number,
  step: number,
  total: number,
  warmup = 0,
  minFactor = 0.05,
): number {
  if (warmup > 0 && step <= warmup) return (lr * step) / warmup;
  if (kind === 'constant') return lr;
  const span = Math.max(1, total - warmup);
  const p = Math.min(1, Math.max(0, (step - warmup) / span));
  const f = kind === 'cosine' ? (1 + Math.cos(Math.PI * p)) / 2 : 1 - p;
  return lr * (minFactor + (1 - minFactor) * f);
}
