import { HoldfastError } from '../../errors/HoldfastError.js';
import { describeError } from '../../telemetry/redact.js';

/** The facts a ClusterCheckoutError reports. */
export interface ClusterCheckoutFailure {
  /** The cluster's name. */
  readonly cluster: string;
  /** What the call asked for: `primary`, `replica`, or the pattern given to `of()`. */
  readonly wanted: string;
  /** How long the call waited, ms. */
  readonly waitedMs: number;
  /** Each node as it was when the call gave up, e.g. `PRIMARY retrying`, `REPLICA1 connected replica`. */
  readonly nodes: readonly string[];
  /** The last error a node gave this call (also the `cause`), if any. */
  readonly lastError?: unknown;
}

/**
 * No node of a pool cluster could take a call within `checkoutTimeoutMs`: no node accepted
 * writes (the primary down and no replica promoted yet), or no node matching the pattern was
 * connected. Nothing was sent to a server: the call may be made again.
 */
export class ClusterCheckoutError extends HoldfastError {
  override readonly name = 'ClusterCheckoutError';
  readonly code = 'ERR_HOLDFAST_CLUSTER_CHECKOUT';
  /** The cluster's name. */
  readonly cluster: string;
  /** `primary`, `replica`, or the pattern given to `of()`. */
  readonly wanted: string;
  /** How long the call waited, ms. */
  readonly waitedMs: number;
  /** Each node as it was when the call gave up. */
  readonly nodes: readonly string[];

  constructor(failure: ClusterCheckoutFailure) {
    const what =
      failure.wanted === 'primary'
        ? 'No node accepted writes'
        : failure.wanted === 'replica'
          ? 'No node could serve reads'
          : `No node matching ${failure.wanted} was connected`;
    const advice =
      failure.wanted === 'primary'
        ? 'Promote a replica (SET GLOBAL read_only = OFF on it), or raise `checkoutTimeoutMs` to cover your failover.'
        : 'Check that the servers are up, or raise `checkoutTimeoutMs`.';
    const last =
      failure.lastError === undefined ? '' : ` Last error: ${describeError(failure.lastError)}.`;
    super(
      `${what} in cluster ${failure.cluster} within ${String(Math.round(failure.waitedMs))} ms (checkoutTimeoutMs); nodes: ${failure.nodes.join(', ') || 'none'}.${last} ${advice}`,
      failure.lastError === undefined ? undefined : { cause: failure.lastError },
    );
    this.cluster = failure.cluster;
    this.wanted = failure.wanted;
    this.waitedMs = failure.waitedMs;
    this.nodes = failure.nodes;
  }
}
