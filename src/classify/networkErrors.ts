import { type Classification, transient } from './Classification.js';

/**
 * Socket-level errors: the connection is gone or could not be made; the server may come back.
 * ENOTFOUND is left out (a misspelt host name should fail fast) unless the classifier is built
 * with `retryDnsNotFound: true` (useful where DNS names appear as containers start).
 */
export const networkErrorTable: Readonly<Record<string, Classification>> = {
  ECONNREFUSED: transient('network: connection refused'),
  ECONNRESET: transient('network: connection reset by peer'),
  ECONNABORTED: transient('network: connection aborted'),
  ETIMEDOUT: transient('network: timed out'),
  EPIPE: transient('network: broken pipe'),
  EHOSTUNREACH: transient('network: host unreachable'),
  EHOSTDOWN: transient('network: host down'),
  ENETUNREACH: transient('network: network unreachable'),
  ENETDOWN: transient('network: network down'),
  ENETRESET: transient('network: network reset'),
  EAI_AGAIN: transient('network: temporary DNS failure'),
  ESOCKETTIMEDOUT: transient('network: socket timed out'),
  ERR_SOCKET_CLOSED: transient('network: socket closed'),
  ERR_STREAM_DESTROYED: transient('network: stream destroyed'),
  ERR_STREAM_WRITE_AFTER_END: transient('network: write after end'),
};

export const dnsNotFound: Classification = transient('network: host name not found (ENOTFOUND)');
