import type { Socket } from 'node:net';
import type memjs from 'memjs';

/**
 * memjs writes every request to its socket on its own, one system call each; nearline sets four
 * or five hot copies per member and online reads three or four per page, all in the same tick, so
 * those calls were the largest single cost of both processes. This corks a connected server's
 * socket for the rest of the tick, so the requests of one tick leave in one writev. Requests and
 * their timeouts are still memjs's own; only when the bytes are handed to the kernel changes.
 */
export function coalesceWrites(servers: readonly memjs.Server[]): void {
  for (const server of servers) {
    const write = server.write.bind(server);
    server.write = (blob) => {
      if (server.connected) server.sock(false, corkForTick);
      write(blob);
    };
  }
}

function corkForTick(socket: Socket): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  process.nextTick(() => socket.uncork());
}
