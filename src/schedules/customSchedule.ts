import { assertPositive } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { Schedule } from './schedule.ts';

/** Options of {@link customSchedule}. */
export interface CustomScheduleSpec {
  /** Label used in reports. */
  name: string;
  /** Horizon tau > 0. @default 1 */
  tau?: number;
  m: (t: number) => number;
  sigma: (t: number) => number;
  /** dm/dt; finite differences when omitted. */
  dm?: (t: number) => number;
  /** dsigma/dt; finite differences when omitted. */
  dsigma?: (t: number) => number;
}

/**
 * Fourth-order finite-difference derivative of f at t, using only points inside [0, tau]:
 * central 5-point stencil (-f(t+2h) + 8f(t+h) - 8f(t-h) + f(t-2h))/(12h) in the interior, the
 * one-sided 5-point stencil (-25f0 + 48f1 - 36f2 + 16f3 - 3f4)/(12h) near the ends. Truncation error
 * O(h^4 f^(5)), rounding O(eps |f| / h); h = 1e-3 tau balances both (~1e-12 relative for smooth f).
 */
function fdDerivative(f: (t: number) => number, t: number, tau: number): number {
  const h = 1e-3 * tau;
  if (t - 2 * h >= 0 && t + 2 * h <= tau) {
    return (-f(t + 2 * h) + 8 * f(t + h) - 8 * f(t - h) + f(t - 2 * h)) / (12 * h);
  }
  const s = t - 2 * h < 0 ? 1 : -1;
  const g = (k: number) => f(t + s * k * h);
  return (s * (-25 * g(0) + 48 * g(1) - 36 * g(2) + 16 * g(3) - 3 * g(4))) / (12 * h);
}

/**
 * A user schedule from functions m(t), sigma(t) on [0, tau]. Derivatives not given are taken by
 * fourth-order finite differences (JavaScript functions of a number cannot be evaluated at complex
 * arguments, so complex-step differentiation is not available). The result is NOT validated here:
 * call {@link validateSchedule} (the CLI and the speed-accuracy computation do).
 * @throws InputError if tau is not positive or m/sigma are not functions.
 */
export function customSchedule(spec: CustomScheduleSpec): Schedule {
  const tau = spec.tau ?? 1;
  assertPositive(tau, 'customSchedule.tau');
  if (typeof spec.m !== 'function' || typeof spec.sigma !== 'function') {
    throw new InputError('expected m and sigma to be functions of t', 'customSchedule');
  }
  const { m, sigma } = spec;
  return {
    name: spec.name,
    tau,
    m,
    sigma,
    dm: spec.dm ?? ((t) => fdDerivative(m, t, tau)),
    dsigma: spec.dsigma ?? ((t) => fdDerivative(sigma, t, tau)),
  };
}
