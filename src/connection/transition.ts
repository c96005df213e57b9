import type { ConnectionState, ConnectionStatus } from './ConnectionState.js';
import { isAllowedTransition } from './ConnectionState.js';

/**
 * The one gate every state change passes: returns `next` when `connectionTransitions` allows the
 * move from `current`, else throws. A refused move is a bug in holdfast (or in a driver layer
 * driving a manager by hand), never a runtime condition, so it fails loudly instead of leaving a
 * state that the table says cannot exist.
 *
 * @throws {TypeError} the move is not in `connectionTransitions`
 * @example
 * transition({ status: 'idle' }, { status: 'connecting', attempt: 1 }); // the connecting state
 * transition({ status: 'idle' }, { status: 'connected', connection, attempt: 1 }); // TypeError
 */
export function transition<C>(
  current: ConnectionState<C>,
  next: ConnectionState<C>,
  target = 'connection',
): ConnectionState<C> {
  if (!isAllowedTransition(current.status, next.status)) {
    throw new TypeError(forbidden(target, current.status, next.status));
  }
  return next;
}

function forbidden(target: string, from: ConnectionStatus, to: ConnectionStatus): string {
  return `holdfast bug: ${target} cannot move from '${from}' to '${to}' (not in connectionTransitions). Please report it with the events$ leading up to it.`;
}
