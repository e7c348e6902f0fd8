import { InputError } from '../core/errors.ts';
import { gaussLegendre } from '../core/quadrature.ts';

/**
 * Quadrature over a 1-D law through its normal scores: E[g(X)] = int g(Q(Phi(z))) phi(z) dz, by
 * composite Gauss-Legendre on [-zMax, zMax] (`panels` panels of `perPanel` nodes, weights
 * GL weight x phi(z), renormalised to sum 1). For g growing polynomially in z the truncation costs
 * Phi(-zMax) ~ 7.6e-24 at zMax = 10; the rule is exact for polynomials of degree 2 perPanel - 1 on
 * each panel, so smooth integrands converge geometrically with perPanel.
 * @throws InputError for non-positive counts or zMax.
 */
export function normalScoreNodes(panels: number, perPanel: number, zMax = 10): { z: Float64Array; w: Float64Array } {
  if (!(Number.isInteger(panels) && panels >= 1 && Number.isInteger(perPanel) && perPanel >= 1 && zMax > 0)) {
    throw new InputError(`expected positive panel counts and zMax, got ${panels}, ${perPanel}, ${zMax}`, 'normalScoreNodes');
  }
  const gl = gaussLegendre(perPanel);
  const z = new Float64Array(panels * perPanel);
  const w = new Float64Array(panels * perPanel);
  const h = (2 * zMax) / panels;
  let sum = 0;
  for (let p = 0; p < panels; p++) {
    const a = -zMax + p * h;
    for (let g = 0; g < perPanel; g++) {
      const k = p * perPanel + g;
      z[k] = a + 0.5 * h * (1 + gl.nodes[g]);
      w[k] = 0.5 * h * gl.weights[g] * Math.exp(-0.5 * z[k] * z[k]);
      sum += w[k];
    }
  }
  for (let k = 0; k < w.length; k++) w[k] /= sum;
  return { z, w };
}
