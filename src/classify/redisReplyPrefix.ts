/**
 * The one function that reads an error message (STYLE.md principle 4): Redis puts the error
 * code as the first word of its reply ("LOADING Redis is loading the dataset in memory").
 * Returns that word when the error is a server reply, else undefined.
 */
export function redisReplyPrefix(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'ReplyError') return undefined;
  const match = /^-?([A-Z][A-Z_]*)\b/.exec(error.message);
  return match?.[1];
}
