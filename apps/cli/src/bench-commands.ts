import { InvalidArgumentError, type Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import {
  runBprBench,
  runEaseBench,
  type BprBenchResult,
  runScoreBench,
  type EaseBenchOptions,
  type EaseBenchResult,
  runTrainBench,
  type ScoreBenchOptions,
  type ScoreBenchResult,
  type TrainBenchOptions,
  type TrainBenchResult,
} from '@marquee/bench';

/** A benchmark's flags: its options but where the baseline lives and where progress goes, and --json. */
type Flags<T> = Omit<T, 'cacheDir' | 'log'> & { json?: boolean };
import { wholeNumber } from './options';

/** A number flag in (min, max]; the error names the flag. */
function positive(flag: string, max: number, allowZero = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (n === 0 && !allowZero) || n > max)
      throw new InvalidArgumentError(
        `${flag} must be a number ${allowZero ? '≥ 0' : '> 0'} and ≤ ${max}, got '${value}'`,
      );
    return n;
  };
}

const stderr = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (s: number) => `${s.toFixed(2)} s`;
const count = (n: number) => n.toLocaleString('en-US');

function printTrain(r: TrainBenchResult): void {
  console.log(
    `ALS training: ${count(r.interactions)} interactions (${count(r.users)} members × ${count(r.items)} titles), ` +
      `${r.factors} factors, ${r.iterations} iterations, ${r.threads} thread(s)`,
  );
  console.log(`  marquee   ${seconds(r.oursSeconds)}`);
  console.log(`  implicit  ${seconds(r.implicitSeconds)}  (${r.baseline}; use_cg, num_threads=${r.threads})`);
  console.log(`  ratio     ${r.ratio.toFixed(2)}  (marquee / implicit; target ≤ 2)`);
  const a = r.agreement;
  console.log(
    `  agreement implicit's training loss ${a.oursLoss.toPrecision(5)} (marquee) vs ${a.implicitLoss.toPrecision(5)} ` +
      `(implicit); top-10 overlap ${(100 * a.top10Overlap).toFixed(1)}% over ${count(a.membersCompared)} members`,
  );
}

function printScore(r: ScoreBenchResult): void {
  console.log(
    `Batch scoring: top ${r.k} of ${count(r.items)} titles for ${count(r.members)} members, ${r.factors} factors, ` +
      `one thread each, no exclusions`,
  );
  console.log(`  marquee  ${count(r.oursMembersPerSecond)} members/s`);
  console.log(
    `  numpy    ${count(r.numpyMembersPerSecond)} members/s  (${r.baseline}; matmul + argpartition)`,
  );
  console.log(`  ratio    ${r.ratio.toFixed(2)}  (numpy / marquee speed; target ≤ 3)`);
  console.log(
    `  agreement ${(100 * r.agreement.topKOverlap).toFixed(1)}% of numpy's top ${r.k} also in marquee's, ` +
      `over ${count(r.agreement.membersCompared)} members`,
  );
}

function printEase(r: EaseBenchResult): void {
  console.log(
    `EASE training: ${count(r.interactions)} plays (${count(r.users)} members × ${count(r.items)} titles), ` +
      `λ ${r.lambda}, ${r.threads} thread(s)`,
  );
  console.log(`  marquee  ${seconds(r.oursSeconds)}`);
  console.log(`  numpy    ${seconds(r.numpySeconds)}  (${r.baseline}; np.linalg.inv)`);
  console.log(`  ratio    ${r.ratio.toFixed(2)}  (marquee / numpy; target ≤ 2)`);
  console.log(
    `  agreement identical top 10 for ${(100 * r.top10Agreement).toFixed(1)}% of ${count(r.membersCompared)} members`,
  );
}

function printBpr(r: BprBenchResult): void {
  console.log(
    `BPR on ${r.dataset} (stratified per member, ${r.split.ratio}, seed ${r.split.seed}): nDCG@10 and training time`,
  );
  console.log(
    `  marquee  ${r.ours.ndcg.toFixed(4)}  ${seconds(r.ours.seconds)}  ${JSON.stringify(r.ours.params)}`,
  );
  console.log(
    `  cornac   ${r.cornac.ndcg.toFixed(4)}  ${seconds(r.cornac.seconds)}  ${JSON.stringify(r.cornac.params)} ` +
      `(cornac ${r.cornac.version}, ${r.cornac.threads} thread(s))`,
  );
  console.log(`  ratio    ${r.ratio.toFixed(2)}  (marquee / cornac time; target ≤ 2, nDCG within 0.01)`);
}

/** `marquee bench train|score`: Marquee's ALS against named baselines on identical data. */
/** Adds `bench` with its train and score subcommands; returns it so other benchmarks can join. */
export function registerBenchCommands(program: Command, config: () => MarqueeConfig): Command {
  const bench = program
    .command('bench')
    .description('benchmarks against named baselines on the same data (Python venv in the cache dir)');
  bench
    .command('train')
    .description('train ALS on a synthetic implicit matrix, then implicit (CPU, use_cg) on the same one')
    .option(
      '--interactions <n>',
      'stored (member, title) pairs',
      wholeNumber('--interactions', 10_000, 50_000_000),
      1_000_000,
    )
    .option('--factors <n>', 'latent factors', wholeNumber('--factors', 1, 1024), 64)
    .option('--iterations <n>', 'ALS iterations', wholeNumber('--iterations', 1, 1000), 15)
    .option('--threads <n>', 'threads for both (implicit num_threads)', wholeNumber('--threads', 1, 64), 2)
    .option('--regularization <x>', 'λ', positive('--regularization', 1e6, true), 0.01)
    .option('--alpha <x>', 'confidence weight: c = 1 + alpha·plays', positive('--alpha', 1e6), 1)
    .option('--seed <n>', 'seeds the matrix and the initial factors', wholeNumber('--seed', 0, 0xffffffff), 1)
    .option('--json', 'print one JSON object (progress goes to stderr)')
    .action(async (opts: Flags<TrainBenchOptions>) => {
      const result = await runTrainBench({ ...opts, cacheDir: config().cacheDir, log: stderr });
      if (opts.json) console.log(JSON.stringify(result));
      else printTrain(result);
    });
  bench
    .command('score')
    .description('top-k over the whole catalog for every member: the batch scorer against numpy')
    .option('--members <n>', 'members to score', wholeNumber('--members', 1, 10_000_000), 100_000)
    .option('--items <n>', 'titles in the catalog', wholeNumber('--items', 1, 10_000_000), 20_000)
    .option('--factors <n>', 'latent factors', wholeNumber('--factors', 1, 1024), 64)
    .option('--k <n>', 'titles kept per member', wholeNumber('--k', 1, 10_000), 100)
    .option('--seed <n>', 'seeds the random factors', wholeNumber('--seed', 0, 0xffffffff), 1)
    .option('--json', 'print one JSON object (progress goes to stderr)')
    .action(async (opts: Flags<ScoreBenchOptions>, command: Command) => {
      if (opts.k > opts.items)
        command.error(`error: --k (${opts.k}) must not exceed --items (${opts.items})`);
      const result = await runScoreBench({ ...opts, cacheDir: config().cacheDir, log: stderr });
      if (opts.json) console.log(JSON.stringify(result));
      else printScore(result);
    });
  bench
    .command('ease')
    .description('train EASE on a synthetic catalog, then numpy (np.linalg.inv) on the same plays and λ')
    .option('--items <n>', 'titles in the catalog', wholeNumber('--items', 10, 40_000), 10_000)
    .option(
      '--interactions <n>',
      'stored (member, title) pairs (default 100 per title)',
      wholeNumber('--interactions', 1_000, 50_000_000),
    )
    .option('--lambda <x>', 'λ, the L2 weight on B', positive('--lambda', 1e9), 400)
    .option('--seed <n>', 'seeds the synthetic plays', wholeNumber('--seed', 0, 0xffffffff), 1)
    .option('--json', 'print one JSON object (progress goes to stderr)')
    .action(async (opts: Flags<Omit<EaseBenchOptions, 'interactions'>> & { interactions?: number }) => {
      const result = await runEaseBench({
        ...opts,
        interactions: opts.interactions ?? 100 * opts.items,
        cacheDir: config().cacheDir,
        log: stderr,
      });
      if (opts.json) console.log(JSON.stringify(result));
      else printEase(result);
    });
  bench
    .command('bpr')
    .description("BPR at its defaults against cornac's tuned BPR on one split of a MovieLens set")
    .requiredOption('--data <dir>', 'MovieLens directory or ratings file (ml-100k, ml-1m, ml-latest)')
    .option('--json', 'print one JSON object (progress goes to stderr)')
    .action(async (opts: { data: string; json?: boolean }) => {
      const result = await runBprBench({ data: opts.data, cacheDir: config().cacheDir, log: stderr });
      if (opts.json) console.log(JSON.stringify(result));
      else printBpr(result);
    });
  return bench;
}
