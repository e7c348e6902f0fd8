/**
 * Error types shared by the library and the CLI.
 *
 * - {@link InputError}: the caller gave something invalid (bad config, NaN in data, mismatched
 *   dimensions, unreadable file). The CLI maps it to exit code 2 with a one-line message and no
 *   stack trace.
 * - {@link MissingDependencyError}: an optional package a feature needs is not installed (an
 *   InputError, so also exit 2); the message names the package and how to install it.
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

/**
 * An optional package that a feature needs is not installed (or does not load), e.g.
 * onnxruntime-node for training. An {@link InputError} (the CLI exits 2 with the one-line message,
 * which names the package and how to install it).
 */
export class MissingDependencyError extends InputError {
  /** The npm package that is missing. */
  readonly packageName: string;
  constructor(packageName: string, detail: string) {
    super(`${packageName} ${detail}`);
    this.name = 'MissingDependencyError';
    this.packageName = packageName;
  }
}

/** A numerical procedure failed (did not converge, step underflow, non-finite intermediate). */
export class NumericalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NumericalError';
  }
}
