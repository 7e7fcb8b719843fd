import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AFFINITIES_LIST, AffinitiesRepository } from '@marquee/storage';
import { AffinityTable } from '@marquee/algorithms';
import { type Platform, connectTestPlatform, uniqueId } from '@marquee/testkit';
import { activityDepsOf } from '../../offline-harness.test-support';
import { createAffinityActivities } from './genre-affinities';

describe('genre affinities activity (real Cassandra)', () => {
  let platform: Platform;
  before(async () => {
    platform = await connectTestPlatform('affinities');
  });
  after(() => platform.close());

  it('computes genre × device and genre × hour lifts from stored plays and publishes them as champion', async () => {
    // Genres of this test only, so other plays in the keyspace do not blur the lifts checked below.
    const night = uniqueId('Night-');
    const morning = uniqueId('Morning-');
    const titles = [uniqueId('an-'), uniqueId('am-')];
    await platform.catalog.upsert([
      { itemId: titles[0] as string, title: 'After Dark', genres: [night] },
      { itemId: titles[1] as string, title: 'Sunrise', genres: [morning] },
    ]);
    const today = new Date();
    const at = (hour: number, minute: number) =>
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1, hour, minute));
    for (let i = 0; i < 40; i++) {
      await platform.plays.record({
        eventId: uniqueId('af-'),
        userId: uniqueId('m'),
        itemId: titles[0] as string,
        device: 'tv',
        timestamp: at(22, i).toISOString(),
        positionMs: 1,
        durationMs: 10,
      });
      await platform.plays.record({
        eventId: uniqueId('af-'),
        userId: uniqueId('m'),
        itemId: titles[1] as string,
        device: 'mobile',
        timestamp: at(7, i).toISOString(),
        positionMs: 1,
        durationMs: 10,
      });
    }
    const version = uniqueId('vaff-');
    const activities = createAffinityActivities(activityDepsOf(platform));
    const summary = await activities.computeGenreAffinities({
      version,
      workflowId: 'affinity-test',
      asOf: Date.now(),
    });
    assert.equal(summary.published, true);
    assert.ok(summary.playsCounted >= 80);

    assert.equal((await platform.lists.champion(AFFINITIES_LIST))?.version, version);
    const table = new AffinityTable(
      await new AffinitiesRepository(platform.cassandra).read(version),
      version,
    );
    assert.ok(table.lift('device', 'tv', night) > 1, 'night genre is a TV genre');
    assert.ok(table.lift('device', 'mobile', night) < 1);
    assert.ok(table.lift('hour', '22', night) > table.lift('hour', '7', night));
    assert.ok(table.lift('hour', '7', morning) > 1, 'morning genre is watched at 7');

    // A retried activity rewrites the same version: same cells, still the champion.
    const again = await activities.computeGenreAffinities({
      version,
      workflowId: 'affinity-test',
      asOf: Date.now(),
    });
    assert.deepEqual([again.cells, again.playsCounted], [summary.cells, summary.playsCounted]);
    assert.equal(
      (await platform.lists.versions(AFFINITIES_LIST, 5)).find((v) => v.version === version)?.status,
      'champion',
    );
  });
});
