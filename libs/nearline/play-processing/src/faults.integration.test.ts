import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { cacheKeys } from '@marquee/storage';
import type { MarqueeConfig } from '@marquee/config';
import { encodePlay, type Play, type ScoredList } from '@marquee/domain';
import { DLQ_HEADERS, publishPlays } from '@marquee/kafka';
import {
  type Platform,
  connectTestPlatform,
  testConfig,
  uniqueId,
  waitFor,
  clearRegistrations,
  nearlineTestConfig,
  publishChampion,
  syntheticService,
} from '@marquee/testkit';
import { LocalStack, distDir, httpOk } from '@marquee/stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The nearline app as a process of its own (compiled), so it can be killed like in production. */
class NearlineProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly exited: Promise<number | null>,
  ) {}

  static async start(config: MarqueeConfig, logFile: string): Promise<NearlineProcess> {
    const health = `http://${config.host}:${config.nearline.port}/health`;
    if (await httpOk(health))
      throw new Error(`something already answers on ${health}; set MARQUEE_NEARLINE_PORT to a free port`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [path.join(distDir(), 'apps/nearline/src/main.js')], {
      env: { ...process.env, MARQUEE_KEYSPACE: config.cassandra.keyspace, LOG_LEVEL: 'info' },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(
      `nearline on ${health} (log ${logFile})`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`nearline exited with ${child.exitCode}; see ${logFile}`);
        return httpOk(health);
      },
      60_000,
      200,
    );
    return new NearlineProcess(child, exited);
  }

  async stop(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

describe('nearline under faults (real servers, nearline as a process)', () => {
  let platform: Platform;
  let config: MarqueeConfig;
  let nearline: NearlineProcess | undefined;
  const logFile = path.join(os.tmpdir(), `nearline-faults-${process.pid}.log`);
  const prefix = uniqueId('ft').concat('-');
  const service = syntheticService(prefix, 5, 40, 40);
  const titles = service.catalog.map((c) => c.itemId);

  before(async () => {
    config = nearlineTestConfig(testConfig('marquee-test-faults'));
    platform = await connectTestPlatform('faults', config);
    await clearRegistrations(platform);
    await platform.catalog.upsert(service.catalog);
    await Promise.all(service.plays.map((p) => platform.plays.record(p)));
    await publishChampion(platform, {
      registration: `${prefix}als`,
      algorithm: 'als',
      version: 'v1',
      matrix: service.matrix,
      params: { factors: 8, iterations: 8, regularization: 0.1 },
      dataUntil: new Date(),
    });
    nearline = await NearlineProcess.start(config, logFile);
  });

  after(async () => {
    await nearline?.stop('SIGTERM');
    await clearRegistrations(platform);
    await platform.close();
  });

  const play = (member: string, itemId: string, n: number): Play => ({
    eventId: `${prefix}${member}-${n}-${uniqueId('')}`,
    userId: member,
    itemId,
    device: 'mobile',
    timestamp: new Date(Date.now() - 1000 + n).toISOString(),
    positionMs: 5 * 60_000,
    durationMs: 60 * 60_000,
  });

  it('killed mid-stream and restarted (and stopped by SIGTERM mid-stream), every play is in the history exactly once', async () => {
    const members = Array.from({ length: 30 }, (_, m) => `${prefix}kill${m}`);
    const plays = Array.from({ length: 900 }, (_, n) =>
      play(members[n % members.length] as string, titles[n % titles.length] as string, n),
    );
    for (let i = 0; i < plays.length; i += 30) {
      await publishPlays(platform.producer, platform.topics, plays.slice(i, i + 30));
      if (i === 300) {
        await nearline?.stop('SIGKILL');
        nearline = await NearlineProcess.start(config, logFile);
      }
      if (i === 600) {
        assert.equal(await nearline?.stop('SIGTERM'), 0, 'SIGTERM ends nearline cleanly');
        nearline = await NearlineProcess.start(config, logFile);
      }
      await sleep(20);
    }
    const expected = new Map<string, Set<string>>();
    for (const p of plays) expected.set(p.userId, (expected.get(p.userId) ?? new Set()).add(p.eventId));
    await waitFor(
      'every play stored',
      async () => {
        const counts = await Promise.all(
          members.map(async (m) => (await platform.plays.recent(m, 100_000)).length),
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
  });

  it('a burst of malformed messages lands in plays.dlq with reasons; the good plays around it are stored and the process stays up', async () => {
    const member = `${prefix}burst`;
    const good = Array.from({ length: 20 }, (_, n) => play(member, titles[n] as string, n));
    const bad: Buffer[] = [];
    for (let n = 0; n < 40; n++) {
      const kind = n % 5;
      const base = play(member, titles[0] as string, 100 + n);
      bad.push(
        kind === 0
          ? Buffer.from(`{"eventId":"${prefix}j${n}",`)
          : kind === 1
            ? Buffer.from(JSON.stringify({ eventId: `${prefix}f${n}`, userId: member }))
            : kind === 2
              ? encodePlay({ ...base, itemId: `${prefix}missing${n}` })
              : kind === 3
                ? encodePlay({ ...base, timestamp: '1970-01-01T00:00:00Z' })
                : Buffer.from(JSON.stringify({ ...base, padding: 'x'.repeat(40_000) })),
      );
    }
    const dlq = platform.kafka.consumer({ groupId: uniqueId('dlq-'), maxWaitTimeInMs: 100 });
    const letters: KafkaMessage[] = [];
    await dlq.connect();
    await dlq.subscribe({ topic: platform.topics.playsDlq.name, fromBeginning: true });
    await dlq.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === member) letters.push(message);
      },
    });
    try {
      const messages = good.flatMap((p, n) => [
        { key: member, value: encodePlay(p) },
        ...bad.slice(2 * n, 2 * n + 2).map((value) => ({ key: member, value })),
      ]);
      await platform.producer.send({ topic: platform.topics.plays.name, messages });
      await waitFor(
        'the good plays stored',
        async () => (await platform.plays.recent(member, 100_000)).length === good.length,
        30_000,
        200,
      );
      await waitFor(
        'every bad message dead-lettered',
        async () => new Set(letters.map((l) => l.value?.toString())).size === bad.length,
        30_000,
        200,
      );
      for (const letter of letters) assert.ok(String(letter.headers?.[DLQ_HEADERS.reason] ?? '').length > 0);
      const reasons = letters.map((l) => String(l.headers?.[DLQ_HEADERS.reason]));
      for (const pattern of [
        /not JSON/,
        /itemId: must be a string/,
        /not in the catalog/,
        /before 2000/,
        /exceeds/,
      ])
        assert.ok(
          reasons.some((r) => pattern.test(r)),
          `a reason matching ${pattern}`,
        );
      assert.equal(nearline?.child.exitCode, null, 'nearline is still running');
      assert.ok(await httpOk(`http://${config.host}:${config.nearline.port}/health`));
    } finally {
      await dlq.disconnect();
    }
  });

  it('with memcached stopped, keeps writing Cassandra; once it is back the hot copies are refilled and right', async (t) => {
    const stack = new LocalStack(config);
    const memcached = (await stack.status()).find((s) => s.name === 'memcached');
    if (memcached?.state !== 'running' || !memcached.pid) {
      t.skip(
        `memcached was not started by this stack (state ${memcached?.state}); not stopping someone else's server`,
      );
      return;
    }
    const members = service.members.slice(0, 10);
    const before = await Promise.all(members.map((m) => platform.lists.readEntry(`${prefix}als`, 'v1', m)));
    const plays = members.map((m, i) => play(m, (before[i] as ScoredList).itemIds[0] as string, i));
    await stack.down(['memcached']);
    try {
      await publishPlays(platform.producer, platform.topics, plays);
      // Cassandra has every play and the new Top picks while memcached is away.
      await waitFor(
        'plays and Top picks in Cassandra',
        async () => {
          const done = await Promise.all(
            plays.map(async (p) => {
              const entry = await platform.lists.readEntry(`${prefix}als`, 'v1', p.userId);
              const history = await platform.plays.recent(p.userId, 5);
              return (
                history.some((h) => h.eventId === p.eventId) &&
                entry !== null &&
                !entry.itemIds.includes(p.itemId)
              );
            }),
          );
          return done.every(Boolean);
        },
        30_000,
        200,
      );
    } finally {
      await stack.up(['memcached']);
    }
    // Nobody reads through here: the copies in memcached are nearline's refill.
    for (const p of plays) {
      const key = cacheKeys.listEntry(`${prefix}als`, 'v1', p.userId);
      const cached = await waitFor(
        `Top picks of ${p.userId} back in memcached`,
        () => platform.cache.getJson<ScoredList>(key),
        30_000,
        200,
      );
      assert.deepEqual(cached, await platform.lists.readEntry(`${prefix}als`, 'v1', p.userId));
      assert.ok(!cached.itemIds.includes(p.itemId));
      const cw = await waitFor(
        `Continue watching of ${p.userId} back in memcached`,
        () => platform.cache.getJson<Array<{ itemId: string }>>(cacheKeys.continueWatching(p.userId)),
        30_000,
        200,
      );
      assert.equal(cw[0]?.itemId, p.itemId);
      const recent = await platform.cache.getJson<Array<{ itemId: string }>>(cacheKeys.recentPlays(p.userId));
      assert.equal(recent?.[0]?.itemId, p.itemId);
    }
  });
});
