import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { connectTestPlatform, createRegistry, uniqueId } from '@marquee/testkit';
import { createOnlineApp } from './app';
import { closeApp } from './close-app';
import {
  fixtureOptions,
  onlineSettings,
  seedOnline,
  type OnlineFixture,
  type TestPlatform,
} from './online.test-support';

describe('closeApp', () => {
  let platform: TestPlatform;
  let fixture: OnlineFixture;

  before(async () => {
    platform = await connectTestPlatform('online-close');
    fixture = await seedOnline(platform);
  });

  after(async () => {
    await platform.close();
  });

  // Without the cut, app.close() waits for Node's 60 s headers timeout: the test's own timeout fails it.
  it(
    'cuts a connection whose request never finished, once the drain is over',
    { timeout: 30_000 },
    async () => {
      const app = await createOnlineApp(
        onlineSettings(platform, createRegistry(uniqueId('online-')), fixtureOptions(fixture)),
      );
      await app.listen(0, '127.0.0.1');
      const { port } = new URL((await app.getUrl()).replace('[::1]', '127.0.0.1'));
      const idle = net.connect(Number(port), '127.0.0.1');
      const stuck = net.connect(Number(port), '127.0.0.1');
      await Promise.all([once(idle, 'connect'), once(stuck, 'connect')]);
      // A cut connection is reset; the close is what this test waits for.
      for (const socket of [idle, stuck]) socket.on('error', () => undefined);
      // A request whose headers never end, as from a client that died mid-request.
      stuck.write('GET /health HTTP/1.1\r\nHost: marquee\r\n');
      // Not events.once: it rejects on the reset's 'error' event.
      const closed = (socket: net.Socket) =>
        new Promise<void>((resolve) => socket.once('close', () => resolve()));
      const cut = closed(stuck);
      const idleClosed = closed(idle);

      await closeApp(app, 200);

      await Promise.all([cut, idleClosed]);
      assert.equal(stuck.readyState, 'closed');
      assert.equal(idle.readyState, 'closed');
    },
  );
});
