import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'cassandra-driver';
import { loadConfig } from '@marquee/config';
import type { Play } from '@marquee/domain';
import { createLogger } from '@marquee/observability';
import { ContinueWatchingRepository, connectCassandra } from '@marquee/storage';
import { HistoryWriter } from './history-writer';
import { importPlays } from './plays-import';

describe('the history writer (real Cassandra)', () => {
  const config = loadConfig(process.env, 'marquee-test-history-writer');
  const run = `h${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  let cassandra: Client;

  before(async () => {
    cassandra = await connectCassandra(config, createLogger('test', 'warn', true));
  });
  after(() => cassandra.shutdown());

  const play = (i: number, itemId: string, positionMs: number, memberId = `${run}-m`): Play => ({
    eventId: `${run}-e${i}`,
    userId: memberId,
    itemId,
    device: 'tv',
    timestamp: new Date(Date.parse('2026-02-01T00:00:00Z') + i * 60_000).toISOString(),
    positionMs,
    durationMs: 1000,
  });

  it('Continue watching ends as the last play of each title left it, whichever chunk held the plays', async () => {
    const member = `${run}-m`;
    const continueWatching = new ContinueWatchingRepository(cassandra);
    // Nearline had stored an older position of a title the history finishes later.
    await continueWatching.write(play(0, 'a', 100));
    const plays = [
      play(1, 'b', 200),
      play(2, 'a', 300),
      play(3, 'c', 1000),
      play(4, 'a', 1000),
      play(5, 'b', 400),
      play(6, 'c', 500),
    ];
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'history-writer-')), 'plays.jsonl');
    writeFileSync(file, plays.map((p) => JSON.stringify(p)).join('\n') + '\n');
    // One line per chunk: every play's effect on the row crosses a chunk boundary.
    const summary = await importPlays({
      file,
      writer: new HistoryWriter(cassandra, undefined),
      chunkLines: 1,
    });
    assert.equal(summary.plays, 6);
    assert.deepEqual(
      (await continueWatching.read(member)).map((e) => [e.itemId, e.positionMs]),
      [
        ['c', 500],
        ['b', 400],
      ],
    );
  });
});
