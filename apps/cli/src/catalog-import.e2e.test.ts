import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CSV_COLUMNS } from '@marquee/domain';
import { connectTestPlatform, uniqueId, waitFor } from '@marquee/testkit';

const cli = path.join(__dirname, 'main.js');
const run = promisify(execFile);

type Platform = Awaited<ReturnType<typeof connectTestPlatform>>;

describe('marquee catalog import / export (the CLI as a process on the real Cassandra and Kafka)', () => {
  let platform: Platform;
  let dir: string;

  before(async () => {
    platform = await connectTestPlatform('catalog-cli');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-catalog-'));
  });

  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await platform.close();
  });

  const marquee = (...args: string[]) => run(process.execPath, [cli, ...args], { timeout: 120_000 });

  it('imports a CSV file twice (idempotent), announces it, and exports the same titles as JSON Lines', async () => {
    const prefix = uniqueId('csv-');
    const ids = [1, 2, 3].map((n) => `${prefix}-${n}`);
    const file = path.join(dir, 'items.csv');
    fs.writeFileSync(
      file,
      [
        CSV_COLUMNS.join(','),
        `${ids[0]},"Night, Again",Drama|Thriller,2024,PG-13,US|DE,2026-01-01,,https://img.example.com/1.jpg`,
        `${ids[1]},Plain,Comedy,,,,,,`,
        `${ids[2]},"A ""quoted"" title",,1999,R,,,2030-01-01T00:00:00Z,`,
      ].join('\n'),
    );
    // Someone follows catalog.updated, as online and nearline do.
    const announced = new Set<string>();
    const consumer = platform.kafka.consumer({ groupId: uniqueId('catalog-cli-'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: platform.topics.catalogUpdated.name, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          for (const itemId of (JSON.parse(message.value?.toString() ?? '{}') as { items: string[] }).items)
            announced.add(itemId);
        },
      });
      for (let i = 0; i < 2; i++) {
        const { stdout, stderr } = await marquee('catalog', 'import', '--file', file);
        assert.match(stdout, /imported 3 titles/);
        assert.match(stderr, /3\/3 titles, \d+\/s, ETA 0s/);
      }
      await waitFor('the imported titles announced', async () =>
        ids.every((itemId) => announced.has(itemId)),
      );
    } finally {
      await consumer.disconnect();
    }

    const stored = await platform.catalog.getMany(ids);
    assert.deepEqual(stored.get(ids[0] as string), {
      itemId: ids[0],
      title: 'Night, Again',
      genres: ['Drama', 'Thriller'],
      year: 2024,
      maturityRating: 'PG-13',
      availability: { regions: ['US', 'DE'], start: '2026-01-01T00:00:00.000Z' },
      artworkUrl: 'https://img.example.com/1.jpg',
    });
    assert.equal(stored.get(ids[2] as string)?.title, 'A "quoted" title');

    const out = path.join(dir, 'export.jsonl');
    await marquee('catalog', 'export', '--file', out);
    const exported = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { itemId: string });
    const mine = exported.filter((item) => ids.includes(item.itemId));
    assert.deepEqual(
      mine,
      ids.map((itemId) => stored.get(itemId)),
    );

    // The export imports back as the same titles.
    await marquee('catalog', 'import', '--file', out);
    assert.deepEqual(await platform.catalog.getMany(ids), stored);
  });

  it('refuses a file with a bad row, naming the file and line, and writes nothing', async () => {
    const good = uniqueId('ok-');
    const file = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ itemId: good, title: 'Fine', genres: [] }),
        '',
        JSON.stringify({ itemId: uniqueId('bad-'), title: 'Bad', genres: [], maturityRating: 'X' }),
      ].join('\n'),
    );
    await assert.rejects(
      marquee('catalog', 'import', '--file', file),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 2);
        assert.match(
          error.stderr,
          new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: maturityRating: must be one of`),
        );
        return true;
      },
    );
    assert.equal((await platform.catalog.getMany([good])).size, 0);
    await assert.rejects(marquee('catalog', 'import', '--file', path.join(dir, 'items.txt')), /--file: /);
  });
});
