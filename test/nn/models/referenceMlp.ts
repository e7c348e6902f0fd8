/**
 * Plain float64 reference MLP (forward, loss, backward, Adam) used ONLY as an oracle in tests of
 * the ONNX engine. Same conventions as src/nn/models/mlpGraphs.ts: W_k is [in_k, out_k] row-major,
 * SiLU on hidden layers, mean squared error over batch*out entries.
 */
export function refForward(sizes: number[], params: Float64Array[], x: Float64Array, n: number) {
  const L = sizes.length - 1;
  const acts: Float64Array[] = [x];
  const pres: Float64Array[] = [];
  let a = x;
  for (let k = 0; k < L; k++) {
    const nin = sizes[k];
    const nout = sizes[k + 1];
    const W = params[2 * k];
    const b = params[2 * k + 1];
    const h = new Float64Array(n * nout);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < nout; j++) {
        let s = b[j];
        for (let q = 0; q < nin; q++) s += a[i * nin + q] * W[q * nout + j];
        h[i * nout + j] = s;
      }
    }
    pres.push(h);
    if (k < L - 1) {
      a = h.map((v) => v / (1 + Math.exp(-v)));
      acts.push(a);
    } else {
      a = h;
    }
  }
  return { out: a, acts, pres };
}

export function refLoss(sizes: number[], params: Float64Array[], x: Float64Array, y: Float64Array, n: number): number {
  const { out } = refForward(sizes, params, x, n);
  let s = 0;
  for (let i = 0; i < out.length; i++) s += (out[i] - y[i]) ** 2;
  return s / out.length;
}

/** Analytic gradient of refLoss with respect to every parameter. */
export function refGrad(sizes: number[], params: Float64Array[], x: Float64Array, y: Float64Array, n: number): Float64Array[] {
  const L = sizes.length - 1;
  const { out, acts, pres } = refForward(sizes, params, x, n);
  const grads: Float64Array[] = params.map((p) => new Float64Array(p.length));
  let dh: Float64Array = out.map((v, i) => (2 * (v - y[i])) / out.length);
  for (let k = L - 1; k >= 0; k--) {
    const nin = sizes[k];
    const nout = sizes[k + 1];
    const a = acts[k];
    const W = params[2 * k];
    const gW = grads[2 * k];
    const gb = grads[2 * k + 1];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < nout; j++) {
        const d = dh[i * nout + j];
        gb[j] += d;
        for (let q = 0; q < nin; q++) gW[q * nout + j] += a[i * nin + q] * d;
      }
    }
    if (k > 0) {
      const h = pres[k - 1];
      const next = new Float64Array(n * nin);
      for (let i = 0; i < n; i++) {
        for (let q = 0; q < nin; q++) {
          let s = 0;
          for (let j = 0; j < nout; j++) s += dh[i * nout + j] * W[q * nout + j];
          const hv = h[i * nin + q];
          const sg = 1 / (1 + Math.exp(-hv));
          next[i * nin + q] = s * sg * (1 + hv * (1 - sg));
        }
      }
      dh = next;
    }
  }
  return grads;
}
