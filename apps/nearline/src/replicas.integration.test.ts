import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { AssignerProtocol, type Admin } from 'kafkajs';
import type { MarqueeConfig } from '@marquee/config';
import type { Play } from '@marquee/domain';
import { publishPlays } from '@marquee/kafka';
import { nearlineGroup } from '@marquee/play-processing';
import { AppProcess, counterTotal, replicaPort } from '@marquee/stack';
import {
  type Platform,
  clearRegistrations,
  connectTestPlatform,
  nearlineTestConfig,
  syntheticService,
  testConfig,
  uniqueId,
  waitFor,
} from '@marquee/testkit';

const CONSUMERS_PER_PROCESS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Partitions of `topic` each member of the group holds. A nearline process is several members (its
 * fetch loops, MARQUEE_NEARLINE_CONSUMERS, 3 by default), so two processes are twice that many.
 */
async function assignments(admin: Admin, groupId: string, topic: string): Promise<number[][]> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (!group || group.state !== 'Stable') return [];
  return group.members.map((member) => {
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    return [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
  });
}

describe('two nearline processes in one consumer group (real Kafka and Cassandra)', () => {
  let platform: Platform;
  let config: MarqueeConfig;
  let admin: Admin;
  const processes: AppProcess[] = [];
  const prefix = uniqueId('rp').concat('-');
  const service = syntheticService(prefix, 7, 5, 30);
  const titles = service.catalog.map((c) => c.itemId);

  const startNearline = (index: number) => {
    const port = replicaPort(config.nearline.port, index);
    return AppProcess.start({
      tier: 'nearline',
      name: `nearline-${index + 1}`,
      env: {
        ...process.env,
        MARQUEE_KEYSPACE: config.cassandra.keyspace,
        MARQUEE_NEARLINE_PORT: String(port),
        MARQUEE_NEARLINE_CONSUMERS: String(CONSUMERS_PER_PROCESS),
        LOG_LEVEL: 'info',
      },
      healthUrl: `http://${config.host}:${port}/health`,
      logFile: path.join(os.tmpdir(), `nearline-replica-${index + 1}-${process.pid}.log`),
    });
  };
  const handled = async (app: AppProcess) => {
    const metrics = await (await fetch(app.healthUrl.replace('/health', '/metrics'))).text();
    return counterTotal(metrics, 'marquee_nearline_plays_total');
  };

  before(async () => {
    config = nearlineTestConfig(testConfig('marquee-test-nearline-replicas'));
    platform = await connectTestPlatform('nearline-replicas', config);
    await clearRegistrations(platform);
    await platform.catalog.upsert(service.catalog);
    admin = platform.kafka.admin();
    await admin.connect();
    processes.push(await startNearline(0), await startNearline(1));
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    await admin.disconnect();
    await platform.close();
  });

  it('split the partitions of plays; one SIGKILLed, the other takes them all and every play is stored once', async () => {
    const topic = platform.topics.plays.name;
    const partitions = platform.topics.plays.partitions;
    const groupId = nearlineGroup(config.kafka.topicPrefix);
    const split = await waitFor(
      'both processes holding partitions of plays',
      async () => {
        const held = await assignments(admin, groupId, topic);
        return held.length === 2 * CONSUMERS_PER_PROCESS && held.every((p) => p.length > 0)
          ? held
          : undefined;
      },
      60_000,
      500,
    );
    assert.deepEqual(
      split.flat().sort((a, b) => a - b),
      Array.from({ length: partitions }, (_, p) => p),
      `the two processes hold every partition once: ${JSON.stringify(split)}`,
    );

    // Members keyed across every partition; plays published in a stream, one process killed midway.
    const members = Array.from({ length: 24 }, (_, m) => `${prefix}member${m}`);
    const plays: Play[] = Array.from({ length: 720 }, (_, n) => ({
      eventId: `${prefix}${n}-${uniqueId('')}`,
      userId: members[n % members.length] as string,
      itemId: titles[n % titles.length] as string,
      device: 'tv',
      timestamp: new Date(Date.now() - 10_000 + n).toISOString(),
      positionMs: 5 * 60_000,
      durationMs: 60 * 60_000,
    }));
    const [first, second] = processes as [AppProcess, AppProcess];
    let handledBySecond = 0;
    for (let i = 0; i < plays.length; i += 24) {
      await publishPlays(platform.producer, platform.topics, plays.slice(i, i + 24));
      if (i === 240) {
        handledBySecond = await waitFor('the second process storing plays', async () => handled(second));
        await second.stop('SIGKILL');
      }
      await sleep(20);
    }
    assert.ok(handledBySecond > 0, 'the killed process had handled plays of its own');

    const taken = await waitFor(
      'the surviving process holding every partition',
      async () => {
        const held = await assignments(admin, groupId, topic);
        return held.length === CONSUMERS_PER_PROCESS && held.flat().length === partitions ? held : undefined;
      },
      60_000,
      500,
    );
    assert.deepEqual(
      taken.flat().sort((a, b) => a - b),
      Array.from({ length: partitions }, (_, p) => p),
      `the survivor holds every partition once: ${JSON.stringify(taken)}`,
    );

    const expected = new Map<string, Set<string>>();
    for (const p of plays) expected.set(p.userId, (expected.get(p.userId) ?? new Set()).add(p.eventId));
    await waitFor(
      'every play stored',
      async () => {
        const counts = await Promise.all(
          members.map(async (m) => (await platform.plays.recent(m, 1000)).length),
        );
        return counts.every((c, i) => c >= (expected.get(members[i] as string)?.size ?? 0));
      },
      90_000,
      500,
    );
    for (const member of members) {
      const stored = (await platform.plays.recent(member, 1000)).map((p) => p.eventId);
      assert.equal(stored.length, expected.get(member)?.size, `${member}: each play once`);
      assert.deepEqual(new Set(stored), expected.get(member));
    }
    assert.ok((await handled(first)) > 0, 'the surviving process stored the rest');
  });
});
