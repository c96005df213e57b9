/** The cluster as a whole, connected: what `state$` carries while connected. */
export interface ClusterLink {
  /** 1 for the first time the cluster is ready, 2 after the first reconnect ... */
  readonly epoch: number;
}
