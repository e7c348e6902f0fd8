/**
 * Plain-TypeScript forward pass of the time-conditioned SiLU MLP (same conventions as
 * `mlpGraphs.ts`: input row [x_1..x_dim, t], W_k row-major [in_k, out_k]). Browser-safe; used to
 * run saved models without onnxruntime. About 30x slower than the ONNX path.
 * @returns n*out values.
 */
export function mlpForward(
  sizes: readonly number[],
  params: readonly Float32Array[],
  x: Float32Array,
  t: ArrayLike<number>,
  n: number,
): Float32Array {
  const dim = sizes[0] - 1;
  let a = new Float64Array(n * sizes[0]);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) a[i * sizes[0] + k] = x[i * dim + k];
    a[i * sizes[0] + dim] = t[i];
  }
  const L = sizes.length - 1;
  for (let k = 0; k < L; k++) {
    const nin = sizes[k];
    const nout = sizes[k + 1];
    const W = params[2 * k];
    const b = params[2 * k + 1];
    const h = new Float64Array(n * nout);
    for (let i = 0; i < n; i++) {
      const row = i * nout;
      for (let j = 0; j < nout; j++) h[row + j] = b[j];
      for (let q = 0; q < nin; q++) {
        const av = a[i * nin + q];
        const wrow = q * nout;
        for (let j = 0; j < nout; j++) h[row + j] += av * W[wrow + j];
      }
    }
    if (k < L - 1) for (let i = 0; i < h.length; i++) h[i] = h[i] / (1 + Math.exp(-h[i]));
    a = h;
  }
  return Float32Array.from(a);
}
