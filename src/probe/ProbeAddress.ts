import type { TargetDescription } from '../telemetry/TelemetryOptions.js';

/**
 * Where a target listens, as a probe connects to it: a TCP host and port (optionally from a
 * given local address, as the driver binds) or a unix socket path.
 */
export type ProbeAddress =
  | { readonly host: string; readonly port: number; readonly localAddress?: string }
  | { readonly path: string };

/**
 * The address a manager's `target` description names, or undefined when it names none (a
 * Sentinel or cluster target, or no `target` at all): a port means TCP, an absolute path
 * without a port a unix socket.
 *
 * @example
 * probeAddressOf({ system: 'mysql', address: 'db.internal', port: 3306 }); // { host: 'db.internal', port: 3306 }
 */
export function probeAddressOf(
  target: Omit<TargetDescription, 'name'> | undefined,
): ProbeAddress | undefined {
  const address = target?.address;
  if (address === undefined || address === '') return undefined;
  const port = target?.port;
  if (port !== undefined) {
    return Number.isInteger(port) && port > 0 && port < 65536 ? { host: address, port } : undefined;
  }
  return address.startsWith('/') ? { path: address } : undefined;
}

/** `db.internal:3306` or the socket path, for messages. */
export function describeProbeAddress(address: ProbeAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}
