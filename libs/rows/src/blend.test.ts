import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogItem } from '@marquee/domain';
import { blendRows } from './blend';

const titles = new Map<string, CatalogItem>(
  ['a', 'b', 'c', 'd'].map((id) => [id, { itemId: id, title: `Title ${id.toUpperCase()}`, genres: [] }]),
);
const entry = (itemId: string, updatedAt: string) => ({
  itemId,
  positionMs: 30,
  durationMs: 100,
  device: 'tv',
  updatedAt,
});

describe('blendRows', () => {
  it('puts Continue watching first and removes anything the member played from Popular', () => {
    const rows = blendRows({
      continueWatching: [entry('b', '2026-11-22T10:00:00Z')],
      recentPlays: [
        { itemId: 'a', device: 'tv', playedAt: '2026-11-21T10:00:00Z', positionMs: 100, durationMs: 100 },
      ],
      popular: {
        list: { itemIds: ['a', 'b', 'c', 'd'], scores: [4, 3, 2, 1] },
        version: 'v1',
        source: 'memcached',
      },
      titles,
      itemsPerRow: 10,
    });
    assert.deepEqual(
      rows.map((row) => row.id),
      ['continue-watching', 'popular'],
    );
    assert.deepEqual(rows[0]?.items, [{ itemId: 'b', title: 'Title B', score: 0.3 }]);
    assert.deepEqual(
      rows[1]?.items.map((i) => i.itemId),
      ['c', 'd'],
    );
    assert.equal(rows[1]?.version, 'v1');
  });

  it('honours itemsPerRow and leaves out empty Continue watching', () => {
    const rows = blendRows({
      continueWatching: [],
      recentPlays: [],
      popular: { list: { itemIds: ['a', 'b', 'c'], scores: [3, 2, 1] }, version: 'v1', source: 'cassandra' },
      titles,
      itemsPerRow: 2,
    });
    assert.deepEqual(
      rows.map((row) => [row.id, row.items.length]),
      [['popular', 2]],
    );
  });

  it('serves a page without Popular before any version is published', () => {
    const rows = blendRows({
      continueWatching: [entry('a', 'x')],
      recentPlays: [],
      popular: null,
      titles,
      itemsPerRow: 5,
    });
    assert.deepEqual(
      rows.map((row) => row.id),
      ['continue-watching'],
    );
  });
});
