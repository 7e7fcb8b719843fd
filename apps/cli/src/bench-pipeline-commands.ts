import { InvalidArgumentError, type Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import {
  DEFAULT_PIPELINE_BENCH,
  runPipelineBench,
  type PipelineBenchOptions,
  type PipelineBenchResult,
} from '@marquee/bench';
import { createLogger } from '@marquee/observability';
import { wholeNumber } from './options';
import { ProgressBars } from './progress-bar';

function workerCount(value: string): 1 | 2 {
  if (value !== '1' && value !== '2')
    throw new InvalidArgumentError(`--workers must be 1 or 2, got '${value}'`);
  return Number(value) as 1 | 2;
}

const count = (n: number) => n.toLocaleString('en-US');

function print(r: PipelineBenchResult): void {
  console.log(
    `Pipeline on ${count(r.plays)} plays of ${count(r.members)} members × ${count(r.items)} titles`,
  );
  console.log(
    `  import     ${r.importSeconds.toFixed(1)} s  ${count(r.importPlaysPerSecond)} plays/s  ` +
      `(raw writes ${r.rawWriteSeconds.toFixed(1)} s; importVsRawWrite ${r.importVsRawWrite.toFixed(2)}, target ≥ 0.5)`,
  );
  console.log(`  pipeline   ${r.pipelineSeconds.toFixed(1)} s`);
  for (const [step, seconds] of Object.entries(r.steps))
    console.log(`    ${step.padEnd(9)} ${seconds.toFixed(1)} s`);
  console.log(
    `  floor      ${r.floorSeconds.toFixed(1)} s = raw read ${r.floors.rawReadSeconds.toFixed(1)} s + implicit ` +
      `${r.floors.implicitTrainSeconds.toFixed(1)} s + numpy ${r.floors.numpyScoreSeconds.toFixed(1)} s`,
  );
  console.log(`  ratio      ${r.ratio.toFixed(2)}  (pipeline / floor; target ≤ 2)`);
  if (r.scoring)
    console.log(
      `  scoring    one worker ${r.scoring.oneWorkerSeconds.toFixed(1)} s, two workers ${r.scoring.twoWorkersSeconds.toFixed(1)} s`,
    );
  console.log(`  peak memory MB  ${JSON.stringify(r.peakMemoryMb)}`);
}

export function registerPipelineBench(bench: Command, config: () => MarqueeConfig): void {
  bench
    .command('pipeline')
    .description(
      'import a history of ML-20M shape, run the ALS training pipeline end to end on workers of its own, ' +
        'and measure the floors on the same data (bare driver writes and reads, implicit, numpy)',
    )
    .option(
      '--plays <n>',
      'plays of the history',
      wholeNumber('--plays', 1000, 50_000_000),
      DEFAULT_PIPELINE_BENCH.plays,
    )
    .option(
      '--members <n>',
      'members (default: plays / 145, as ML-20M)',
      wholeNumber('--members', 1, 10_000_000),
    )
    .option(
      '--items <n>',
      'titles (default: 26,744 scaled with the plays, at least 2,000)',
      wholeNumber('--items', 10, 1_000_000),
    )
    .option(
      '--workers <n>',
      '2 also runs the pipeline with a second worker and compares scoring',
      workerCount,
      1,
    )
    .option('--factors <n>', 'ALS factors', wholeNumber('--factors', 1, 1024), DEFAULT_PIPELINE_BENCH.factors)
    .option(
      '--iterations <n>',
      'ALS iterations',
      wholeNumber('--iterations', 1, 1000),
      DEFAULT_PIPELINE_BENCH.iterations,
    )
    .option('--k <n>', 'list length per member', wholeNumber('--k', 1, 1000), DEFAULT_PIPELINE_BENCH.k)
    .option('--keep', 'keep the bench keyspace afterwards')
    .option('--profile-dir <dir>', 'workers write V8 CPU profiles (node --cpu-prof) into this directory')
    .option('--json', 'print one JSON object')
    .action(async (opts: Omit<PipelineBenchOptions, 'onProgress' | 'log'> & { json?: boolean }) => {
      const bars = new ProgressBars();
      const result = await runPipelineBench(config(), createLogger('bench', 'warn', true), {
        ...opts,
        onProgress: (phase, done, total) => bars.update('bench pipeline', phase, done, total),
        log: (line) => {
          bars.end();
          process.stderr.write(`${line}\n`);
        },
      });
      bars.end();
      if (opts.json) return console.log(JSON.stringify(result));
      print(result);
    });
}
