/**
 * Runs a user callback (logger, classifier rule, hook) so that a throwing callback never breaks
 * holdfast's own state machine. The error is handed to `onError`, itself guarded.
 */
export function safeInvoke<T>(fn: () => T, onError?: (error: unknown) => void): T | undefined {
  try {
    return fn();
  } catch (error) {
    try {
      onError?.(error);
    } catch {
      // A reporter that throws has nothing further to report to.
    }
    return undefined;
  }
}
