// The demo's settings, from the environment (all optional).

export interface DemoConfig {
  /** MariaDB / MySQL to use. @default mysql://root@127.0.0.1:3306/test */
  readonly mysqlUrl: string;
  /** Redis to use. @default redis://127.0.0.1:6379 */
  readonly redisUrl: string;
  /** When the link is cut, ms after the start. @default 2500 */
  readonly outageAtMs: number;
  /** How long the link stays cut, ms. @default 4000 */
  readonly outageMs: number;
  /** Total run time, ms. @default outage end + 3000 */
  readonly durationMs: number;
  /** One workload step per target this often, ms. @default 100 */
  readonly intervalMs: number;
}

export class DemoConfigError extends Error {
  override readonly name = 'DemoConfigError';
}

export function demoConfig(env: Readonly<Record<string, string | undefined>>): DemoConfig {
  const ms = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min) {
      throw new DemoConfigError(
        `${name}=${JSON.stringify(raw)} must be a whole number of milliseconds >= ${min}.`,
      );
    }
    return value;
  };
  const outageAtMs = ms('DEMO_OUTAGE_AT_MS', 2500, 0);
  const outageMs = ms('DEMO_OUTAGE_MS', 4000, 0);
  const durationMs = ms('DEMO_DURATION_MS', outageAtMs + outageMs + 3000, 0);
  if (durationMs < outageAtMs + outageMs) {
    throw new DemoConfigError(
      `DEMO_DURATION_MS (${durationMs}) must be at least DEMO_OUTAGE_AT_MS + DEMO_OUTAGE_MS (${outageAtMs + outageMs}).`,
    );
  }
  return {
    mysqlUrl: env['MYSQL_URL'] || 'mysql://root@127.0.0.1:3306/test',
    redisUrl: env['REDIS_URL'] || 'redis://127.0.0.1:6379',
    outageAtMs,
    outageMs,
    durationMs,
    intervalMs: ms('DEMO_INTERVAL_MS', 100, 10),
  };
}
