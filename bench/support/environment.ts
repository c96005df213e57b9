// What the report says about where it ran: machine, load, Node, the libraries' and servers'
// versions.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';

const packages = [
  'cockatiel',
  'p-retry',
  'opossum',
  'rxjs',
  'ioredis',
  'mysql2',
  'tsx',
  'typescript',
] as const;

function packageVersion(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function holdfastVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

export function libraryVersions(): string {
  return packages.map((name) => `${name} ${packageVersion(name)}`).join(', ');
}

export function loadAverage(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ');
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${process.platform} ${process.arch}`;
}

/** Versions of the shared servers the throughput case uses. */
export async function serverVersions(): Promise<string> {
  const parts: string[] = [];
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info('server');
    parts.push(`Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`);
  } catch {
    parts.push('Redis unreachable');
  } finally {
    redis.disconnect();
  }
  try {
    const connection = await createConnection({ host: '127.0.0.1', user: 'root' });
    try {
      const [rows] = await connection.query('SELECT VERSION() AS v');
      parts.push(`MariaDB ${(rows as { v: string }[])[0]?.v ?? '?'}`);
    } finally {
      connection.destroy();
    }
  } catch {
    parts.push('MariaDB unreachable');
  }
  return parts.join(', ');
}
