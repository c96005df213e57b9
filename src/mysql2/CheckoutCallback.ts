import type { PoolConnection } from 'mysql2';

/** mysql2's callback of `getConnection`. */
export type CheckoutCallback = (
  error: NodeJS.ErrnoException | null,
  connection: PoolConnection,
) => void;

/** mysql2's own `getConnection`, called on the decorated pool: no gate. */
export type BaseCheckout = (callback: CheckoutCallback) => void;
