import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  algorithmNames,
  popularity,
  registerAlgorithm,
  type Algorithm,
  type TrainedModel,
} from '@marquee/algorithms';
import { ValidationError } from '@marquee/domain';
import { evaluateAlgorithms, RECOMMEND_BATCH } from './evaluate';
import { loadMovieLens } from './loaders';
import { syntheticRatings } from '@marquee/synthetic';
import { stratifiedSplit } from './split';
import { trainTestMatrices } from './train-test';
import fixture from './fixtures/stratified-split.json';

const ML100K = process.env['MARQUEE_ML100K'] ?? '/work/shared/data/ml-100k';
const small = syntheticRatings({
  seed: 11,
  items: 80,
  members: 60,
  playsPerMember: 20,
  days: 30,
  now: new Date('2026-11-22'),
});

describe('evaluateAlgorithms', () => {
  it(
    'scores popularity on ml-100k exactly as Recommenders scores the same lists',
    { skip: existsSync(ML100K) ? false : `ml-100k not found at ${ML100K} (set MARQUEE_ML100K)` },
    async (t) => {
      const dataset = await loadMovieLens(ML100K, { catalog: false });
      for (const expected of fixture.ml100kPopularity) {
        const report = await evaluateAlgorithms({
          dataset,
          algorithms: [{ name: 'popularity' }],
          k: expected.k,
          protocol: { unseenTestItems: expected.unseenTestItems as 'keep' | 'drop' },
        });
        const [result] = report.results;
        assert.ok(result);
        t.diagnostic(`${expected.unseenTestItems}: ${JSON.stringify(result)}`);
        // Recommenders' figures come from make_split_fixture.py (its split, its metric functions).
        for (const metric of ['precision', 'recall', 'ndcg', 'map'] as const)
          assert.ok(
            Math.abs(result[metric] - expected[metric]) < 1e-12,
            `${metric} ${result[metric]} differs from Recommenders' ${expected[metric]}`,
          );
        // Recommenders' published ml-100k anchors on this protocol: SAR nDCG@10 0.382, BPR 0.442.
        assert.ok(result.ndcg < 0.3, 'popularity ranks far below the personalized baselines');
      }
    },
  );

  it('reports the dataset, the protocol with its defaults, k and one result per algorithm', async () => {
    const report = await evaluateAlgorithms({
      dataset: small,
      algorithms: [{ name: 'popularity' }, { name: 'popularity', params: { halfLifeDays: 7 } }],
      k: 5,
    });
    assert.deepEqual(report.dataset, {
      name: 'synthetic(seed=11)',
      format: 'synthetic',
      ratings: small.users.length,
      members: small.userIds.length,
      items: small.itemIds.length,
    });
    assert.deepEqual(report.protocol, {
      split: 'stratified',
      ratio: 0.75,
      filterBy: 'user',
      minRating: 1,
      seed: 42,
      unseenTestItems: 'keep',
      values: 'rating',
    });
    assert.equal(report.k, 5);
    assert.deepEqual(
      report.results.map((r) => [r.algorithm, r.params]),
      [
        ['popularity', { halfLifeDays: 0 }],
        ['popularity', { halfLifeDays: 7 }],
      ],
    );
    for (const result of report.results) {
      assert.deepEqual(Object.keys(result), [
        'algorithm',
        'params',
        'map',
        'ndcg',
        'precision',
        'recall',
        'trainSeconds',
      ]);
      for (const metric of [result.map, result.ndcg, result.precision, result.recall])
        assert.ok(metric > 0 && metric <= 1);
    }
  });

  it('names the known algorithms when asked for an unknown one, before training anything', async () => {
    await assert.rejects(
      evaluateAlgorithms({ dataset: small, algorithms: [{ name: 'popularity' }, { name: 'svd++' }] }),
      (error: Error) => {
        assert.ok(error instanceof ValidationError);
        assert.match(
          error.message,
          /algorithms\[1\]\.name: unknown algorithm 'svd\+\+'; known: .*popularity/,
        );
        return true;
      },
    );
  });

  it('validates params with the algorithm’s own schema, reporting bad ones in their row', async () => {
    const report = await evaluateAlgorithms({
      dataset: small,
      algorithms: [
        { name: 'popularity', params: { halfLifeDays: -1 } },
        { name: 'popularity', params: { decay: 1 } },
        { name: 'popularity' },
      ],
    });
    const [negative, unknown, fine] = report.results;
    assert.match(negative?.error ?? '', /invalid params of algorithm 'popularity': halfLifeDays: /);
    assert.ok(Number.isNaN(negative?.ndcg));
    assert.match(unknown?.error ?? '', /invalid params of algorithm 'popularity'/);
    assert.equal(fine?.error, undefined);
    assert.ok((fine?.ndcg ?? -1) >= 0);
  });

  it('reports an algorithm that fails in its row, with the reason, and still runs the others', async () => {
    const failures: string[] = [];
    const report = await evaluateAlgorithms({
      dataset: small,
      // EASE refuses a catalog larger than its maxItems.
      algorithms: [{ name: 'ease', params: { maxItems: 10 } }, { name: 'popularity' }],
      onFailure: (f) => failures.push(`${f.algorithm}: ${f.error}`),
    });
    assert.equal(failures.length, 1);
    assert.match(
      failures[0] as string,
      /^ease: EASE would invert a dense \d+ × \d+ item matrix .* maxItems is 10/,
    );
    assert.match(report.results[0]?.error ?? '', /maxItems is 10/);
    assert.ok(Number.isNaN(report.results[0]?.map));
    assert.equal(report.results[1]?.error, undefined);
    assert.ok((report.results[1]?.ndcg ?? -1) >= 0);
  });

  it('rejects a bad protocol or k', async () => {
    await assert.rejects(
      evaluateAlgorithms({ dataset: small, algorithms: [{ name: 'popularity' }], protocol: { ratio: 1.5 } }),
      /invalid evaluation protocol: ratio: /,
    );
    await assert.rejects(
      evaluateAlgorithms({ dataset: small, algorithms: [{ name: 'popularity' }], k: 0 }),
      /k: must be an integer between 1 and 10000/,
    );
    await assert.rejects(
      evaluateAlgorithms({ dataset: small, algorithms: [] }),
      /name at least one; known: /,
    );
  });

  it('asks for recommendations 1024 members at a time, for every test member, excluding training titles', async () => {
    const calls: number[] = [];
    let leaked = 0;
    const probe: Algorithm<Record<string, never>, TrainedModel> = {
      ...(popularity as unknown as Algorithm<Record<string, never>, TrainedModel>),
      name: 'eval-probe',
      description: 'popularity that records how evaluate() calls it',
      recommend(model, seen, users, k) {
        calls.push(users.length);
        const result = popularity.recommend(model as never, seen, users, k);
        users.forEach((u, r) => {
          const history = new Set(seen.indices.subarray(seen.indptr[u], seen.indptr[u + 1]));
          for (const item of result.items.subarray(r * k, (r + 1) * k)) if (history.has(item)) leaked++;
        });
        return result;
      },
    };
    registerAlgorithm(probe);
    const many = syntheticRatings({
      seed: 5,
      items: 200,
      members: 2500,
      playsPerMember: 8,
      days: 30,
      now: new Date('2026-11-22'),
    });
    await evaluateAlgorithms({ dataset: many, algorithms: [{ name: 'eval-probe' }] });
    assert.ok(calls.every((size) => size <= RECOMMEND_BATCH));
    assert.deepEqual(calls.slice(0, 2), [RECOMMEND_BATCH, RECOMMEND_BATCH]);
    const { testMembers } = trainTestMatrices(many, stratifiedSplit(many));
    assert.ok(testMembers.length > 2 * RECOMMEND_BATCH);
    assert.equal(
      calls.reduce((a, b) => a + b, 0),
      testMembers.length,
    );
    assert.equal(leaked, 0);
  });

  it('runs every registered algorithm with its default params', async (t) => {
    // One subtest per algorithm, so a failure names the algorithm that broke the contract.
    for (const name of algorithmNames()) {
      await t.test(name, async () => {
        const report = await evaluateAlgorithms({ dataset: small, algorithms: [{ name }], k: 10 });
        const [result] = report.results;
        assert.ok(result);
        for (const metric of [result.map, result.ndcg, result.precision, result.recall])
          assert.ok(metric >= 0 && metric <= 1, JSON.stringify(result));
      });
    }
  });
});
