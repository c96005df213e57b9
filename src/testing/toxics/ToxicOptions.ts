// The public vocabulary of FaultProxy's toxics: Toxiproxy's names, attributes and units.

/**
 * Which way the toxic acts: `'upstream'` is client -> server (requests), `'downstream'` is
 * server -> client (replies). Toxiproxy's default, and ours, is `'downstream'`.
 */
export type ToxicStream = 'upstream' | 'downstream';

/** Each toxic type's attributes (Toxiproxy's names and units). */
export interface ToxicAttributes {
  /** Delays every chunk by `latency` ms, +/- a uniform `jitter` ms. */
  latency: { readonly latency: number; readonly jitter?: number };
  /** Refuses new connections (the listener is closed) and cuts the live ones. */
  down: Readonly<Record<string, never>>;
  /** Blackhole: drops all data; closes the connection after `timeout` ms (0 = never). */
  timeout: { readonly timeout?: number };
  /** On the first data, waits `timeout` ms then resets both sides (TCP RST). */
  reset_peer: { readonly timeout?: number };
  /**
   * Slices each chunk into pieces of `average_size` +/- `size_variation` bytes, waiting
   * `delay` MICROSECONDS (Toxiproxy's unit) between pieces.
   */
  slicer: {
    readonly average_size: number;
    readonly size_variation?: number;
    readonly delay?: number;
  };
  /** Passes `bytes` bytes in this direction, then closes the connection. */
  limit_data: { readonly bytes: number };
  /** Limits throughput to `rate` KB/s (1 KB = 1000 bytes); 0 = unlimited. */
  bandwidth: { readonly rate: number };
  /** Delays the close (FIN) in this direction by `delay` ms. */
  slow_close: { readonly delay: number };
}

/** A toxic's type name. */
export type ToxicType = keyof ToxicAttributes;

/** Every toxic type, in documentation order. */
export const toxicTypes = [
  'latency',
  'down',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
  'bandwidth',
  'slow_close',
] as const satisfies readonly ToxicType[];

export interface ToxicCommon {
  /** @default 'downstream' (ignored by `down`, which acts on the whole proxy) */
  readonly stream?: ToxicStream;
  /**
   * Probability in [0, 1] that the toxic applies to a given connection, drawn once per
   * connection (ignored by `down`). @default 1
   */
  readonly toxicity?: number;
  /** The id returned by `add()`. @default `<type>_<stream>_<n>` */
  readonly name?: string;
}

export type RequiresAttributes<T extends ToxicType> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "all attributes optional"
  {} extends ToxicAttributes[T]
    ? { readonly attributes?: ToxicAttributes[T] }
    : { readonly attributes: ToxicAttributes[T] };

/** What `FaultProxy#add()` takes: a discriminated union on `type`. */
export type ToxicOptions = {
  [T in ToxicType]: { readonly type: T } & RequiresAttributes<T> & ToxicCommon;
}[ToxicType];

/** A toxic as the proxy holds it, with defaults applied. */
export interface ToxicDescription {
  readonly id: string;
  readonly type: ToxicType;
  readonly stream: ToxicStream;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}
