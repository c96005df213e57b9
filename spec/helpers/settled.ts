/** The state of a promise, readable synchronously from a spec. */
export interface Settled<T> {
  state: 'pending' | 'resolved' | 'rejected';
  value?: T;
  error?: unknown;
}

/**
 * Watches `promise` so that a spec can tick fake time and then look at the outcome; a rejection
 * is recorded, never left unhandled.
 */
export function settled<T>(promise: Promise<T>): Settled<T> {
  const box: Settled<T> = { state: 'pending' };
  promise.then(
    (value) => {
      box.state = 'resolved';
      box.value = value;
    },
    (error: unknown) => {
      box.state = 'rejected';
      box.error = error;
    },
  );
  return box;
}
