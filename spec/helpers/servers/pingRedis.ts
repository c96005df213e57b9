import { connect } from 'node:net';

/**
 * AUTH (when a password is given) then PING over a raw socket; resolves on +PONG. The readiness
 * probe of every private redis-server and sentinel (both answer PING).
 */
export function pingRedis(host: string, port: number, password?: string): Promise<void> {
  const auth =
    password === undefined
      ? ''
      : `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let reply = '';
    const done = (error?: Error): void => {
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    socket.setTimeout(1000, () => {
      done(new Error('probe timed out'));
    });
    socket.once('error', (error) => {
      done(error);
    });
    socket.once('connect', () => socket.write(`${auth}*1\r\n$4\r\nPING\r\n`));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('+PONG\r\n')) done();
      else if (reply.includes('-')) done(new Error(`probe reply: ${reply.trim()}`));
    });
    socket.once('close', () => {
      done(new Error('probe: connection closed'));
    });
  });
}
