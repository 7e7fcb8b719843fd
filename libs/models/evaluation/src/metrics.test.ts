import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  mapAtK,
  meanAveragePrecision,
  ndcgAtK,
  precisionAtK,
  rankingMetrics,
  recallAtK,
  rmse,
} from './metrics';

// Member 0 has 4 relevant titles and hits at ranks 1 and 3; member 1 has 2 and hits at rank 3 (its
// 4th title is past k); member 2 is in the truth without predictions; member 3 is only predicted.
// Recommenders 1.2.1 gives, on the same frames: precision 0.5, recall 0.5, ndcg 0.33683056180562126,
// map 0.29166666666666663, map_at_k 0.36111111111111105.
const truth = [new Set([1, 2, 3, 10]), new Set([4, 5]), new Set([6])];
const predicted = [Int32Array.of(1, 7, 3), [8, 9, 5, 4], undefined, [1, 2, 3]];
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} is not ${expected}`);

describe('ranking metrics (Recommenders definitions, binary relevance)', () => {
  it('precision@k divides hits by k and averages over members in both truth and predictions', () => {
    close(precisionAtK(predicted, truth, 3), (2 / 3 + 1 / 3) / 2);
  });

  it('recall@k divides hits by the member’s relevant titles', () => {
    close(recallAtK(predicted, truth, 3), (2 / 4 + 1 / 2) / 2);
  });

  it('MAP divides the precisions at each hit by all relevant titles; MAP@k by min(relevant, k)', () => {
    close(meanAveragePrecision(predicted, truth, 3), (5 / 3 / 4 + 1 / 3 / 2) / 2);
    close(mapAtK(predicted, truth, 3), (5 / 3 / 3 + 1 / 3 / 2) / 2);
  });

  it('nDCG averages over every member in the truth, counting one without predictions as 0', () => {
    const dcg = (ranks: number[]) => ranks.reduce((sum, r) => sum + 1 / Math.log2(1 + r), 0);
    const expected = (dcg([1, 3]) / dcg([1, 2, 3]) + dcg([3]) / dcg([1, 2]) + 0) / 3;
    close(ndcgAtK(predicted, truth, 3), expected);
    close(expected, 0.33683056180562126);
  });

  it('reports how many members each average ran over', () => {
    const metrics = rankingMetrics(predicted, truth, 3);
    assert.equal(metrics.members, 2);
    assert.equal(metrics.truthMembers, 3);
  });

  it('accepts maps keyed by member id as well as arrays indexed by member', () => {
    const byId = new Map([
      ['ann', Int32Array.of(1, 7, 3)],
      ['bob', Int32Array.of(8, 9, 5)],
    ]);
    const truthById = new Map([
      ['ann', truth[0] as Set<number>],
      ['bob', truth[1] as Set<number>],
    ]);
    close(precisionAtK(byId, truthById, 3), 0.5);
  });

  it('ignores -1 padding: a member with fewer than k titles still divides precision by k', () => {
    const metrics = rankingMetrics([Int32Array.of(4, -1, -1)], [new Set([4])], 3);
    close(metrics.precision, 1 / 3);
    close(metrics.recall, 1);
    close(metrics.ndcg, 1);
  });

  it('a member whose list is all padding counts as not predicted', () => {
    const metrics = rankingMetrics(
      [Int32Array.of(4, 2), Int32Array.of(-1, -1)],
      [new Set([4]), new Set([9])],
      2,
    );
    assert.equal(metrics.members, 1);
    close(metrics.precision, 1 / 2);
  });

  it('scores 0 everywhere when nothing was hit', () => {
    assert.deepEqual(rankingMetrics([[99]], truth, 3), {
      precision: 0,
      recall: 0,
      ndcg: 0,
      map: 0,
      mapAtK: 0,
      members: 1,
      truthMembers: 3,
    });
  });

  it('rejects a k that is not a positive integer', () => {
    assert.throws(() => precisionAtK(predicted, truth, 0), /k must be a positive integer, got 0/);
  });
});

describe('rmse', () => {
  it('joins truth and predictions on (member, item) and ignores pairs only one side has', () => {
    const value = rmse(
      [
        { member: 0, item: 1, rating: 4 },
        { member: 0, item: 2, rating: 3 },
        { member: 1, item: 4, rating: 5 },
        { member: 5, item: 5, rating: 1 },
      ],
      [
        { member: 0, item: 1, rating: 3.5 },
        { member: 0, item: 2, rating: 3 },
        { member: 1, item: 4, rating: 3 },
        { member: 2, item: 9, rating: 1 },
      ],
    );
    close(value, 1.1902380714238083); // Recommenders' rmse on the same frames
  });

  it('refuses to score when no pair is in both', () => {
    assert.throws(
      () => rmse([{ member: 'a', item: 'x', rating: 1 }], [{ member: 'a', item: 'y', rating: 1 }]),
      /no \(member, item\) pair is in both/,
    );
  });
});
