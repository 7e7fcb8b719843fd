import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  getAlgorithm,
  searchSpaces,
  type ParamRange,
  pointParams,
  searchSpaceOf,
  type SearchSpace,
} from '@marquee/algorithms';
import { syntheticRatings } from '@marquee/synthetic';
import { evaluationProtocolSchema } from './evaluate';
import { stratifiedSplit } from './split';
import {
  atFraction,
  defaultParams,
  haltonPoints,
  planTrials,
  plannedTrials,
  successiveHalving,
  tuneAndEvaluate,
  validationSplit,
} from './tune';

const small = syntheticRatings({
  seed: 11,
  items: 80,
  members: 60,
  playsPerMember: 20,
  days: 30,
  now: new Date('2026-11-22'),
});

describe('search spaces', () => {
  it('map every point of the unit cube to params each schema accepts', () => {
    for (const name of ['als', 'ease', 'item-knn', 'bpr', 'popularity']) {
      const space = searchSpaceOf(name) as SearchSpace;
      assert.ok(space, `${name} has a space`);
      for (const point of haltonPoints(30, Object.keys(space.ranges).length, 1)) {
        const params = pointParams(space, point);
        assert.doesNotThrow(() => assertParses(name, params), `${name} ${JSON.stringify(params)}`);
      }
      const corners = [0, 0.999999].map((u) =>
        pointParams(
          space,
          Object.keys(space.ranges).map(() => u),
        ),
      );
      for (const [key, range] of Object.entries(space.ranges)) {
        if (range.kind === 'choice') continue;
        assert.equal(corners[0]?.[key], range.min, `${name}.${key} reaches its min`);
        assert.ok(
          Math.abs((corners[1]?.[key] as number) - range.max) / range.max < 0.01,
          `${name}.${key} reaches its max`,
        );
      }
    }
    assert.ok(Object.keys(searchSpaces).length >= 5);
  });
});

function assertParses(name: string, params: Record<string, unknown>): void {
  getAlgorithm(name).params.parse(params);
}

describe('haltonPoints', () => {
  it('are in [0, 1), repeat by seed, differ across seeds and cover each axis evenly', () => {
    const a = haltonPoints(64, 3, 7);
    assert.deepEqual(a, haltonPoints(64, 3, 7));
    assert.notDeepEqual(a, haltonPoints(64, 3, 8));
    for (const p of a) for (const x of p) assert.ok(x >= 0 && x < 1);
    // Base 2 over 64 points: exactly 8 points in every eighth of the first axis.
    const bins = new Array(8).fill(0);
    for (const p of a) bins[Math.floor((p[0] as number) * 8)]++;
    assert.deepEqual(bins, new Array(8).fill(8));
  });
});

describe('successiveHalving', () => {
  const space: SearchSpace = {
    ranges: { x: { kind: 'log', min: 0.01, max: 100 }, iterations: { kind: 'int', min: 9, max: 27 } },
    budget: 'iterations',
  };
  it('trains every trial at 1/9, the best third at 1/3 and the best ninth fully, and keeps the best', async () => {
    const seen: Array<Record<string, unknown>> = [];
    // Best near x = 1, and more iterations help a little.
    const score = async (p: Record<string, unknown>) => {
      seen.push(p);
      return -Math.abs(Math.log(p['x'] as number)) + (p['iterations'] as number) / 1000;
    };
    const result = await successiveHalving(space, { trials: 18, seed: 3, rungs: 3 }, score);
    assert.deepEqual(
      result.trials.map((t) => t.fraction),
      [...new Array(18).fill(1 / 9), ...new Array(6).fill(1 / 3), ...new Array(2).fill(1)],
    );
    assert.equal(result.trials.length, plannedTrials(space, { trials: 18, rungs: 3 }));
    const plans = planTrials(space, 18, 3);
    const bestX = Math.min(...plans.map((p) => Math.abs(Math.log(p['x'] as number))));
    assert.equal(Math.abs(Math.log(result.best.params['x'] as number)), bestX);
    assert.equal(result.best.fraction, 1);
    // Early rungs train with a fraction of the iterations.
    assert.ok((seen[0]?.['iterations'] as number) <= 3);
    assert.deepEqual(
      result.trials.map((t) => [t.params, t.value]),
      (await successiveHalving(space, { trials: 18, seed: 3, rungs: 3 }, score)).trials.map((t) => [
        t.params,
        t.value,
      ]),
    );
  });
  it('trains every trial once, fully, when the space has no budget param', async () => {
    const result = await successiveHalving(
      { ranges: { x: space.ranges['x'] as ParamRange } },
      { trials: 5 },
      async () => 1,
    );
    assert.deepEqual(
      result.trials.map((t) => t.fraction),
      [1, 1, 1, 1, 1],
    );
  });
  it('carries the baseline to the full budget and never ends below it on validation', async () => {
    // A slow starter: the baseline scores worst on short budgets and best fully trained, as BPR at
    // its defaults does against fast learners that plateau low.
    const baseline = { x: 1, iterations: 27 };
    const score = async (p: Record<string, unknown>) =>
      p['x'] === 1 ? ((p['iterations'] as number) >= 27 ? 10 : -10) : -Math.abs(Math.log(p['x'] as number));
    const options = { trials: 18, seed: 3, rungs: 3, baseline };
    const result = await successiveHalving(space, options, score);
    assert.equal(result.trials.length, plannedTrials(space, options));
    assert.deepEqual(result.trials[0]?.params, baseline);
    assert.equal(result.trials[0]?.baseline, true);
    const baselineRuns = result.trials.filter((t) => t.baseline).map((t) => [t.fraction, t.value]);
    assert.deepEqual(baselineRuns, [
      [1 / 9, -10],
      [1 / 3, -10],
      [1, 10],
    ]);
    assert.deepEqual(result.best.params, baseline);
    assert.equal(result.best.fraction, 1);
  });
  it('keeps a drawn trial over the baseline when it scores higher fully trained', async () => {
    const baseline = { x: 50, iterations: 27 };
    const score = async (p: Record<string, unknown>) => -Math.abs(Math.log(p['x'] as number));
    const result = await successiveHalving(space, { trials: 9, seed: 3, baseline }, score);
    const last = result.trials.filter((t) => t.fraction === 1);
    assert.ok(
      last.some((t) => t.baseline),
      'the baseline reaches the last rung',
    );
    assert.equal(result.trials.filter((t) => t.fraction < 1).length, 9);
    assert.ok(!result.best.baseline && result.best.value > -Math.log(50));
  });
  it('trains the baseline once, first, without a budget param', async () => {
    const baseline = { x: 3 };
    const result = await successiveHalving(
      { ranges: { x: space.ranges['x'] as ParamRange } },
      { trials: 4, baseline },
      async (p) => (p === baseline ? 1 : 0),
    );
    assert.equal(result.trials.length, 4);
    assert.deepEqual(
      result.trials.map((t) => t.baseline ?? false),
      [true, false, false, false],
    );
    assert.equal(result.best.params, baseline);
  });
  it('cuts only the budget param, never below 1', () => {
    assert.deepEqual(atFraction({ iterations: 30, x: 2 }, 'iterations', 1 / 9), { iterations: 3, x: 2 });
    assert.deepEqual(atFraction({ iterations: 2 }, 'iterations', 1 / 9), { iterations: 1 });
    assert.deepEqual(atFraction({ iterations: 2 }, undefined, 1 / 9), { iterations: 2 });
  });
});

describe('defaultParams', () => {
  it("are the schema's defaults for the space's keys, under the fixed params", () => {
    const space = searchSpaceOf('bpr') as SearchSpace;
    assert.deepEqual(defaultParams(getAlgorithm('bpr'), space), {
      factors: 200,
      learningRate: 0.01,
      regularization: 0.01,
      epochs: 300,
    });
    assert.equal(defaultParams(getAlgorithm('bpr'), space, { epochs: 50 })?.['epochs'], 50);
    assert.equal(defaultParams(getAlgorithm('bpr'), space, { epochs: -1 }), undefined);
  });
});

describe('validationSplit', () => {
  it('holds only training rows of the outer split', () => {
    const protocol = evaluationProtocolSchema.parse({});
    const split = stratifiedSplit(small, protocol);
    const validation = validationSplit(small, split, protocol);
    const trainPairs = new Set([...split.train].map((r) => `${small.users[r]}:${small.items[r]}`));
    const testOnly = [...split.test]
      .map((r) => `${small.users[r]}:${small.items[r]}`)
      .filter((pair) => !trainPairs.has(pair));
    const { train } = validation;
    const seenPairs = new Set<string>();
    for (let u = 0; u < train.numUsers; u++)
      for (let p = train.indptr[u] as number; p < (train.indptr[u + 1] as number); p++)
        seenPairs.add(
          `${small.userIds.indexOf(train.userIds[u] as string)}:${small.itemIds.indexOf(train.itemIds[train.indices[p] as number] as string)}`,
        );
    for (const pair of testOnly)
      assert.ok(!seenPairs.has(pair), `test pair ${pair} not in validation training`);
    const rows = train.indices.length + [...validation.truth].reduce((n, s) => n + (s?.size ?? 0), 0);
    assert.ok(rows <= split.train.length && rows > split.train.length * 0.9);
  });
});

describe('tuneAndEvaluate', () => {
  it('reports every algorithm with its chosen params, test metrics and search, the same for the same seed', async () => {
    const run = () =>
      tuneAndEvaluate({
        dataset: small,
        algorithms: [
          { name: 'ease' },
          { name: 'popularity' },
          { name: 'item-knn', params: { binarize: true } },
        ],
        trials: 4,
      });
    const report = await run();
    assert.deepEqual(
      report.results.map((r) => r.algorithm),
      ['ease', 'popularity', 'item-knn'],
    );
    for (const r of report.results) {
      assert.equal(r.tuning.metric, 'ndcg');
      assert.equal(r.tuning.trials, 4);
      assert.ok(r.ndcg >= 0 && r.ndcg <= 1 && r.tuning.validation >= 0);
      // The defaults are one of the trials, so the search never ends below them on validation.
      assert.ok(r.tuning.baseline !== undefined && r.tuning.validation >= r.tuning.baseline);
    }
    assert.equal((report.results[2]?.params as { binarize: boolean }).binarize, true);
    const again = await run();
    assert.deepEqual(
      again.results.map((r) => [r.params, r.ndcg, r.tuning.validation]),
      report.results.map((r) => [r.params, r.ndcg, r.tuning.validation]),
    );
  });
});
