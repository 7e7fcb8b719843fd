import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import type { PublishedResult } from '@marquee/domain';
import { GLOBAL_MEMBER } from '@marquee/storage';
import { type Platform, causeChain, testConfig, uniqueId, waitFor } from '@marquee/testkit';
import { startOfflineHarness, type OfflineHarness } from '../offline-harness.test-support';
import { popularityPipeline } from './popularity-pipeline';

describe('popularity pipeline workflow (real Temporal dev server)', () => {
  let harness: OfflineHarness;
  let env: OfflineHarness['env'];
  let platform: Platform;
  let announcements: PublishedResult[];
  const config = testConfig('marquee-test-workflow');
  const list = uniqueId('popular-');

  before(async () => {
    harness = await startOfflineHarness('workflow', config);
    ({ env, platform, announcements } = harness);
  });

  after(() => harness.stop());

  it('snapshots plays, writes a new version, makes it champion and announces it', async () => {
    // Ten members watch "hit", three watch "niche": "hit" must lead the list.
    const now = Date.now();
    for (let m = 0; m < 10; m++) {
      await platform.plays.record({
        eventId: uniqueId('wf-'),
        userId: uniqueId('wm'),
        itemId: `${list}-hit`,
        device: 'tv',
        timestamp: new Date(now - 3600_000).toISOString(),
        positionMs: 1,
        durationMs: 100,
      });
    }
    for (let m = 0; m < 3; m++) {
      await platform.plays.record({
        eventId: uniqueId('wf-'),
        userId: uniqueId('wm'),
        itemId: `${list}-niche`,
        device: 'web',
        timestamp: new Date(now - 3600_000).toISOString(),
        positionMs: 1,
        durationMs: 100,
      });
    }
    const workflowId = uniqueId('wf-popularity-');
    const handle = await env.client.workflow.start(popularityPipeline, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ list, k: 1000, halfLifeDays: 7 }],
    });
    const result = await handle.result();
    assert.equal((await handle.describe()).status.name, 'COMPLETED');
    assert.match(result.version, /^v\d{8}T\d{6}Z-[0-9a-f]{12}$/);

    const champion = await platform.lists.champion(list);
    assert.equal(champion?.version, result.version);
    const entry = await platform.lists.readEntry(list, result.version, GLOBAL_MEMBER);
    assert.ok(entry);
    const hit = entry.itemIds.indexOf(`${list}-hit`);
    const niche = entry.itemIds.indexOf(`${list}-niche`);
    assert.ok(hit >= 0 && niche > hit, `hit at ${hit}, niche at ${niche}`);
    const [version] = await platform.lists.versions(list, 1);
    assert.equal(version?.status, 'champion');
    assert.equal(version?.workflowId, workflowId);

    const announced = await waitFor('the announcement on results.published', async () =>
      announcements.find((a) => a.list === list && a.version === result.version),
    );
    assert.equal(announced.checksum, result.published.checksum);
    assert.match(announced.checksum, /^sha256:[0-9a-f]{64}$/);
  });

  it('a second run retires the previous champion and remembers it for rollback', async () => {
    const first = await platform.lists.champion(list);
    assert.ok(first, 'the previous test published a champion');
    const result = await env.client.workflow.execute(popularityPipeline, {
      taskQueue: config.temporal.taskQueue,
      workflowId: uniqueId('wf-popularity-'),
      args: [{ list, k: 1000, halfLifeDays: 7 }],
    });
    const champion = await platform.lists.champion(list);
    assert.equal(champion?.version, result.version);
    assert.equal(champion?.previousVersion, first.version);
    const statuses = Object.fromEntries(
      (await platform.lists.versions(list)).map((v) => [v.version, v.status]),
    );
    assert.equal(statuses[first.version], 'retired');
  });

  it('invalid parameters fail the run without retries and leave the champion untouched', async () => {
    const before = await platform.lists.champion(list);
    await assert.rejects(
      env.client.workflow.execute(popularityPipeline, {
        taskQueue: config.temporal.taskQueue,
        workflowId: uniqueId('wf-bad-'),
        args: [{ list, k: 0 }],
      }),
      (error: unknown) =>
        error instanceof WorkflowFailedError && /k must be a positive integer/.test(causeChain(error)),
    );
    assert.equal((await platform.lists.champion(list))?.version, before?.version);
  });
});
