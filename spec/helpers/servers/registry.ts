// Every private server and temp dir a spec starts is listed here, so that it is stopped by pid
// even when the spec fails: by the root `after` hook (rootHooks.ts) and, if the process dies
// first, by the 'exit'/signal handlers below.
import { removeTempDirSync } from './tempDir.js';

/** What the registry needs from a running server. */
export interface RegisteredServer {
  /** Pid of the running process, or undefined while it is not running. */
  readonly pid: number | undefined;
  /** Directory to delete at exit. */
  readonly dir: string;
  stop(): Promise<void>;
}

const servers = new Set<RegisteredServer>();
const extraDirs = new Set<string>();
let handlersInstalled = false;

export function registerServer(server: RegisteredServer): void {
  installExitHandlers();
  servers.add(server);
}

export function unregisterServer(server: RegisteredServer): void {
  servers.delete(server);
}

/** A dir (e.g. the MariaDB datadir template) removed when the process exits. */
export function registerDir(dir: string): void {
  installExitHandlers();
  extraDirs.add(dir);
}

/** Number of servers still registered (a spec asserts it drops to zero). */
export function registeredServerCount(): number {
  return servers.size;
}

/** Stops every registered server gracefully (root `after` hook). */
export async function stopAllServers(): Promise<void> {
  const all = [...servers];
  const results = await Promise.allSettled(all.map((server) => server.stop()));
  for (const server of all) servers.delete(server);
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (reasons.length > 0) {
    throw new AggregateError(reasons, 'stopAllServers: some servers failed to stop');
  }
}

/** Kills everything by pid, synchronously: safe inside 'exit'. */
export function killAllServersSync(): void {
  for (const server of servers) {
    const pid = server.pid;
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    removeTempDirSync(server.dir);
  }
  servers.clear();
  for (const dir of extraDirs) removeTempDirSync(dir);
  extraDirs.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllServersSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllServersSync();
      process.removeListener(signal, onSignal);
      // Re-raise only when nobody else handles the signal, so the default (terminate) applies.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
