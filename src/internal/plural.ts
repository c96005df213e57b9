/**
 * `count` and the word, singular for exactly 1: `plural(1, 'retry', 'retries')` is
 * `'1 retry'`, `plural(3, 'retry', 'retries')` `'3 retries'`. Every count in a message or log
 * line goes through it.
 *
 * @example
 * `Failed to connect to mysql-main after ${plural(n, 'retry', 'retries')}`;
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
