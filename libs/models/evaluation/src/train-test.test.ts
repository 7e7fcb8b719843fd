import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildMatrix } from '@marquee/algorithms';
import { RatingsBuilder } from './ratings';
import { syntheticRatings } from '@marquee/synthetic';
import { stratifiedSplit } from './split';
import { trainTestMatrices } from './train-test';

/** ann and bob rate a, b, c; carl rates only d, which lands in test with nobody else rating it. */
function tiny() {
  const builder = new RatingsBuilder();
  const rows: Array<[string, string, number]> = [
    ['ann', 'a', 5],
    ['ann', 'b', 4],
    ['bob', 'a', 3],
    ['bob', 'c', 2],
    ['ann', 'c', 1],
    ['bob', 'b', 1],
  ];
  rows.forEach(([user, item, rating], i) => builder.add(user, item, rating, i * 1000));
  builder.add('carl', 'd', 4, 9000);
  return builder.build({ name: 'tiny', format: 'synthetic' });
}

describe('trainTestMatrices', () => {
  it('builds the training matrix buildMatrix would build from the training rows', () => {
    const data = syntheticRatings({
      seed: 3,
      items: 60,
      members: 40,
      playsPerMember: 12,
      days: 20,
      now: new Date('2026-11-22'),
    });
    const split = stratifiedSplit(data);
    const { train } = trainTestMatrices(data, split);
    const expected = buildMatrix(
      Array.from(split.train, (row) => ({
        userId: data.userIds[data.users[row] as number] as string,
        itemId: data.itemIds[data.items[row] as number] as string,
        value: data.ratings[row] as number,
        at: data.timestamps[row] as number,
      })),
    );
    assert.deepEqual(train, expected);
  });

  it('puts test ratings in the training index spaces and lists the members to recommend for', () => {
    const data = tiny();
    // rows 4 (ann, c) and 5 (bob, b) and 6 (carl, d) in test
    const result = trainTestMatrices(data, {
      train: Int32Array.of(0, 1, 2, 3),
      test: Int32Array.of(4, 5, 6),
    });
    assert.deepEqual(result.train.userIds, ['ann', 'bob']);
    assert.deepEqual(result.train.itemIds, ['a', 'b', 'c']);
    assert.deepEqual(Array.from(result.testMembers), [0, 1]);
    assert.deepEqual(Array.from(result.test.indices), [2, 1]);
    assert.deepEqual(result.truth[0], new Set([2]));
    assert.deepEqual(result.truth[1], new Set([1]));
    // carl is only in the test: in the truth after the training members, never recommended for
    assert.deepEqual(result.truth[2], new Set([3]));
  });

  it('keeps test titles unseen in training as relevant but unreachable, or drops them', () => {
    const data = tiny();
    const split = { train: Int32Array.of(0, 2, 3, 6), test: Int32Array.of(1, 4, 5) };
    // 'b' is rated only in test; 'c' is in training (bob)
    const kept = trainTestMatrices(data, split);
    assert.deepEqual(kept.train.itemIds, ['a', 'c', 'd']);
    assert.deepEqual(kept.truth[0], new Set([3, 1]), "ann's b gets index numItems; c keeps 1");
    assert.deepEqual(kept.truth[1], new Set([3]), "bob's b is the same unseen title");
    const dropped = trainTestMatrices(data, split, { unseenTestItems: 'drop' });
    assert.deepEqual(dropped.truth[0], new Set([1]));
    assert.equal(dropped.truth[1], undefined);
    assert.deepEqual(Array.from(dropped.testMembers), [0]);
  });

  it('holds 1 per rating with values: binary', () => {
    const { train } = trainTestMatrices(
      tiny(),
      { train: Int32Array.of(0, 1, 2), test: new Int32Array(0) },
      {
        values: 'binary',
      },
    );
    assert.deepEqual(Array.from(train.values), [1, 1, 1]);
  });
});
