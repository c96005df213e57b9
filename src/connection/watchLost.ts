import { type Observable, Subscription } from 'rxjs';

/**
 * Subscribes to a driver's "connection died" signal: the first value, error or completion of
 * `lost(connection)` calls `report` once (with the error, if any) and ends the watch.
 * Unsubscribing the result stops it earlier.
 *
 * @throws whatever `lost` throws synchronously (the manager reports it as `callback-failed`)
 */
export function watchLost<C>(
  lost: (connection: C) => Observable<unknown>,
  connection: C,
  report: (error?: unknown) => void,
): Subscription {
  const watch = new Subscription();
  const fire = (error?: unknown): void => {
    if (watch.closed) return;
    watch.unsubscribe();
    report(error);
  };
  // A source that fires during subscribe has closed `watch` by now; `add` then tears it down.
  watch.add(
    lost(connection).subscribe({
      next: () => {
        fire();
      },
      error: fire,
      complete: () => {
        fire();
      },
    }),
  );
  return watch;
}
