import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'cassandra-driver';
import { loadConfig } from '@marquee/config';
import type { Play } from '@marquee/domain';
import { createLogger } from '@marquee/observability';
import { CatalogRepository, ContinueWatchingRepository, connectCassandra } from '@marquee/storage';

const CLI = path.join(__dirname, 'main.js');
const ML_100K =
  process.env['MARQUEE_ML100K'] ?? path.resolve(__dirname, '../../../../../shared/data/ml-100k');

/** Runs `marquee` as a process, as an operator would. */
function marquee(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: process.env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lastJson<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').pop() as string) as T;
}

describe('marquee import (real Cassandra)', () => {
  const config = loadConfig(process.env, 'marquee-test-import');
  const run = `i${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'marquee-import-'));
  const titles = Array.from({ length: 20 }, (_, i) => `${run}-t${i}`);
  let cassandra: Client;

  before(async () => {
    cassandra = await connectCassandra(config, createLogger('test', 'warn', true));
    await new CatalogRepository(cassandra).upsert(
      titles.map((itemId) => ({ itemId, title: `Title ${itemId}`, genres: ['Drama'] })),
    );
  });
  after(() => cassandra.shutdown());

  /** `count` plays of `members` members of this run, each member's last play of title 0 unfinished. */
  function playsOf(tag: string, count: number, members: number): Play[] {
    const start = Date.parse('2026-03-01T00:00:00Z');
    return Array.from({ length: count }, (_, i) => {
      const unfinished = i >= count - members;
      return {
        eventId: `${run}-${tag}-e${i}`,
        userId: `${run}-${tag}-m${i % members}`,
        itemId: (unfinished ? titles[0] : titles[i % titles.length]) as string,
        device: 'tv',
        timestamp: new Date(start + i * 60_000).toISOString(),
        positionMs: unfinished ? 600_000 : 5_400_000,
        durationMs: 5_400_000,
      };
    });
  }

  async function storedPlays(memberIds: Iterable<string>): Promise<number> {
    let total = 0;
    for (const memberId of new Set(memberIds)) {
      const result = await cassandra.execute(
        'SELECT count(*) AS n FROM plays_by_member WHERE member_id = ?',
        [memberId],
        { prepare: true },
      );
      total += Number(result.first()['n']);
    }
    return total;
  }

  const jsonl = (plays: readonly object[]) => plays.map((p) => JSON.stringify(p)).join('\n') + '\n';

  it('importing a file twice stores each play once, and Continue watching holds the unfinished last plays', async () => {
    const plays = playsOf('twice', 2000, 40);
    const file = path.join(dir, 'twice.jsonl');
    writeFileSync(file, jsonl(plays));
    const members = plays.map((p) => p.userId);

    const first = marquee('import', 'plays', '--file', file, '--json');
    assert.equal(first.status, 0, first.stderr);
    assert.equal(lastJson<{ plays: number }>(first.stdout).plays, 2000);
    assert.match(first.stderr, /import plays .*2,000 rows/);
    assert.equal(await storedPlays(members), 2000);

    const second = marquee('import', 'plays', '--file', file, '--json');
    assert.equal(second.status, 0, second.stderr);
    assert.equal(await storedPlays(members), 2000);

    const continueWatching = new ContinueWatchingRepository(cassandra);
    for (const memberId of new Set(members)) {
      const rows = await continueWatching.read(memberId);
      assert.deepEqual(
        rows.map((r) => [r.itemId, r.positionMs]),
        [[titles[0], 600_000]],
        `Continue watching of ${memberId}`,
      );
    }
  });

  it('an import stopped part-way goes on from its checkpoint and stores the whole file exactly once', async () => {
    const plays = playsOf('resume', 3000, 30);
    const file = path.join(dir, 'resume.csv');
    const header = 'eventId,userId,itemId,device,timestamp,positionMs,durationMs';
    const rows = plays.map((p) =>
      [p.eventId, p.userId, p.itemId, p.device, p.timestamp, p.positionMs, p.durationMs].join(','),
    );
    writeFileSync(file, [header, ...rows].join('\n') + '\n');
    const members = plays.map((p) => p.userId);

    const stopped = marquee('import', 'plays', '--file', file, '--stop-after', '1201', '--json');
    assert.equal(stopped.status, 0, stopped.stderr);
    const part = lastJson<{ complete: boolean; line: number; plays: number }>(stopped.stdout);
    assert.deepEqual([part.complete, part.line, part.plays], [false, 1201, 1200]);
    assert.ok(existsSync(`${file}.checkpoint.json`), 'a checkpoint beside the input');
    assert.equal(await storedPlays(members), 1200);

    const resumed = marquee('import', 'plays', '--file', file, '--json');
    assert.equal(resumed.status, 0, resumed.stderr);
    const rest = lastJson<{ complete: boolean; resumedFromLine: number; plays: number; totalPlays: number }>(
      resumed.stdout,
    );
    assert.deepEqual(
      [rest.complete, rest.resumedFromLine, rest.plays, rest.totalPlays],
      [true, 1201, 1800, 3000],
    );
    assert.equal(await storedPlays(members), 3000);
    assert.ok(!existsSync(`${file}.checkpoint.json`), 'the checkpoint is gone once the file is imported');
  });

  it('a bad row is reported with file and line, kept in the rejects file, and fails the import unless allowed', async () => {
    const plays = playsOf('rejects', 10, 2);
    const file = path.join(dir, 'rejects.jsonl');
    const lines = plays.map((p) => JSON.stringify(p));
    lines.splice(2, 0, '{"eventId": "broken"');
    lines.splice(5, 0, JSON.stringify({ ...plays[0], eventId: `${run}-x1`, device: 'toaster' }));
    lines.splice(8, 0, JSON.stringify({ ...plays[0], eventId: `${run}-x2`, itemId: `${run}-nope` }));
    writeFileSync(file, lines.join('\n') + '\n');

    const failed = marquee('import', 'plays', '--file', file);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, new RegExp(`${file}:3: not JSON`));
    assert.match(failed.stderr, /3 rows of .* rejected/);
    const rejects = readFileSync(`${file}.rejects.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; line: number; reason: string });
    assert.deepEqual(
      rejects.map((r) => [r.file, r.line]),
      [
        [file, 3],
        [file, 6],
        [file, 9],
      ],
    );
    assert.match(rejects[1]?.reason ?? '', /device: must be one of/);
    assert.match(rejects[2]?.reason ?? '', /is not in the catalog/);
    assert.equal(await storedPlays(plays.map((p) => p.userId)), 10);

    const allowed = marquee('import', 'plays', '--file', file, '--allow-rejects', '--json');
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.equal(lastJson<{ rejected: number }>(allowed.stdout).rejected, 3);
    assert.equal(readFileSync(`${file}.rejects.jsonl`, 'utf8').trim().split('\n').length, 3);
  });

  it('imports a MovieLens directory: titles into the catalog, each rating as a finished play at its time', async () => {
    const ml = path.join(dir, 'ml-tiny');
    mkdirSync(ml);
    const genreFlags = (g: number) => Array.from({ length: 19 }, (_, i) => (i === g ? '1' : '0')).join('|');
    writeFileSync(
      path.join(ml, 'u.item'),
      [
        `1|Toy Story (1995)|01-Jan-1995||http://x|${genreFlags(3)}`,
        `2|GoldenEye (1995)|01-Jan-1995||http://x|${genreFlags(1)}`,
        `3|Four Rooms (1995)|01-Jan-1995||http://x|${genreFlags(16)}`,
      ].join('\n') + '\n',
      'latin1',
    );
    writeFileSync(
      path.join(ml, 'u.data'),
      ['1\t1\t5\t881250949', '1\t2\t3\t881250950', '2\t3\t4\t881250951', '3\t1\t2\t881250952'].join('\n') +
        '\n',
    );
    const memberPrefix = `${run}-u`;
    const itemPrefix = `${run}-ml`;
    const imported = marquee(
      'import',
      'movielens',
      ml,
      '--member-prefix',
      memberPrefix,
      '--item-prefix',
      itemPrefix,
      '--json',
    );
    assert.equal(imported.status, 0, imported.stderr);
    const summary = lastJson<Record<string, number>>(imported.stdout);
    assert.deepEqual(
      Object.keys(summary).sort(),
      ['catalogItems', 'members', 'plays', 'rejected', 'seconds'].sort(),
    );
    assert.deepEqual([summary.catalogItems, summary.plays, summary.members, summary.rejected], [3, 4, 3, 0]);

    const catalog = await new CatalogRepository(cassandra).getMany([`${itemPrefix}1`, `${itemPrefix}2`]);
    assert.deepEqual(catalog.get(`${itemPrefix}1`), {
      itemId: `${itemPrefix}1`,
      title: 'Toy Story (1995)',
      genres: ['Animation'],
      year: 1995,
    });
    const stored = await cassandra.execute(
      'SELECT item_id, played_at, position_ms, duration_ms FROM plays_by_member WHERE member_id = ?',
      [`${memberPrefix}1`],
      { prepare: true },
    );
    assert.deepEqual(
      stored.rows.map((r) => [r['item_id'], (r['played_at'] as Date).toISOString()]),
      [
        [`${itemPrefix}2`, '1997-12-04T15:55:50.000Z'],
        [`${itemPrefix}1`, '1997-12-04T15:55:49.000Z'],
      ],
    );
    assert.ok(
      stored.rows.every((r) => r['position_ms'] === r['duration_ms']),
      'finished plays',
    );
    assert.deepEqual(await new ContinueWatchingRepository(cassandra).read(`${memberPrefix}1`), []);

    // Again: the same rows, nothing doubled.
    assert.equal(
      marquee('import', 'movielens', ml, '--member-prefix', memberPrefix, '--item-prefix', itemPrefix).status,
      0,
    );
    assert.equal(await storedPlays([1, 2, 3].map((u) => `${memberPrefix}${u}`)), 4);
  });

  it(
    'imports MovieLens 100k from ../shared/data',
    { skip: !existsSync(ML_100K) && `no ${ML_100K}` },
    async () => {
      const memberPrefix = `${run}-k`;
      const imported = marquee('import', 'movielens', ML_100K, '--member-prefix', memberPrefix, '--json');
      assert.equal(imported.status, 0, imported.stderr);
      const summary = lastJson<Record<string, number>>(imported.stdout);
      assert.deepEqual([summary.catalogItems, summary.plays, summary.members], [1682, 100_000, 943]);
      assert.equal(await storedPlays([`${memberPrefix}1`]), 272);
    },
  );
});
