import type {
  AttemptTelemetry,
  Instrumentation,
  OperationKind,
  OperationTelemetry,
} from './Instrumentation.js';
import { type Logger, silentLogger } from './Logger.js';
import { describeError } from './redact.js';
import type { TargetDescription, TelemetryOptions } from './TelemetryOptions.js';
import { safeInvoke } from '../internal/safeInvoke.js';

const noopAttempt: AttemptTelemetry = { succeed: () => undefined, fail: () => undefined };

/**
 * Builds the Instrumentation for one target: the reference design's log lines through the
 * logger (spans and metrics are added by the telemetry module).
 */
export function createInstrumentation(
  target: TargetDescription,
  options: TelemetryOptions = {},
): Instrumentation {
  const logger = options.logger ?? silentLogger;
  return {
    operation: (kind, description) => new LoggedOperation(logger, target, kind, description),
    stateChanged: () => undefined,
  };
}

class LoggedOperation implements OperationTelemetry {
  constructor(
    private readonly logger: Logger,
    private readonly target: TargetDescription,
    private readonly kind: OperationKind,
    private readonly description: string,
  ) {
    if (kind === 'connect') this.#log('info', `Attempting to connect to ${target.name}`);
  }

  attempt(): AttemptTelemetry {
    return noopAttempt;
  }

  retryScheduled(retry: number, delayMs: number, error: unknown): void {
    this.#log(
      'warn',
      `Retry ${retry} of ${this.description} in ${Math.round(delayMs)} ms: ${describeError(error)}`,
      {
        target: this.target.name,
        retry,
        delayMs: Math.round(delayMs),
      },
    );
  }

  event(): void {
    return undefined;
  }

  succeed(): void {
    if (this.kind === 'connect') this.#log('info', `Successfully connected to ${this.target.name}`);
  }

  fail(error: unknown, attempts: number): void {
    const message = describeError(error);
    if (this.kind === 'connect') {
      this.#log(
        'error',
        `Failed to connect to ${this.target.name} after ${attempts - 1} retries: ${message}`,
      );
    } else {
      this.#log(
        'error',
        `Failed to ${this.kind} ${this.description} after ${attempts - 1} retries: ${message}`,
      );
    }
  }

  #log(level: 'info' | 'warn' | 'error', message: string, fields?: object): void {
    safeInvoke(() => {
      this.logger[level](message, fields);
    });
  }
}
