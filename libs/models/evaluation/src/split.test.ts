import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadMovieLens } from './loaders';
import { LegacyRandomState } from './mt19937';
import { roundHalfEven, stratifiedSplit, type StratifyBy } from './split';
import fixture from './fixtures/stratified-split.json';

const ML100K = process.env['MARQUEE_ML100K'] ?? '/work/shared/data/ml-100k';

/** The 200 rows make_split_fixture.py builds: uneven groups of 1 to 20 rows. */
function smallRows() {
  const users = new Int32Array(200);
  const items = new Int32Array(200);
  for (let i = 0; i < 200; i++) {
    users[i] = 1 + ((i * i) % 23);
    items[i] = 1 + ((i * 7 + Math.floor(i / 5)) % 31);
  }
  return { users, items };
}

describe('LegacyRandomState (numpy RandomState)', () => {
  it('draws what np.random.seed(s); np.random.rand() draws', () => {
    const rs42 = new LegacyRandomState(42);
    assert.deepEqual(
      [rs42.randomSample(), rs42.randomSample(), rs42.randomSample()],
      [0.3745401188473625, 0.9507143064099162, 0.7319939418114051],
    );
    assert.deepEqual(Array.from(new LegacyRandomState(0).rand(2)), [0.5488135039273248, 0.7151893663724195]);
    assert.equal(new LegacyRandomState(42).rand(1000)[999], 0.44600577295795574);
    assert.equal(new LegacyRandomState(4294967295).randomSample(), 0.0976320289940138);
  });

  it('is MT19937: seed 5489 starts 3499211612, 581869302', () => {
    const rs = new LegacyRandomState(5489);
    assert.deepEqual([rs.nextUint32(), rs.nextUint32()], [3499211612, 581869302]);
  });

  it('rejects seeds numpy rejects', () => {
    assert.throws(() => new LegacyRandomState(-1), /between 0 and 2\*\*32 - 1/);
    assert.throws(() => new LegacyRandomState(1.5), /between 0 and 2\*\*32 - 1/);
  });
});

describe('stratifiedSplit (Recommenders python_stratified_split)', () => {
  it('rounds the cut like numpy: halves go to the even neighbour', () => {
    assert.deepEqual([1.5, 4.5, 7.5, 2.25, 0.75, 3].map(roundHalfEven), [2, 4, 8, 2, 1, 3]);
  });

  for (const expected of fixture.small) {
    const { ratio, filterBy, minRating, seed } = expected;
    it(`puts the same rows in test as Recommenders (ratio=${ratio}, filter_by=${filterBy}, min_rating=${minRating}, seed=${seed})`, () => {
      const rows = smallRows();
      const split = stratifiedSplit(rows, { ratio, filterBy: filterBy as StratifyBy, minRating, seed });
      assert.deepEqual(Array.from(split.test), expected.test);
      const kept = minRating > 1 ? split.train.length + split.test.length : 200;
      assert.equal(split.train.length + split.test.length, kept);
      assert.equal(new Set([...split.train, ...split.test]).size, kept, 'train and test are disjoint');
    });
  }

  it('keeps every group in training when it has too few rows for a test share', () => {
    const split = stratifiedSplit({ users: [1, 2, 2, 3, 3, 3], items: [1, 2, 3, 4, 5, 6] });
    // counts 1, 2, 3 → round(0.75·n) = 1, 2, 2 training rows
    assert.equal(split.test.length, 1);
    assert.ok((split.test[0] as number) >= 3);
  });

  it('rejects options Recommenders rejects', () => {
    const rows = smallRows();
    assert.throws(() => stratifiedSplit(rows, { ratio: 1 }), /ratio must be between 0 and 1/);
    assert.throws(() => stratifiedSplit(rows, { minRating: 0 }), /minRating must be an integer >= 1/);
    assert.throws(
      () => stratifiedSplit(rows, { filterBy: 'title' as StratifyBy }),
      /filterBy must be 'user' or 'item'/,
    );
  });

  for (const expected of fixture.ml100k) {
    const { ratio, filterBy, minRating, seed } = expected;
    it(
      `splits ml-100k exactly as Recommenders (filter_by=${filterBy}, min_rating=${minRating})`,
      { skip: existsSync(ML100K) ? false : `ml-100k not found at ${ML100K} (set MARQUEE_ML100K)` },
      async () => {
        const dataset = await loadMovieLens(ML100K, { catalog: false });
        const split = stratifiedSplit(dataset, { ratio, filterBy: filterBy as StratifyBy, minRating, seed });
        assert.equal(split.train.length, expected.trainRows);
        assert.equal(split.test.length, expected.testRows);
        assert.deepEqual(Array.from(split.test.subarray(0, 10)), expected.testHead);
        const checksum = createHash('sha256').update(Array.from(split.test).join(',')).digest('hex');
        assert.equal(`sha256:${checksum}`, expected.testChecksum);
      },
    );
  }
});
