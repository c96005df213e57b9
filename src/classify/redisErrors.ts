import { type Classification, fatal, throttled, transient } from './Classification.js';

/** Redis error replies by prefix (the first word Redis sends). */
export const redisReplyTable: Readonly<Record<string, Classification>> = {
  LOADING: throttled('redis: server is loading its dataset (LOADING)'),
  BUSY: throttled('redis: a script is running (BUSY)'),
  TRYAGAIN: transient('redis: multi-key operation during resharding (TRYAGAIN)', false),
  CLUSTERDOWN: transient('redis: cluster is down (CLUSTERDOWN)', false),
  MASTERDOWN: transient('redis: link with master is down (MASTERDOWN)', false),
  READONLY: transient('redis: replica is read-only, a failover happened (READONLY)', true),
  NOAUTH: fatal('redis: authentication required (NOAUTH): set the password'),
  WRONGPASS: fatal('redis: wrong password or user (WRONGPASS)'),
  NOPERM: fatal('redis: user lacks permission (NOPERM)'),
};

/**
 * Codes that holdfast's ioredis layer gives to ioredis's code-less connection errors
 * ("Connection is closed.", "Stream isn't writeable ...", MaxRetriesPerRequestError).
 */
export const redisConnectionCodes: Readonly<Record<string, Classification>> = {
  ERR_HOLDFAST_REDIS_CONNECTION_CLOSED: transient('redis: connection closed'),
  ERR_HOLDFAST_REDIS_NOT_WRITABLE: transient('redis: connection not writable'),
  ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT: transient('redis: command timed out'),
  ERR_HOLDFAST_REDIS_NO_MASTER: transient('redis: no master found through the sentinels'),
};
