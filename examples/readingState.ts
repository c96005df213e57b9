import { createConnection } from 'mysql2/promise';
import { filter, firstValueFrom } from 'rxjs';
import { type ConnectionState, ConnectionManager } from '../src/index.js';

const manager = new ConnectionManager({
  name: 'mysql-main',
  connect: () => createConnection({ host: '127.0.0.1', user: 'root', database: 'test' }),
  disconnect: (connection) => connection.end(),
});

// Each state carries its own data; a switch over `status` is checked for exhaustiveness.
function describe(state: ConnectionState<unknown>): string {
  switch (state.status) {
    case 'idle':
      return 'not asked to connect yet';
    case 'connecting':
      return `attempt ${state.attempt}`;
    case 'retrying':
      return `retry ${state.retry} in ${Math.round(state.delayMs)} ms after ${state.error.message}`;
    case 'connected':
      return `connected on attempt ${state.attempt}`;
    case 'failed':
      return `gave up: ${state.error.message}`;
    case 'closed':
      return 'closed';
  }
}

// state$ replays the current state to each new subscriber, then every change.
const subscription = manager.state$.subscribe((state) => {
  console.log(describe(state));
});
console.log('snapshot:', manager.state.status); // 'idle'

// Waiting for a state is an RxJS one-liner; `ready()` does the same and also starts connecting.
const connected = firstValueFrom(manager.state$.pipe(filter((s) => s.status === 'connected')));
await manager.ready();
await connected;

subscription.unsubscribe();
await manager.close();
