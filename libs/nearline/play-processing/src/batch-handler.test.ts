import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaMessage, Producer } from 'kafkajs';
import pino from 'pino';
import { type Play, encodePlay } from '@marquee/domain';
import type { PlaysRepository } from '@marquee/storage';
import { topicsFor } from '@marquee/kafka';
import type { TrendingSignal } from '@marquee/signals';
import { createRegistry } from '@marquee/observability';
import { BatchHandler } from './batch-handler';
import type { KnownItems } from './known-items';
import { Limiter } from './limiter';
import { MemberLocks } from './member-locks';
import { nearlineMetrics } from './nearline-metrics';
import { MemberHistories } from './member-histories';
import type { PlayDedupe } from './play-dedupe';
import type { PlayProcessor } from './play-processor';
import { RecentMembers } from './recent-members';

const play = (member: string, n: number): Play => ({
  eventId: `e-${member}-${n}`,
  userId: member,
  itemId: 'known',
  device: 'tv',
  timestamp: new Date(Date.now() - 60_000 + n).toISOString(),
  positionMs: 1,
  durationMs: 10,
});

const message = (offset: number, value: Buffer, key: string): KafkaMessage =>
  ({
    offset: String(offset),
    key: Buffer.from(key),
    value,
    timestamp: String(Date.now()),
    headers: {},
  }) as KafkaMessage;

/**
 * A handler over fakes: `failing` members' writes always fail; `stored` plays are in the members'
 * history (of which `keep` are kept, the newest) and `recorded` ones found by a lookup. Records what
 * was applied, dead-lettered, announced and looked up.
 */
function handlerFor(
  failing: Set<string>,
  { stored = [], recorded = [], keep = 500 }: { stored?: Play[]; recorded?: string[]; keep?: number } = {},
) {
  const applied: string[] = [];
  const deadLettered: string[] = [];
  const announced: string[] = [];
  const asked: string[] = [];
  const counted: string[] = [];
  const topics = topicsFor('unit.');
  const plays = {
    recent: async (memberId: string, limit: number) =>
      stored
        .filter((p) => p.userId === memberId)
        .map((p) => ({ ...p, memberId, playedAt: new Date(p.timestamp) }))
        .sort((a, b) => b.playedAt.getTime() - a.playedAt.getTime())
        .slice(0, limit),
  } as unknown as PlaysRepository;
  const handler = new BatchHandler({
    producer: {
      send: async ({ topic, messages }: { topic: string; messages: Array<{ value: Buffer | string }> }) => {
        for (const m of messages)
          if (topic === topics.membersUpdated.name)
            announced.push(...(JSON.parse(m.value.toString()) as { members: string[] }).members);
          else deadLettered.push(m.value.toString().slice(0, 10));
        return [];
      },
    } as unknown as Producer,
    topics,
    knownItems: {
      unknownAmong: async (ids: string[]) => new Set(ids.filter((id) => id !== 'known')),
    } as unknown as KnownItems,
    dedupe: {
      seen: () => false,
      recordedAmong: async (lookedUp: Play[]) => {
        asked.push(...lookedUp.map((p) => p.eventId));
        return new Set(lookedUp.map((p) => p.eventId).filter((id) => recorded.includes(id)));
      },
      remember: () => undefined,
    } as unknown as PlayDedupe,
    histories: new MemberHistories(plays, keep),
    processor: {
      applyMember: async (member: string, plays: Play[], onVisible?: () => void) => {
        if (failing.has(member)) throw new Error(`store down for ${member}`);
        onVisible?.();
        applied.push(...plays.map((p) => p.eventId));
      },
    } as unknown as PlayProcessor,
    trending: {
      countOnce: async (plays: Play[]) => {
        counted.push(...plays.map((p) => p.eventId));
        return plays.length;
      },
    } as unknown as TrendingSignal,
    locks: new MemberLocks(),
    limiter: new Limiter(4),
    recentMembers: new RecentMembers(),
    metrics: nearlineMetrics(createRegistry('unit')),
    logger: pino({ level: 'silent' }),
  });
  return { handler, applied, deadLettered, announced, asked, counted, failing };
}

describe('nearline batch handling', () => {
  it('applies every member and resolves the whole batch when all writes succeed', async () => {
    const { handler, applied, announced, asked } = handlerFor(new Set());
    const batch = [
      message(10, encodePlay(play('a', 1)), 'a'),
      message(11, encodePlay(play('b', 1)), 'b'),
      message(12, encodePlay(play('a', 2)), 'a'),
    ];
    const outcome = await handler.handle('plays', 0, batch);
    assert.equal(outcome.failure, null);
    assert.equal(outcome.resolveThrough, '12');
    assert.deepEqual(applied.sort(), ['e-a-1', 'e-a-2', 'e-b-1']);
    // Plays no history holds cannot have been processed: no read of the processed marks.
    assert.deepEqual(asked, []);
    await handler.settled();
    assert.deepEqual(announced.sort(), ['a', 'b']);
  });

  it('drops plays the member history holds without a read, and looks up only plays older than it', async () => {
    const recent = play('a', 5);
    const oldRecorded = play('a', 1);
    const oldNew = play('a', 2);
    const { handler, applied, asked } = handlerFor(new Set(), {
      // Two plays kept of the member (the newest: 5 and 4); 1 is stored beyond them, 2 never was.
      stored: [oldRecorded, play('a', 4), recent],
      recorded: [oldRecorded.eventId],
      keep: 2,
    });
    const batch = [
      message(40, encodePlay(recent), 'a'),
      message(41, encodePlay(oldRecorded), 'a'),
      message(42, encodePlay(oldNew), 'a'),
      message(43, encodePlay(play('a', 6)), 'a'),
    ];
    const outcome = await handler.handle('plays', 0, batch);
    assert.equal(outcome.resolveThrough, '43');
    assert.deepEqual(asked.sort(), [oldRecorded.eventId, oldNew.eventId].sort());
    assert.deepEqual(applied, [oldNew.eventId, 'e-a-6']);
  });

  it('resolves only up to the first play that could not be stored, so the rest is read again', async () => {
    const { handler, applied } = handlerFor(new Set(['b']));
    const batch = [
      message(20, encodePlay(play('a', 1)), 'a'),
      message(21, encodePlay(play('b', 1)), 'b'),
      message(22, encodePlay(play('a', 2)), 'a'),
    ];
    const outcome = await handler.handle('plays', 0, batch);
    assert.match(String(outcome.failure?.message), /store down for b/);
    assert.equal(outcome.resolveThrough, '20');
    // Other members go on; their plays are re-applied idempotently when the partition resumes.
    assert.deepEqual(applied, ['e-a-1', 'e-a-2']);
  });

  it('dead-letters bad messages and unknown titles, and counts them as done', async () => {
    const { handler, applied, deadLettered } = handlerFor(new Set());
    const batch = [
      message(30, Buffer.from('{oops'), 'a'),
      message(31, encodePlay({ ...play('a', 1), itemId: 'unknown' }), 'a'),
      message(32, encodePlay(play('a', 2)), 'a'),
      message(33, encodePlay(play('c', 1)), 'someone-else'),
    ];
    const outcome = await handler.handle('plays', 0, batch);
    assert.equal(outcome.resolveThrough, '33');
    assert.deepEqual(applied, ['e-a-2']);
    assert.equal(deadLettered.length, 3);
  });

  it('counts trending only for plays whose member writes are done, so a re-read play counts once', async () => {
    const { handler, counted, failing } = handlerFor(new Set(['b']));
    const batch = [message(50, encodePlay(play('a', 1)), 'a'), message(51, encodePlay(play('b', 1)), 'b')];
    const first = await handler.handle('plays', 0, batch);
    assert.equal(first.resolveThrough, '50');
    assert.deepEqual(counted, ['e-a-1'], "b's play is not counted before it is stored");
    failing.delete('b');
    const again = await handler.handle('plays', 0, batch.slice(1));
    assert.equal(again.failure, null);
    assert.deepEqual(counted, ['e-a-1', 'e-b-1']);
  });

  it('does not dead-letter a bad message again when its batch is re-read after a failed write', async () => {
    const { handler, deadLettered, failing } = handlerFor(new Set(['b']));
    const batch = [message(60, encodePlay(play('b', 1)), 'b'), message(61, Buffer.from('{oops'), 'a')];
    const first = await handler.handle('plays', 0, batch);
    assert.equal(first.resolveThrough, null, 'the failed write holds the whole batch');
    assert.equal(deadLettered.length, 1);
    failing.delete('b');
    const again = await handler.handle('plays', 0, batch);
    assert.equal(again.resolveThrough, '61');
    assert.equal(deadLettered.length, 1, 'the re-read batch sends no second copy');
  });
});
