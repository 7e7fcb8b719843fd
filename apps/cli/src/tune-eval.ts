import { tuneAndEvaluate, type AlgorithmSpec, type RatingsDataset } from '@marquee/evaluation';

/**
 * `marquee eval --tune`: each algorithm's best params by validation nDCG (its defaults are one of the
 * trials), then its test metrics.
 */
export async function runTunedEval(
  dataset: RatingsDataset,
  algorithms: AlgorithmSpec[],
  opts: { k: number; seed: number; splitBy: 'user' | 'item'; trials: number; json?: boolean },
): Promise<void> {
  const started = Date.now();
  const report = await tuneAndEvaluate({
    dataset,
    algorithms,
    k: opts.k,
    trials: opts.trials,
    protocol: { seed: opts.seed, filterBy: opts.splitBy },
    onProgress: (p) => {
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(
        `\r${p.algorithm}: trial ${p.trial}/${p.trials}  best ${p.best.toFixed(4)}  ${seconds.toFixed(0)} s   `,
      );
    },
  });
  process.stderr.write('\n');
  if (opts.json) return console.log(JSON.stringify(report));
  console.log(`${report.dataset.name}: ${JSON.stringify(report.dataset)}; k=${report.k}; tuned`);
  for (const r of report.results) {
    console.log(
      `${r.algorithm.padEnd(12)} nDCG ${r.ndcg.toFixed(4)}  MAP ${r.map.toFixed(4)}  P ${r.precision.toFixed(4)}  R ${r.recall.toFixed(4)}` +
        `  validation ${r.tuning.validation.toFixed(4)}${r.tuning.baseline === undefined ? '' : ` (defaults ${r.tuning.baseline.toFixed(4)})`}  ${r.tuning.trials} trials ${r.tuning.seconds.toFixed(0)} s  ${JSON.stringify(r.params)}`,
    );
  }
}
