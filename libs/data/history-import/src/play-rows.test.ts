import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLineBatches } from './line-reader';
import { ratingPlay } from './movielens-import';
import { playSchema } from '@marquee/domain';
import { splitCsv } from '@marquee/domain';
import { formatOf, parseCsvHeader, parseCsvPlay, parseJsonPlay, wellFormedPlay } from './play-rows';

const play = {
  eventId: 'e1',
  userId: 'm1',
  itemId: 't1',
  device: 'tv',
  timestamp: '2026-01-01T20:00:00Z',
  positionMs: 600000,
  durationMs: 5400000,
};

describe('plays file rows', () => {
  it('reads a JSON line as the online API reads a play', () => {
    assert.deepEqual(parseJsonPlay(JSON.stringify(play)), { ok: true, play });
  });

  it('names every bad field of a JSON line, and says when a line is not JSON', () => {
    const bad = parseJsonPlay(JSON.stringify({ ...play, device: 'toaster', positionMs: -1 }));
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.reason : '', /device: must be one of tv/);
    assert.match(!bad.ok ? bad.reason : '', /positionMs/);
    const broken = parseJsonPlay('{"eventId": ');
    assert.match(!broken.ok ? broken.reason : '', /^not JSON/);
  });

  it('reads CSV rows in the order the header names the columns', () => {
    const columns = parseCsvHeader('userId,itemId,eventId,device,timestamp,positionMs,durationMs');
    assert.deepEqual(parseCsvPlay('m1,t1,e1,tv,2026-01-01T20:00:00Z,600000,5400000', columns), {
      ok: true,
      play,
    });
    assert.deepEqual(parseCsvPlay('"m1",t1,e1,tv,2026-01-01T20:00:00Z,600000,5400000', columns), {
      ok: true,
      play,
    });
  });

  it('rejects a CSV row with a wrong field count or a number that is not whole', () => {
    const columns = parseCsvHeader('eventId,userId,itemId,device,timestamp,positionMs,durationMs');
    const short = parseCsvPlay('e1,m1,t1,tv', columns);
    assert.equal(!short.ok && short.reason, 'expected 7 fields, found 4');
    const fraction = parseCsvPlay('e1,m1,t1,tv,2026-01-01T20:00:00Z,1.5,5400000', columns);
    assert.equal(!fraction.ok && fraction.reason, 'positionMs: must be an integer');
  });

  it('refuses a CSV header that does not name each play field once', () => {
    assert.throws(
      () => parseCsvHeader('eventId,userId,itemId,device,timestamp,positionMs,length'),
      /missing durationMs; unknown length/,
    );
    assert.throws(
      () => parseCsvHeader('eventId,eventId,userId,itemId,device,timestamp,positionMs,durationMs'),
      /repeated eventId/,
    );
  });

  it('takes the quick check only for plays the schema accepts, the same play', () => {
    const variants: Record<string, unknown>[] = [
      play,
      { ...play, timestamp: '2026-01-01T20:00:00.123+02:00' },
      { ...play, timestamp: '2026-02-30T20:00:00Z' },
      { ...play, timestamp: '2026-13-01T20:00:00Z' },
      { ...play, timestamp: '1999-12-31T23:59:59Z' },
      { ...play, timestamp: '2099-01-01T00:00:00Z' },
      { ...play, timestamp: '2026-01-01 20:00:00' },
      { ...play, positionMs: 5400001 },
      { ...play, positionMs: 1.5 },
      { ...play, durationMs: 0 },
      { ...play, durationMs: 24 * 3600_000 + 1 },
      { ...play, device: 'toaster' },
      { ...play, userId: 'has space' },
      { ...play, eventId: '' },
      { ...play, extra: 1 },
      { ...play, itemId: 7 },
    ];
    for (const value of variants) {
      const quick = wellFormedPlay(value);
      const schema = playSchema.safeParse(value);
      if (quick) assert.deepEqual(quick, schema.data, JSON.stringify(value));
      else if (schema.success)
        assert.ok(value.timestamp !== play.timestamp, `${JSON.stringify(value)} only via the schema`);
    }
    assert.deepEqual(wellFormedPlay(play), play);
    assert.equal(wellFormedPlay({ ...play, timestamp: '2026-02-30T20:00:00Z' }), undefined);
  });

  it('tells the format from the file name', () => {
    assert.equal(formatOf('/data/plays.CSV'), 'csv');
    assert.equal(formatOf('/data/plays.jsonl'), 'jsonl');
    assert.deepEqual(splitCsv('a,"b, c",d'), ['a', 'b, c', 'd']);
  });
});

describe('the plays file reader', () => {
  it('numbers lines and gives the byte offset past each, so a later run starts from the middle', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lines-'));
    const file = path.join(dir, 'plays.jsonl');
    writeFileSync(file, 'first\r\nsécond\n\nlast');
    const lines = [];
    for await (const batch of readLineBatches(file)) lines.push(...batch);
    assert.deepEqual(
      lines.map((l) => [l.text, l.number]),
      [
        ['first', 1],
        ['sécond', 2],
        ['', 3],
        ['last', 4],
      ],
    );
    const from = lines[1] as (typeof lines)[number];
    const rest = [];
    for await (const batch of readLineBatches(file, from.end, from.number + 1)) rest.push(...batch);
    assert.deepEqual(
      rest.map((l) => [l.text, l.number]),
      [
        ['', 3],
        ['last', 4],
      ],
    );
  });
});

describe('a MovieLens rating as a play', () => {
  it('is a finished play at the rating time, with an event id made of member and title', () => {
    const p = ratingPlay('u1', 't50', 881250949000);
    assert.equal(p.eventId, 'ml:u1:t50');
    assert.equal(p.timestamp, '1997-12-04T15:55:49.000Z');
    assert.equal(p.positionMs, p.durationMs);
  });
});
