/** Thrown by CLI code for a user mistake in arguments; mapped to exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
