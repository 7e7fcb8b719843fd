import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '@marquee/domain';
import { generateDataset, syntheticRatings } from '@marquee/synthetic';
import { detectMovieLens, loadMovieLens } from './loaders';

const ML100K = process.env['MARQUEE_ML100K'] ?? '/work/shared/data/ml-100k';
const root = mkdtempSync(path.join(os.tmpdir(), 'marquee-loaders-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` into a fresh directory named `name` and returns its path. */
function dataset(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
  return dir;
}

const flags = (...on: number[]) =>
  Array.from({ length: 19 }, (_, g) => (on.includes(g) ? '1' : '0')).join('|');

describe('loadMovieLens', () => {
  it('reads ml-100k u.data from its directory, in file order, with titles and genres from u.item', async () => {
    const dir = dataset('ml-100k', {
      'u.data': '196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t5\t881251000\n',
      'u.item':
        `242|Kolya (1996)|24-Jan-1997||http://x|${flags(5)}\n` +
        `302|L.A. Confidential (1997)|01-Jan-1997||http://x|${flags(6, 10, 13, 16)}\n`,
    });
    const data = await loadMovieLens(dir);
    assert.equal(data.name, 'ml-100k');
    assert.equal(data.format, 'ml-100k');
    assert.deepEqual(data.userIds, ['196', '186']);
    assert.deepEqual(data.itemIds, ['242', '302']);
    assert.deepEqual(Array.from(data.users), [0, 1, 0]);
    assert.deepEqual(Array.from(data.items), [0, 1, 1]);
    assert.deepEqual(Array.from(data.ratings), [3, 3, 5]);
    assert.equal(data.timestamps[0], 881250949_000);
    assert.deepEqual(data.catalog?.[1], {
      itemId: '302',
      title: 'L.A. Confidential (1997)',
      genres: ['Crime', 'Film-Noir', 'Mystery', 'Thriller'],
      year: 1997,
    });
  });

  it('reads ml-1m ratings.dat given the file itself, and Latin-1 titles from movies.dat', async () => {
    const dir = dataset('ml-1m', {
      'ratings.dat': '1::1193::5::978300760\r\n1::661::3::978302109\r\n',
      'movies.dat': Buffer.from('1193::Cité des enfants perdus, La (1995)::Adventure|Sci-Fi\n', 'latin1'),
    });
    const data = await loadMovieLens(path.join(dir, 'ratings.dat'));
    assert.equal(data.format, 'ml-1m');
    assert.equal(data.users.length, 2);
    assert.deepEqual(data.catalog, [
      {
        itemId: '1193',
        title: 'Cité des enfants perdus, La (1995)',
        genres: ['Adventure', 'Sci-Fi'],
        year: 1995,
      },
    ]);
  });

  it('reads ml-latest ratings.csv with half-star ratings and quoted titles from movies.csv', async () => {
    const dir = dataset('ml-latest-small', {
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,11,4.5,964982703\n2,11,0.5,964982224\n',
      'movies.csv':
        'movieId,title,genres\n11,"American President, The (1995)",Comedy|Drama|Romance\n' +
        '12,Untitled,(no genres listed)\n',
    });
    const data = await loadMovieLens(dir);
    assert.equal(data.name, 'ml-latest-small');
    assert.equal(data.format, 'ml-latest');
    assert.deepEqual(Array.from(data.ratings), [4.5, 0.5]);
    assert.equal(data.catalog?.[0]?.title, 'American President, The (1995)');
    assert.deepEqual(data.catalog?.[1], { itemId: '12', title: 'Untitled', genres: [] });
  });

  it('tells the format from the content, whatever the file is called', async () => {
    const dir = dataset('renamed', { 'export.txt': '5::10::4::978300760\n' });
    assert.equal((await detectMovieLens(path.join(dir, 'export.txt'))).format, 'ml-1m');
  });

  it('skips the catalog when asked to', async () => {
    const dir = dataset('no-catalog', { 'u.data': '1\t2\t3\t4\n', 'u.item': 'garbage\n' });
    assert.equal((await loadMovieLens(dir, { catalog: false })).catalog, undefined);
  });
});

describe('loadMovieLens errors', () => {
  const rejects = (promise: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(promise, (error: Error) => {
      assert.match(error.message, pattern);
      return true;
    });

  it('an empty file is a ValidationError that says so', async () => {
    const file = path.join(dataset('empty', { 'u.data': '\n\n' }), 'u.data');
    await assert.rejects(loadMovieLens(file), ValidationError);
    await rejects(loadMovieLens(file), new RegExp(`${escape(file)}: the file is empty; expected u.data`));
  });

  it('a corrupt line names file:line and what is wrong', async () => {
    const dir = dataset('corrupt', { 'u.data': '1\t2\t3\t881250949\n1\t3\tfive\t881250949\n' });
    await rejects(
      loadMovieLens(dir),
      new RegExp(`${escape(path.join(dir, 'u.data'))}:2: rating "five" is not a number between 0.5 and 5`),
    );
    const short = dataset('short', { 'ratings.dat': '1::2::3::4\n1::2::3\n' });
    await rejects(
      loadMovieLens(short),
      /ratings\.dat:2: expected 4 fields \(user::item::rating::timestamp\), found 3/,
    );
    const badId = dataset('bad-id', { 'ratings.csv': 'userId,movieId,rating,timestamp\nu1,2,3,4\n' });
    await rejects(loadMovieLens(badId), /ratings\.csv:2: user id "u1" is not a positive integer/);
  });

  it('an unknown format names the file and what was expected', async () => {
    const file = path.join(dataset('unknown', { 'data.json': '{"user": 1}\n' }), 'data.json');
    await rejects(
      loadMovieLens(file),
      /data\.json:1: not a MovieLens ratings file; expected u\.data \(ml-100k: tab-separated/,
    );
  });

  it('a CSV without ratings or with another header is rejected', async () => {
    const headerOnly = dataset('header-only', { 'ratings.csv': 'userId,movieId,rating,timestamp\n' });
    await rejects(loadMovieLens(headerOnly), /ratings\.csv: holds no ratings/);
    const otherHeader = dataset('other-header', { 'ratings.csv': 'user,item,rating,timestamp\n1,2,3,4\n' });
    await rejects(loadMovieLens(otherHeader), /ratings\.csv:1: not a MovieLens ratings file/);
  });

  it('a missing path or a directory without ratings says where it looked', async () => {
    await rejects(loadMovieLens(path.join(root, 'nowhere')), /no MovieLens data at .*nowhere/);
    const dir = dataset('no-ratings', { README: 'hello' });
    await rejects(
      loadMovieLens(dir),
      /holds no MovieLens ratings: expected u\.data .*ratings\.dat .*ratings\.csv/,
    );
  });

  it('a corrupt title line names movies.dat and the line', async () => {
    const dir = dataset('bad-titles', { 'ratings.dat': '1::2::3::4\n', 'movies.dat': '2::Only a title\n' });
    await rejects(loadMovieLens(dir), /movies\.dat:1: expected 3 fields \(id, title, genres\), found 2/);
  });
});

describe('syntheticRatings', () => {
  const options = {
    seed: 7,
    items: 50,
    members: 20,
    playsPerMember: 15,
    days: 30,
    now: new Date('2026-11-22'),
  };

  it('turns plays into one row per (member, title), rating = number of plays', () => {
    const generated = generateDataset(options);
    const data = syntheticRatings(generated);
    assert.equal(data.name, 'synthetic(seed=7)');
    assert.equal(data.format, 'synthetic');
    const pairs = new Set(generated.plays.map((p) => `${p.userId}/${p.itemId}`));
    assert.equal(data.users.length, pairs.size);
    const total = data.ratings.reduce((sum, r) => sum + r, 0);
    assert.equal(total, generated.plays.length);
    assert.equal(data.catalog?.length, 50);
  });

  it('generates from options too, identically for a seed', () => {
    assert.deepEqual(syntheticRatings(options).items, syntheticRatings(generateDataset(options)).items);
  });
});

describe('loadMovieLens on the real ml-100k', () => {
  it(
    'reads 100,000 ratings of 943 members on 1,682 titles',
    { skip: existsSync(ML100K) ? false : `ml-100k not found at ${ML100K} (set MARQUEE_ML100K)` },
    async () => {
      const data = await loadMovieLens(ML100K);
      assert.equal(data.users.length, 100_000);
      assert.equal(data.userIds.length, 943);
      assert.equal(data.itemIds.length, 1682);
      assert.equal(data.catalog?.length, 1682);
      assert.deepEqual(data.catalog?.[0], {
        itemId: '1',
        title: 'Toy Story (1995)',
        genres: ['Animation', "Children's", 'Comedy'],
        year: 1995,
      });
    },
  );
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
