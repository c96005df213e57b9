/**
 * The command line cannot be used as given (malformed URL, unknown flag, missing argument).
 * The CLI prints the message and exits with status 2; the message never contains a password.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'ERR_HOLDFAST_CLI_USAGE';
}
