import { readFileSync } from 'node:fs';

/**
 * holdfast's own version, read once when this module loads: the instrumentation scope version
 * of its tracer and meter. `package.json` is two folders up from both `src/telemetry/` and
 * `dist/telemetry/`; anything unexpected (a bundler that moved files, another package's
 * manifest, no file) leaves it undefined rather than failing.
 */
export const packageVersion: string | undefined = readVersion();

function readVersion(): string | undefined {
  try {
    const manifest = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { name?: unknown; version?: unknown };
    return manifest.name === 'holdfast' && typeof manifest.version === 'string'
      ? manifest.version
      : undefined;
  } catch {
    return undefined;
  }
}
