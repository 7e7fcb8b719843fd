import { als, alsParams, type AlsModel, type InteractionMatrix } from '@marquee/algorithms';
import { seededRandom } from '@marquee/synthetic';
import { ensureBaselineVenv, runPythonScript, ScratchDir, type Log } from './python-env';
import { NUMPY_SCORE_SCRIPT } from './python-scripts';

export interface ScoreBenchOptions {
  members: number;
  items: number;
  factors: number;
  k: number;
  seed: number;
  cacheDir: string;
  log: Log;
}

export interface ScoreBenchResult {
  members: number;
  items: number;
  factors: number;
  k: number;
  /** Both sides score on one thread, over the whole catalog, without excluding seen titles. */
  threads: 1;
  exclusions: false;
  oursMembersPerSecond: number;
  numpyMembersPerSecond: number;
  /** numpy speed / ours (target ≤ 3). */
  ratio: number;
  /** Share of numpy's top k that ours also returns, over a sample of members. */
  agreement: { topKOverlap: number; membersCompared: number };
  baseline: string;
}

/** Members per call to `recommend`, between which progress is reported (the scorer blocks 1,024 inside). */
const CHUNK = 16_384;

/**
 * Top-k over the whole catalog for every member of a synthetic factor model: Marquee's batch scorer
 * against numpy's dense block product with argpartition, on the same factors.
 */
export async function runScoreBench(o: ScoreBenchOptions): Promise<ScoreBenchResult> {
  if (o.k > o.items) throw new Error(`k (${o.k}) must not exceed the number of titles (${o.items})`);
  const python = await ensureBaselineVenv(o.cacheDir, o.log);
  const random = seededRandom(o.seed);
  const uniform = (length: number) => Float32Array.from({ length }, () => 2 * random() - 1);
  const model: AlsModel = {
    algorithm: 'als',
    userIds: Array.from({ length: o.members }, (_, u) => `m${u}`),
    itemIds: Array.from({ length: o.items }, (_, i) => `t${i}`),
    params: alsParams.parse({ factors: o.factors }),
    factors: o.factors,
    userFactors: uniform(o.members * o.factors),
    itemFactors: uniform(o.items * o.factors),
  };
  const nothingSeen: InteractionMatrix = {
    numUsers: o.members,
    numItems: o.items,
    userIds: model.userIds,
    itemIds: model.itemIds,
    indptr: new Int32Array(o.members + 1),
    indices: new Int32Array(0),
    values: new Float32Array(0),
  };
  const scratch = new ScratchDir();
  try {
    scratch.write('member_factors', model.userFactors);
    scratch.write('title_factors', model.itemFactors);
    const sample = Int32Array.from({ length: Math.min(1000, o.members) }, (_, r) =>
      Math.floor((r * o.members) / Math.min(1000, o.members)),
    );
    scratch.write('sample', sample);

    const top = new Int32Array(o.members * o.k);
    const started = performance.now();
    for (let start = 0; start < o.members; start += CHUNK) {
      const users = Int32Array.from({ length: Math.min(CHUNK, o.members - start) }, (_, r) => start + r);
      top.set(als.recommend(model, nothingSeen, users, o.k).items, start * o.k);
      o.log(`bench: marquee scored ${start + users.length}/${o.members} members`);
    }
    const oursSeconds = (performance.now() - started) / 1000;

    const baseline = await runPythonScript<{ seconds: number; versions: Record<string, string> }>(
      python,
      scratch,
      NUMPY_SCORE_SCRIPT,
      { members: o.members, items: o.items, factors: o.factors, k: o.k, block: 1024 },
      { OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
    );
    const numpyTop = scratch.readInt32('numpy_sample');
    let shared = 0;
    sample.forEach((u, r) => {
      const ours = new Set(top.subarray(u * o.k, (u + 1) * o.k));
      for (const item of numpyTop.subarray(r * o.k, (r + 1) * o.k)) if (ours.has(item)) shared++;
    });
    const ours = o.members / oursSeconds;
    const numpy = o.members / baseline.seconds;
    return {
      members: o.members,
      items: o.items,
      factors: o.factors,
      k: o.k,
      threads: 1,
      exclusions: false,
      oursMembersPerSecond: Math.round(ours),
      numpyMembersPerSecond: Math.round(numpy),
      ratio: Math.round((numpy / ours) * 1000) / 1000,
      agreement: { topKOverlap: shared / (sample.length * o.k), membersCompared: sample.length },
      baseline: `numpy ${baseline.versions['numpy']}`,
    };
  } finally {
    scratch.dispose();
  }
}
