import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { packMatrix } from '@marquee/algorithms';
import { ListStore } from '@marquee/storage';
import {
  connectTestPlatform,
  publishChampion,
  syntheticService,
  uniqueId,
  type Platform,
} from '@marquee/testkit';
import { Artifacts } from './artifacts';
import { scoreActivities } from './score';

describe('batch scoring leaves out titles that may not be shown (real Cassandra)', () => {
  let platform: Platform;

  before(async () => {
    platform = await connectTestPlatform('score-availability');
  });

  after(async () => {
    await platform.close();
  });

  it('a removed title and one outside its window are in no scored list; lists stay k long', async () => {
    const prefix = uniqueId('sc').concat('-');
    const service = syntheticService(prefix);
    await platform.catalog.upsert(service.catalog);
    const registration = `${prefix}als`;
    const version = uniqueId('v');
    await publishChampion(platform, {
      registration,
      algorithm: 'als',
      version,
      matrix: service.matrix,
      params: { factors: 8, iterations: 8, regularization: 0.1 },
      dataUntil: new Date(),
      entries: [],
    });
    const snapshot = {
      blobId: `snapshot:${prefix}`,
      window: { from: '', to: '', members: service.members.length, items: 40, interactions: 0 },
    };
    await platform.blobs.put(snapshot.blobId, 'snapshot', packMatrix(service.matrix, snapshot.window), 3600);
    const score = (input: { version: string }) =>
      scoreActivities(
        {
          registrations: platform.registrations,
          listStore: new ListStore(platform.lists, platform.cache),
          catalog: platform.catalog,
        },
        new Artifacts(platform.blobs),
      ).scoreShard({
        registration,
        version: input.version,
        artifact: `model:${registration}:${version}`,
        snapshot,
        start: 0,
        end: service.members.length,
        k: 10,
      });

    const member = service.members[0] as string;
    await score({ version: `${version}-before` });
    const before = (await platform.lists.readEntry(registration, `${version}-before`, member))?.itemIds ?? [];
    const [removed, expired] = before as [string, string];
    assert.equal(await platform.catalog.remove(removed), true);
    const item = service.catalog.find((t) => t.itemId === expired);
    assert.ok(item);
    await platform.catalog.put([{ ...item, availability: { start: '2020-01-01', end: '2021-01-01' } }]);

    await score({ version: `${version}-after` });
    for (const memberId of service.members) {
      const list =
        (await platform.lists.readEntry(registration, `${version}-after`, memberId))?.itemIds ?? [];
      assert.ok(!list.includes(removed) && !list.includes(expired), memberId);
    }
    const after = (await platform.lists.readEntry(registration, `${version}-after`, member))?.itemIds ?? [];
    assert.equal(after.length, 10);
    assert.deepEqual(after.slice(0, 8), before.slice(2), 'the rest keep their order');
  });
});
