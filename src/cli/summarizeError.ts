import { errorCode, errorErrno, errorName, innermostSocketError } from '../classify/errorFields.js';
import { redisReplyPrefix } from '../classify/redisReplyPrefix.js';
import { isHoldfastError } from '../errors/HoldfastError.js';
import { describeError } from '../telemetry/redact.js';

/** An error as the CLI prints it: a short code and a redacted one-line message. */
export interface ErrorSummary {
  /** The driver's code (`ECONNREFUSED`, `ER_ACCESS_DENIED_ERROR`, `WRONGPASS`), else the name. */
  readonly code: string;
  readonly message: string;
}

/**
 * What went wrong, at the level a person can act on: a `RetriesExhaustedError` is summarised by
 * its last error (its `cause`), a multi-address refusal by the first socket error inside it.
 */
export function summarizeError(error: unknown): ErrorSummary {
  let inner = error;
  for (let depth = 0; depth < 5; depth += 1) {
    if (!isHoldfastError(inner) || inner.code !== 'ERR_HOLDFAST_RETRIES_EXHAUSTED') break;
    inner = inner.cause;
  }
  inner = innermostSocketError(inner);
  const code =
    errorCode(inner) ?? redisReplyPrefix(inner) ?? numeric(errorErrno(inner)) ?? errorName(inner);
  return { code: code ?? 'Error', message: describeError(inner) };
}

function numeric(errno: number | undefined): string | undefined {
  return errno === undefined ? undefined : `errno ${errno}`;
}
