import type * as Mysql2 from 'mysql2';
import type * as Mysql2Promise from 'mysql2/promise';
import { requirePeer } from '../internal/requirePeer.js';

// Loaded, not imported: without mysql2 installed, importing holdfast/mysql2 says what to do.
/** mysql2's module (what `import mysql from 'mysql2'` gives). */
export const mysql = requirePeer('mysql2', 'holdfast/mysql2') as typeof Mysql2;

/** mysql2/promise's module, loaded on first use (only holdfast/mysql2/promise needs it). */
export function mysqlPromiseModule(): typeof Mysql2Promise {
  return requirePeer('mysql2/promise', 'holdfast/mysql2/promise') as typeof Mysql2Promise;
}
