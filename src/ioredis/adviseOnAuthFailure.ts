import { redisReplyPrefix } from '../classify/redisReplyPrefix.js';
import { withAdvice } from '../errors/withAdvice.js';

/** Redis's replies for a missing or wrong password, or a user without the permission. */
const authReplies = new Set(['NOAUTH', 'WRONGPASS', 'NOPERM']);

const advice =
  'holdfast tried once and will not retry it (repeated failures only lock the account or flood the ACL log): check the `password` and `username` options of createRedisClient, or the user:password in `url` / REDIS_URL.';

/** The server refused the credentials: the error says which options to check (once). */
export function adviseOnAuthFailure<T>(error: T): T {
  const prefix = redisReplyPrefix(error);
  return prefix !== undefined && authReplies.has(prefix) ? withAdvice(error, advice) : error;
}
