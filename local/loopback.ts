// Starting and stopping the local stack's HTTP servers on loopback, one way for all of them (dynalite, the fake
// shops, the local Step Functions endpoint, the local HTTP API).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** `http://<host>:<port>`. */
  url: string;
  port: number;
  /** Closes the server once, however often it is called; the same promise every time. */
  close(): Promise<void>;
}

/**
 * Listen on `port` (0: any free port) of `host` (default 127.0.0.1). `close` ends kept-alive connections too
 * (`idle`: only idle ones, so requests in flight still get their answers), or close() would wait for them to time out.
 */
export async function listenOnLoopback(
  server: Server,
  options: { port?: number; host?: string; closeConnections?: 'all' | 'idle' } = {},
): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        if (options.closeConnections === 'idle') server.closeIdleConnections();
        else server.closeAllConnections();
      });
      return closed;
    },
  };
}
