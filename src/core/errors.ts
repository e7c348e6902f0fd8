/**
 * Error types shared by the library and the CLI.
 *
 * - {@link InputError}: the caller gave something invalid (bad config, NaN in data, mismatched
 *   dimensions, unreadable file). The CLI maps it to exit code 2 with a one-line message and no
 *   stack trace.
 * - {@link NumericalError}: a computation could not be carried out to the requested accuracy
 *   (e.g. an ODE step size underflow). The CLI maps it to exit code 1.
 */
export class InputError extends Error {
  /** Where the problem is, e.g. `config.data.stds[1]` or a file path. */
  readonly where: string | undefined;
  constructor(message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'InputError';
    this.where = where;
  }
}

/** A numerical procedure failed (did not converge, step underflow, non-finite intermediate). */
export class NumericalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NumericalError';
  }
}
