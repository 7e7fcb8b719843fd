import type { Command } from 'commander';
import { algorithmNames } from '@marquee/algorithms';
import { ValidationError } from '@marquee/domain';
import { evaluateAlgorithms, loadMovieLens, type AlgorithmSpec } from '@marquee/evaluation';
import { runTunedEval } from './tune-eval';
import { syntheticRatings } from '@marquee/synthetic';
import { positiveInt } from './options';
import { ProgressBars } from './progress-bar';

/** `--algorithms als,ease` or `--algorithms 'als:{"factors":128},ease'`: names with optional JSON params. */
function parseAlgorithms(value: string): AlgorithmSpec[] {
  const specs: AlgorithmSpec[] = [];
  const pattern = /([a-z][a-z0-9-]*)(?::(\{[^}]*\}))?\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < value.length && (match = pattern.exec(value))) {
    const [, name, json] = match;
    let params: unknown;
    if (json) {
      try {
        params = JSON.parse(json);
      } catch (error) {
        throw new ValidationError(
          [`--algorithms: params of ${name} are not JSON (${(error as Error).message})`],
          'flags',
        );
      }
    }
    specs.push({ name: name as string, ...(params === undefined ? {} : { params }) });
  }
  if (pattern.lastIndex !== value.length || specs.length === 0) {
    throw new ValidationError(
      [`--algorithms: expected names like als,ease or als:{"factors":64}, got '${value}'`],
      'flags',
    );
  }
  return specs;
}

interface EvalFlags {
  data: string;
  algorithms?: string;
  k: number;
  seed: number;
  splitBy: 'user' | 'item';
  json?: boolean;
  tune?: boolean;
  trials: number;
}

export function registerEvalCommands(program: Command): void {
  program
    .command('eval')
    .description(
      'offline evaluation: stratified split, train, top-k, precision/recall/nDCG/MAP as Microsoft Recommenders defines them',
    )
    .requiredOption(
      '--data <path|synthetic>',
      'a MovieLens file or directory (ml-100k, ml-1m, ml-latest; detected), or "synthetic"',
    )
    .option(
      '--algorithms <list>',
      `comma-separated, optionally name:{json params}; default all of ${algorithmNames().join(', ')}`,
    )
    .option('--k <n>', 'list length scored', positiveInt(1000), 10)
    .option('--seed <n>', 'split seed', (v) => positiveInt(0xffffffff)(v), 42)
    .option(
      '--split-by <user|item>',
      "stratify the split per member (user) or per title (item), as Recommenders' python_stratified_split",
      (v: string) => {
        if (v !== 'user' && v !== 'item')
          throw new ValidationError([`--split-by: expected user or item, got '${v}'`], 'flags');
        return v;
      },
      'user',
    )
    .option('--json', 'print one JSON object')
    .option('--tune', "search each algorithm's params on a validation split of the training part first")
    .option('--trials <n>', 'trials per algorithm with --tune', positiveInt(1000), 20)
    .action(async (opts: EvalFlags) => {
      const algorithms = opts.algorithms
        ? parseAlgorithms(opts.algorithms)
        : algorithmNames().map((name) => ({ name }));
      const dataset =
        opts.data === 'synthetic'
          ? syntheticRatings({
              seed: 7,
              items: 2000,
              members: 5000,
              playsPerMember: 30,
              days: 60,
              now: new Date('2026-01-01T00:00:00Z'),
            })
          : await loadMovieLens(opts.data);
      if (opts.tune) return runTunedEval(dataset, algorithms, opts);
      const bars = new ProgressBars();
      const report = await evaluateAlgorithms({
        dataset,
        algorithms,
        k: opts.k,
        protocol: { seed: opts.seed, filterBy: opts.splitBy },
        onProgress: (p) => bars.update(p.algorithm, p.step, p.done, p.total),
        onFailure: (f) => bars.fail(f.algorithm, f.error),
      });
      bars.end();
      if (opts.json) return console.log(JSON.stringify(report));
      console.log(
        `${report.dataset.name}: ${JSON.stringify(report.dataset)}; k=${report.k}; split per ${report.protocol.filterBy}`,
      );
      for (const r of report.results) {
        console.log(
          r.error
            ? `${r.algorithm.padEnd(12)} failed: ${r.error}`
            : `${r.algorithm.padEnd(12)} nDCG ${r.ndcg.toFixed(4)}  MAP ${r.map.toFixed(4)}  P ${r.precision.toFixed(4)}  R ${r.recall.toFixed(4)}  train ${r.trainSeconds.toFixed(2)} s`,
        );
      }
    });
}
