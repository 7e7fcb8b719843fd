import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { catalogItemSchema, isAvailable, type StoredCatalogItem } from './catalog';
import { ValidationError, parseOrThrow } from './validation';

const title = {
  itemId: 'tt-1',
  title: 'The Long Night',
  genres: ['Drama'],
  year: 2024,
  maturityRating: 'PG-13',
  availability: { regions: ['US', 'DE'], start: '2026-01-01', end: '2027-01-01T00:00:00Z' },
  artworkUrl: 'https://img.example.com/tt-1.jpg',
};

const issuesOf = (value: unknown): string[] => {
  try {
    parseOrThrow(catalogItemSchema, value, 'title');
    return [];
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.issues;
  }
};

describe('catalog title validation', () => {
  it('accepts a full title and a minimal one', () => {
    assert.deepEqual(issuesOf(title), []);
    assert.deepEqual(issuesOf({ itemId: 'a', title: 'A', genres: [] }), []);
  });

  it('names each bad field', () => {
    const issues = issuesOf({
      ...title,
      maturityRating: 'X',
      availability: { regions: ['usa'], start: '2026-13-45' },
      artworkUrl: 'ftp://x',
    });
    assert.ok(issues.some((i) => i.startsWith('maturityRating: must be one of G, PG')));
    assert.ok(issues.some((i) => i.startsWith('availability.regions[0]: must be an ISO 3166-1')));
    assert.ok(issues.some((i) => i.startsWith('availability.start: ')));
    assert.ok(issues.some((i) => i.startsWith('artworkUrl: ')));
  });

  it('refuses an end before the start, naming the end', () => {
    const issues = issuesOf({ ...title, availability: { start: '2026-05-01', end: '2026-04-01' } });
    assert.deepEqual(issues, ['availability.end: must be after start']);
  });

  it('names a missing title', () => {
    const { title: _omit, ...untitled } = title;
    assert.ok(issuesOf(untitled).some((i) => i.startsWith('title: ')));
  });
});

describe('isAvailable', () => {
  const item = catalogItemSchema.parse(title) as StoredCatalogItem;

  it('is available inside its window, in its regions, and anywhere when no region is asked', () => {
    const at = Date.parse('2026-06-01T00:00:00Z');
    assert.equal(isAvailable(item, at), true);
    assert.equal(isAvailable(item, new Date(at), 'DE'), true);
    assert.equal(isAvailable(item, at, 'de'), true);
    assert.equal(isAvailable(item, at, 'FR'), false);
  });

  it('is not available before the start or from the end on', () => {
    assert.equal(isAvailable(item, Date.parse('2025-12-31T23:59:59Z')), false);
    assert.equal(isAvailable(item, Date.parse('2027-01-01T00:00:00Z')), false);
  });

  it('a title without availability is always available; a removed one never', () => {
    assert.equal(isAvailable({}, 0, 'US'), true);
    assert.equal(isAvailable({ removedAt: '2026-01-01T00:00:00Z' }, Date.now()), false);
  });
});
