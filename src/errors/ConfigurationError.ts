import { HoldfastError } from './HoldfastError.js';

/**
 * An option or environment variable is malformed. Thrown before anything connects; the message
 * names the option or variable and its value (never a password).
 */
export class ConfigurationError extends HoldfastError {
  override readonly name = 'ConfigurationError';
  readonly code = 'ERR_HOLDFAST_CONFIG';
  /** The option key or environment variable at fault. */
  readonly option: string | undefined;

  constructor(message: string, options: { option?: string; cause?: unknown } = {}) {
    super(message, options);
    this.option = options.option;
  }
}
