import type { Rng } from '../core/rng.ts';
import type { NdFlow } from './ndFlow.ts';
import type { PerturbationNd } from './perturbationNd.ts';

/**
 * Monte Carlo estimate of D0 = E_{q}[q / P_tMax] - 1 (the chi-square divergence of the perturbed
 * start q from P_tMax, Eq. 78) from `n` draws of q: the sample mean of the ratio minus 1 and its
 * standard error (finite only where E_q[(q/P)^2] is, which the caller decides).
 * @param rng consumed for the n draws (pass a fork to keep the caller's stream unchanged).
 */
export function d0MonteCarloNd(flow: NdFlow, perturbation: PerturbationNd, n: number, rng: Rng): { value: number; stderr: number } {
  const ps = perturbation.sample(n, rng);
  const lpP = perturbation.logDensity(ps.data, n);
  const lpT = flow.startLogDensity(ps.data, n);
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const r = Math.exp(lpP[i] - lpT[i]);
    m1 += r;
    m2 += r * r;
  }
  m1 /= n;
  return { value: m1 - 1, stderr: Math.sqrt(Math.max(m2 / n - m1 * m1, 0) / n) };
}
