import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodePlay } from '@marquee/domain';
import { generateDataset } from './generator';

const options = {
  seed: 11,
  items: 500,
  members: 300,
  playsPerMember: 20,
  days: 28,
  now: new Date('2026-11-22T00:00:00Z'),
};

describe('synthetic generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    assert.deepEqual(generateDataset(options), generateDataset(options));
    assert.notDeepEqual(
      generateDataset(options).plays.slice(0, 20),
      generateDataset({ ...options, seed: 12 }).plays.slice(0, 20),
    );
  });

  it('produces valid plays with unique event ids, all before `now`', () => {
    const { plays } = generateDataset(options);
    assert.equal(new Set(plays.map((p) => p.eventId)).size, plays.length);
    for (const play of plays) {
      const decoded = decodePlay(Buffer.from(JSON.stringify(play)));
      assert.ok(decoded.ok, !decoded.ok ? decoded.reason : '');
      assert.ok(Date.parse(play.timestamp) < options.now.getTime());
    }
  });

  it('has a long tail: the top 10% of titles get most plays, and many titles are rarely played', () => {
    const { plays } = generateDataset(options);
    const counts = new Map<string, number>();
    for (const play of plays) counts.set(play.itemId, (counts.get(play.itemId) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const head = sorted.slice(0, options.items / 10).reduce((a, b) => a + b, 0);
    assert.ok(head / plays.length > 0.5, `head share ${head / plays.length}`);
    assert.ok(options.items - counts.size + sorted.filter((c) => c <= 2).length > options.items / 4);
  });

  it('members lean to their genres and devices', () => {
    const data = generateDataset(options);
    const genresOf = new Map(data.catalog.map((item) => [item.itemId, item.genres]));
    let inTaste = 0;
    let expectedByChance = 0;
    let onFavourite = 0;
    const byId = new Map(data.members.map((m) => [m.memberId, m]));
    const tasteShare = new Map(
      data.members.map((m) => [
        m.memberId,
        data.catalog.filter((item) => item.genres.some((g) => m.genres.includes(g))).length /
          data.catalog.length,
      ]),
    );
    for (const play of data.plays) {
      const member = byId.get(play.userId);
      assert.ok(member);
      if ((genresOf.get(play.itemId) ?? []).some((g) => member.genres.includes(g))) inTaste += 1;
      expectedByChance += tasteShare.get(member.memberId) ?? 0;
      if (play.device === member.device) onFavourite += 1;
    }
    // Titles of a member's genres are played well over twice as often as chance would have it.
    assert.ok(
      inTaste > 2 * expectedByChance,
      `in taste ${inTaste}, by chance ${expectedByChance.toFixed(0)}`,
    );
    assert.ok(
      onFavourite / data.plays.length > 0.65,
      `favourite device share ${onFavourite / data.plays.length}`,
    );
  });
});
