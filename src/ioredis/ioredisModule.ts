import { createRequire } from 'node:module';
import type { Command as IoredisCommand, Redis as IoredisRedis } from 'ioredis';
import { ConfigurationError } from '../errors/ConfigurationError.js';

/** What holdfast takes from the ioredis module. */
export interface IoredisModule {
  readonly Redis: typeof IoredisRedis;
  readonly Command: typeof IoredisCommand;
}

/**
 * ioredis, loaded with `require()` rather than `import`: ioredis is CommonJS, and the
 * OpenTelemetry ioredis instrumentation patches `Redis.prototype.sendCommand` and `connect`
 * through a `require` hook only (an ESM `import` of it bypasses that hook unless the user adds
 * a loader). Loaded this way, an instrumentation registered before holdfast/ioredis is imported
 * wraps the prototype that holdfast's subclass calls through `super`, with no loader of the
 * user's. The module object is the one `import 'ioredis'` returns too (one module cache).
 *
 * @throws {ConfigurationError} ioredis is not installed (it is an optional peer dependency)
 */
export function loadIoredis(): IoredisModule {
  const require = createRequire(import.meta.url);
  let loaded: unknown;
  try {
    loaded = require('ioredis');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') {
      throw new ConfigurationError(
        'holdfast/ioredis needs the ioredis package (an optional peer dependency), and it is not installed: run `npm install ioredis`.',
        { cause: error },
      );
    }
    throw error;
  }
  return loaded as IoredisModule;
}
