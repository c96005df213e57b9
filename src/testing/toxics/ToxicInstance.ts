// The per-connection, per-direction side of a toxic: how one link runs it.
import type { Clock } from '../../internal/Clock.js';
import type { Random } from '../../internal/Random.js';

/** Data read from one socket, stamped on arrival so that latency is measured from then. */
export interface Chunk {
  readonly data: Buffer;
  /** `clock.now()` when the proxy read it. */
  readonly arrivedAt: number;
}

/** Passes data on to the next toxic (or the destination socket); resolves once written. */
export type Emit = (chunk: Chunk) => Promise<void>;

/** What a toxic may do to the connection it sits on. */
export interface LinkContext {
  readonly clock: Clock;
  readonly random: Random;
  /**
   * Waits `ms` milliseconds; resolves early (never rejects) when `signal` aborts, which
   * happens when the toxic is removed or the connection ends.
   */
  wait(ms: number, signal: AbortSignal): Promise<void>;
  /** Ends both sockets gracefully (FIN, pending writes flushed) and stops reading. */
  close(): void;
  /** Resets both sockets (TCP RST: the peers see ECONNRESET). */
  reset(): void;
}

/** One toxic on one link. */
export interface ToxicInstance {
  /** Runs one chunk; calls `emit` zero or more times, in order. */
  transform(chunk: Chunk, emit: Emit): Promise<void>;
  /** Runs when the source side ended, before the end is passed on (slow_close). */
  beforeEnd?(): Promise<void>;
  /** Clears the toxic's timers (it was removed or the connection ended). */
  dispose?(): void;
}

/** Builds a toxic's instance for one link; `signal` aborts when it must stop. */
export type ToxicFactory<A> = (
  attributes: A,
  context: LinkContext,
  signal: AbortSignal,
) => ToxicInstance;
