/** Layer sizes of the time-conditioned MLP: [dim + 1, ...hidden, dim] (input row [x, t]). */
export function mlpSizes(dim: number, hidden: readonly number[]): number[] {
  return [dim + 1, ...hidden, dim];
}
