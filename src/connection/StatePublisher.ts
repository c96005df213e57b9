import { BehaviorSubject, type Observable, Subject } from 'rxjs';
import type { ConnectionEvent } from './ConnectionEvent.js';
import type { ConnectionState } from './ConnectionState.js';
import { transition } from './transition.js';
import type { Waiter } from './waitForOutcome.js';

const idle = Object.freeze({ status: 'idle' }) satisfies ConnectionState<never>;

/**
 * A manager's state and its publication: the snapshot, `state$`, `events$` and the `ready()`
 * waiters. Every change passes `transition()`; waiters hear it synchronously, subscribers in
 * order even when one of them calls back into the manager (a change made from inside a
 * notification is queued behind the one being delivered).
 */
export class StatePublisher<C> {
  readonly state$: Observable<ConnectionState<C>>;
  readonly events$: Observable<ConnectionEvent<C>>;
  /** Told every new state synchronously (see `waitForOutcome`). */
  readonly waiters = new Set<Waiter<C>>();
  readonly #name: string;
  readonly #onChange: (status: string, previous: string) => void;
  readonly #subject = new BehaviorSubject<ConnectionState<C>>(idle);
  readonly #events = new Subject<ConnectionEvent<C>>();
  readonly #outbox: (() => void)[] = [];
  #draining = false;
  #state: ConnectionState<C> = idle;

  constructor(name: string, onChange: (status: string, previous: string) => void) {
    this.#name = name;
    this.#onChange = onChange;
    this.state$ = this.#subject.asObservable();
    this.events$ = this.#events.asObservable();
  }

  get state(): ConnectionState<C> {
    return this.#state;
  }

  /** @throws {TypeError} the move is not in `connectionTransitions` (a bug) */
  set(next: ConnectionState<C>): void {
    const previous = this.#state;
    this.#state = transition(previous, next, this.#name);
    for (const waiter of this.waiters) waiter(next);
    this.#onChange(next.status, previous.status);
    this.emit({ type: 'state-changed', state: next, previous });
    this.#post(() => {
      this.#subject.next(next);
    });
  }

  emit(event: ConnectionEvent<C>): void {
    if (this.#events.observed) {
      this.#post(() => {
        this.#events.next(event);
      });
    }
  }

  /** After `closed`: `state$` completes. */
  completeStates(): void {
    this.#post(() => {
      this.#subject.complete();
    });
  }

  /** After `close()` has disposed the connection (so a failing `disconnect` is still told). */
  completeEvents(): void {
    this.#post(() => {
      this.#events.complete();
    });
  }

  #post(notify: () => void): void {
    this.#outbox.push(notify);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#outbox.shift(); next !== undefined; next = this.#outbox.shift()) next();
    } finally {
      this.#draining = false;
    }
  }
}
