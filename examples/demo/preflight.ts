// Before anything else: is each server there? If not, say which and how to start it.
import { connect } from 'node:net';

export interface Endpoint {
  readonly label: string;
  readonly host: string;
  readonly port: number;
  /** How to start it, one command per line. */
  readonly howToStart: readonly string[];
}

/** Resolves with the endpoints that refused or did not answer within `timeoutMs`. */
export async function unreachable(
  endpoints: readonly Endpoint[],
  timeoutMs = 1500,
): Promise<Endpoint[]> {
  const results = await Promise.all(
    endpoints.map(async (endpoint) => ((await reachable(endpoint, timeoutMs)) ? [] : [endpoint])),
  );
  return results.flat();
}

function reachable(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

export function mysqlEndpoint(host: string, port: number): Endpoint {
  return {
    label: `MariaDB/MySQL on ${host}:${port} (MYSQL_URL)`,
    host,
    port,
    howToStart: [
      'sudo service mariadb start',
      'or: docker run -d --name holdfast-mariadb -p 3306:3306 -e MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 -e MARIADB_DATABASE=test mariadb:11',
      'or point MYSQL_URL at a running server: MYSQL_URL=mysql://user:pass@host:3306/db npm start',
    ],
  };
}

export function redisEndpoint(host: string, port: number): Endpoint {
  return {
    label: `Redis on ${host}:${port} (REDIS_URL)`,
    host,
    port,
    howToStart: [
      'redis-server --daemonize yes',
      'or: docker run -d --name holdfast-redis -p 6379:6379 redis:7',
      'or point REDIS_URL at a running server: REDIS_URL=redis://host:6379 npm start',
    ],
  };
}
