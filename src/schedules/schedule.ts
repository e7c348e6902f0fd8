/**
 * A noise schedule (m_t, sigma_t) on [0, tau] with exact first derivatives: the conditional law of
 * the forward process is P^c_t(x|y) = N(x | m_t y, sigma_t^2 I) (paper Eq. 25), with m_0 = 1 and
 * sigma_0 = 0. The Fokker-Planck coefficients it implies are
 *   force       f_t(x) = (d/dt ln m_t) x                                     (Eq. 23)
 *   temperature T_t = m_t sigma_t d/dt(sigma_t/m_t) = sigma_t dsigma_t - sigma_t^2 dm_t/m_t   (Eq. 22)
 */
export interface Schedule {
  /** Name, e.g. `cosine`, `cond-ot`, `vp-linear`, `ve`, or a user label. */
  readonly name: string;
  /** Horizon tau > 0. */
  readonly tau: number;
  m(t: number): number;
  sigma(t: number): number;
  /** dm/dt */
  dm(t: number): number;
  /** dsigma/dt (may be +Infinity at t = 0 when sigma ~ sqrt(t), e.g. vp-linear and ve). */
  dsigma(t: number): number;
  /**
   * Optional d(sigma^2)/dt, finite where dsigma is not (sigma ~ sqrt(t) at t = 0). When absent,
   * {@link varianceRate} in coefficients.ts uses 2 sigma dsigma.
   */
  dsigmaSq?(t: number): number;
}
