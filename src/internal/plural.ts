/** `1 retry`, `3 retries` (log lines and error messages count retries this way). */
export function retriesPhrase(count: number): string {
  return count === 1 ? '1 retry' : `${count} retries`;
}

/** `1 attempt`, `3 attempts`. */
export function attemptsPhrase(count: number): string {
  return count === 1 ? '1 attempt' : `${count} attempts`;
}
