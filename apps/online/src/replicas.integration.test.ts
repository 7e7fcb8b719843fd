import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { announceResult } from '@marquee/kafka';
import type { RowsPage } from '@marquee/pages';
import { startNearlineService } from '@marquee/play-processing';
import { AppProcess, replicaPort } from '@marquee/stack';
import { connectTestPlatform, createRegistry, testConfig, uniqueId, waitFor } from '@marquee/testkit';
import {
  bearer,
  play,
  seedOnline,
  storeItemKnnModel,
  token,
  type OnlineFixture,
  type TestPlatform,
} from './online.test-support';

/** How long a member's signals serve their pages without an announcement: longer than any wait below. */
const SIGNALS_TTL_MS = 60_000;

/**
 * Whether every consumer group of one online process (its broadcast listeners, named after the
 * host and pid) has joined: announcements sent before that would start past them.
 */
async function listening(admin: Admin, pid: number): Promise<boolean> {
  const prefix = `marquee-online-${os.hostname()}-${pid}-`;
  const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
  if (ids.length < 3) return false;
  const { groups } = await admin.describeGroups(ids);
  return groups.every((g) => g.state === 'Stable' && g.members.length > 0);
}

describe('two online processes follow the broadcast topics (real Kafka, Cassandra, memcached)', () => {
  let platform: TestPlatform;
  let fixture: OnlineFixture;
  let admin: Admin;
  let stopNearline: () => Promise<void>;
  const online: AppProcess[] = [];
  const urls: string[] = [];

  before(async () => {
    const base = testConfig('marquee-test-online-replicas');
    // Its own keyspace: online serves whatever registrations a keyspace holds, and this one has none.
    const config = { ...base, cassandra: { ...base.cassandra, keyspace: `${base.cassandra.keyspace}_on` } };
    platform = await connectTestPlatform('online-replicas', config);
    fixture = await seedOnline(platform);
    admin = platform.kafka.admin();
    await admin.connect();
    const started = await Promise.all(
      [0, 1].map((index) => {
        const port = replicaPort(config.online.port, index);
        urls.push(`http://${config.host}:${port}`);
        return AppProcess.start({
          tier: 'online',
          name: `online-${index + 1}`,
          env: {
            ...process.env,
            MARQUEE_KEYSPACE: config.cassandra.keyspace,
            MARQUEE_ONLINE_PORT: String(port),
            MARQUEE_SIMILAR_REGISTRATION: fixture.similarRegistration,
            MARQUEE_ROWS_SIGNALS_TTL_MS: String(SIGNALS_TTL_MS),
          },
          healthUrl: `http://${config.host}:${port}/health`,
          logFile: path.join(os.tmpdir(), `online-replica-${index + 1}-${process.pid}.log`),
        });
      }),
    );
    online.push(...started);
    await waitFor(
      'both online processes following the broadcast topics',
      async () => {
        const joined = await Promise.all(online.map((app) => listening(admin, app.pid)));
        return joined.every(Boolean);
      },
      60_000,
      500,
    );
    stopNearline = (
      await startNearlineService(platform, createRegistry('nearline-for-online-replicas'), {
        groupId: uniqueId('nl-'),
      })
    ).stop;
  });

  after(async () => {
    await stopNearline?.();
    await Promise.all(online.map((app) => app.stop('SIGTERM')));
    await admin?.disconnect();
    await platform?.close();
  });

  it('both switch to a version announced on results.published', async () => {
    const [t1, , , t4, t5] = fixture.titles.map((t) => t.itemId);
    const device = await token(platform, 'device', 'm1');
    const similar = async (url: string) =>
      (await (await fetch(`${url}/v1/items/${t1}/similar?k=5`, { headers: bearer(device) })).json()) as {
        items: Array<{ itemId: string }>;
        model: { version: string };
      };
    for (const url of urls) assert.equal((await similar(url)).model.version, fixture.modelVersion, url);

    const version = uniqueId('vknn2-');
    await storeItemKnnModel(platform, fixture.similarRegistration, version, [
      [t1 as string, t4 as string, t5 as string],
    ]);
    await announceResult(platform.producer, platform.topics, {
      list: fixture.similarRegistration,
      algorithm: 'item-knn',
      version,
      location: 'test',
      counts: { members: 0, items: 3 },
      metrics: {},
      checksum: 'sha256:test',
      publishedAt: new Date().toISOString(),
    });
    for (const url of urls) {
      const after = await waitFor(`${url} serving the announced model`, async () => {
        const body = await similar(url);
        return body.model.version === version ? body : undefined;
      });
      assert.deepEqual(after.items.map((i) => i.itemId).sort(), [t4, t5].sort());
    }
  });

  it("both drop a member's page when nearline announces it on members.updated, well before its TTL", async () => {
    const member = uniqueId('m');
    const device = await token(platform, 'device', member);
    const rows = async (url: string) => {
      const response = await fetch(`${url}/v1/users/${member}/rows?device=tv`, { headers: bearer(device) });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as RowsPage;
    };
    const continueWatching = (page: RowsPage) =>
      page.rows.find((r) => r.id === 'continue-watching')?.items.map((i) => i.itemId) ?? [];
    // Both processes read the member's signals now and would serve them for SIGNALS_TTL_MS.
    for (const url of urls) assert.deepEqual(continueWatching(await rows(url)), [], url);

    const watched = fixture.titles[2]?.itemId as string;
    const startedAt = Date.now();
    const posted = await fetch(`${urls[0]}/v1/plays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(device) },
      body: JSON.stringify({ plays: [play(member, watched, 'tv')] }),
    });
    assert.equal(posted.status, 202);
    for (const url of urls) {
      await waitFor(
        `${url} showing the play in Continue watching`,
        async () => continueWatching(await rows(url)).includes(watched),
        SIGNALS_TTL_MS / 2,
        100,
      );
    }
    assert.ok(Date.now() - startedAt < SIGNALS_TTL_MS / 2, 'the announcement, not the TTL, refreshed both');
  });
});
