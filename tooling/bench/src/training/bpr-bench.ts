import { bpr, bprParams, type BprModel, type BprParams } from '@marquee/algorithms';
import {
  evaluationProtocolSchema,
  loadMovieLens,
  rankingMetrics,
  stratifiedSplit,
  trainTestMatrices,
} from '@marquee/evaluation';
import { ensureBaselineVenv, runPythonScript, ScratchDir, type Log } from './python-env';
import { CORNAC_BPR_SCRIPT } from './python-scripts';

export interface BprBenchOptions {
  /** A MovieLens directory or ratings file. */
  data: string;
  cacheDir: string;
  log: Log;
}

export interface BprBenchSide {
  ndcg: number;
  seconds: number;
  params: Record<string, unknown>;
}

export interface BprBenchResult {
  dataset: string;
  /** Recommenders' per-member stratified split, as `marquee eval` makes it. */
  split: { ratio: number; seed: number; filterBy: 'user' };
  /** ours.seconds / cornac.seconds (target ≤ 2). */
  ratio: number;
  ours: BprBenchSide;
  cornac: BprBenchSide & { threads: number; version: string };
}

const K = 10;

/** cornac's BPR as tuned on MovieLens 100k in Microsoft Recommenders' benchmark. */
const CORNAC_PARAMS = { k: 200, max_iter: 300, learning_rate: 0.01, lambda_reg: 0.01, seed: 42 };

/**
 * Marquee's BPR at its defaults against cornac's BPR at its tuned config on one split of a MovieLens
 * set: both train on the same matrix, and both sets of vectors are ranked and scored by the same code
 * (top 10 unplayed titles, nDCG@10 against the test split), timing only the training calls.
 */
export async function runBprBench(o: BprBenchOptions): Promise<BprBenchResult> {
  const python = await ensureBaselineVenv(o.cacheDir, o.log);
  const dataset = await loadMovieLens(o.data, { catalog: false });
  const protocol = evaluationProtocolSchema.parse({ filterBy: 'user' });
  const data = trainTestMatrices(dataset, stratifiedSplit(dataset, protocol), protocol);
  const train = data.train;
  o.log(
    `bench: ${train.indices.length} training plays, ${train.numUsers} members × ${train.numItems} titles`,
  );
  const ndcg = (model: BprModel) => {
    const lists = bpr.recommend(model, train, data.testMembers, K);
    const predicted: Int32Array[] = [];
    data.testMembers.forEach((m, r) => (predicted[m] = lists.items.slice(r * K, (r + 1) * K)));
    return round(rankingMetrics(predicted, data.truth, K).ndcg);
  };

  const params: BprParams = bprParams.parse({});
  const started = performance.now();
  const ours = await bpr.train(train, params, {
    onProgress: (p) => {
      if (p.done % 25 === 0 || p.done === p.total)
        o.log(`bench: marquee epoch ${p.done}/${p.total} loss ${(p.detail?.['loss'] ?? 0).toFixed(4)}`);
    },
  });
  const oursSeconds = (performance.now() - started) / 1000;

  const scratch = new ScratchDir();
  try {
    scratch.write('indptr', train.indptr);
    scratch.write('indices', train.indices);
    o.log(`bench: cornac BPR ${JSON.stringify(CORNAC_PARAMS)} on the same plays`);
    const baseline = await runPythonScript<{
      seconds: number;
      threads: number;
      versions: Record<string, string>;
    }>(
      python,
      scratch,
      CORNAC_BPR_SCRIPT,
      { users: train.numUsers, items: train.numItems, params: CORNAC_PARAMS },
      {},
    );
    const cornacModel: BprModel = {
      ...ours,
      factors: CORNAC_PARAMS.k,
      userFactors: scratch.readFloat32('cornac_users'),
      itemFactors: scratch.readFloat32('cornac_items'),
      itemBias: scratch.readFloat32('cornac_bias'),
    };
    return {
      dataset: dataset.name,
      split: { ratio: protocol.ratio, seed: protocol.seed, filterBy: 'user' },
      ratio: round(oursSeconds / baseline.seconds),
      ours: { ndcg: ndcg(ours), seconds: round(oursSeconds), params },
      cornac: {
        ndcg: ndcg(cornacModel),
        seconds: round(baseline.seconds),
        params: CORNAC_PARAMS,
        threads: baseline.threads,
        version: baseline.versions['cornac'] ?? 'unknown',
      },
    };
  } finally {
    scratch.dispose();
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
