import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { testConfig } from '@marquee/testkit';
import { RECONNECT_MAX_DELAY_MS, createCassandraClient } from './client';

/**
 * A TCP hop in front of the real Cassandra that can go dark (refusing connections and cutting the
 * open ones) and come back: a node restart, as the driver sees it, without stopping the shared server.
 */
class Outage {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {}

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    // Stop accepting first, then cut what is open: a connection accepted between the two would
    // keep the server's close waiting for good.
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A driver cut off mid-handshake can keep a reconnection timer after its shutdown; once the test has
// reported, the file ends a few seconds later rather than wait for it.
after(() => {
  setTimeout(() => process.exit(), 5000).unref();
});

describe('the Cassandra client after an outage (the real server behind a hop that goes dark)', () => {
  it('answers again within seconds of the node coming back, however long it was gone', async () => {
    const config = testConfig('marquee-test-reconnect');
    const outage = new Outage({ host: config.host, port: config.cassandra.port }, await freePort());
    await outage.open();
    const client = createCassandraClient({
      ...config.cassandra,
      contactPoints: ['127.0.0.1'],
      port: outage.port,
    });
    const query = () => client.execute('SELECT release_version FROM system.local');
    try {
      await client.connect();
      await query();
      await outage.close();
      // 36 s down: the driver's default backoff (1, 2, 4, 8, 16, 32 s) would try next at 63 s.
      const downUntil = Date.now() + 36_000;
      while (Date.now() < downUntil) {
        await query().then(
          () => assert.fail('a query succeeded while the node was unreachable'),
          () => undefined,
        );
        await sleep(1000);
      }
      await outage.open();
      const back = Date.now();
      for (;;) {
        try {
          await query();
          break;
        } catch (error) {
          if (Date.now() - back > 3 * RECONNECT_MAX_DELAY_MS + 3000)
            throw new Error(
              `still failing ${Date.now() - back} ms after the node came back: ${(error as Error).message}`,
            );
          await sleep(200);
        }
      }
      const waited = Date.now() - back;
      assert.ok(waited <= RECONNECT_MAX_DELAY_MS + 3000, `answered ${waited} ms after the node came back`);
    } finally {
      await client.shutdown().catch(() => undefined);
      await outage.close().catch(() => undefined);
    }
  });
});
