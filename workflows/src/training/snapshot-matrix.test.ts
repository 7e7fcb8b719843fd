import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildMatrix, seededRandom } from '@marquee/algorithms';
import { SnapshotMatrixBuilder } from './snapshot-matrix';

describe('SnapshotMatrixBuilder', () => {
  it('builds the same matrix as buildMatrix: first-seen ids, repeated pairs summed, latest time kept', () => {
    const random = seededRandom(3);
    const plays = Array.from({ length: 100_000 }, () => ({
      userId: `m${Math.floor(random() * 700)}`,
      itemId: `t${Math.floor(random() ** 2 * 300)}`,
      at: Math.floor(random() * 1e9),
    }));
    const builder = new SnapshotMatrixBuilder();
    for (const p of plays) builder.add(p.userId, p.itemId, p.at);
    assert.equal(builder.plays, plays.length);
    assert.deepEqual(builder.build(), buildMatrix(plays));
  });

  it('builds an empty matrix from no plays', () => {
    const matrix = new SnapshotMatrixBuilder().build();
    assert.equal(matrix.numUsers, 0);
    assert.equal(matrix.indices.length, 0);
  });
});
