import { createRequire } from 'node:module';

const requireFromHoldfast = createRequire(import.meta.url);

/** The drivers holdfast decorates (optional peer dependencies), by the entry point needing them. */
export type PeerDriver = 'mysql2' | 'mysql2/promise' | 'ioredis';

/**
 * Loads a driver (a CommonJS package: `require` gives the same module object an `import` would)
 * and, when it is not installed, fails with a sentence naming the package to install instead of
 * a bare ERR_MODULE_NOT_FOUND. Driver layers call this rather than importing the driver
 * statically: an ESM static import fails at link time, before any holdfast code could explain.
 *
 * @param entry the entry point that needs it, e.g. `holdfast/ioredis`
 * @throws {Error} `code` MODULE_NOT_FOUND: "holdfast/ioredis needs the ioredis package, which is
 *   not installed: npm install ioredis" (the resolution error as `cause`); errors raised while
 *   the installed driver loads pass through unchanged
 * @example
 * const { Redis } = requirePeer('ioredis', 'holdfast/ioredis') as typeof Ioredis; // import type * as Ioredis
 */
export function requirePeer(name: PeerDriver, entry: string): unknown {
  try {
    requireFromHoldfast.resolve(name);
  } catch (cause) {
    const packageName = name.split('/')[0] ?? name;
    throw Object.assign(
      new Error(
        `${entry} needs the ${packageName} package, which is not installed: npm install ${packageName}`,
        { cause },
      ),
      { code: 'MODULE_NOT_FOUND' },
    );
  }
  return requireFromHoldfast(name);
}
