import type { Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import { DEFAULT_IMPORT_BENCH, runImportBench } from '@marquee/bench';
import { ProgressBar } from '@marquee/history-import';
import { createLogger } from '@marquee/observability';
import { positiveInt } from './options';

export function registerImportBench(bench: Command, config: () => MarqueeConfig): void {
  bench
    .command('import')
    .description(
      'import a generated plays file, then write the same rows with the raw driver (unlogged batches per member, no logic), in a keyspace of their own',
    )
    .option('--plays <n>', 'plays to import', positiveInt(50_000_000), DEFAULT_IMPORT_BENCH.plays)
    .option(
      '--plays-per-member <n>',
      'plays per member on average',
      positiveInt(100_000),
      DEFAULT_IMPORT_BENCH.playsPerMember,
    )
    .option('--json', 'print one JSON object')
    .action(async (opts: { plays: number; playsPerMember: number; json?: boolean }) => {
      const bar = new ProgressBar('bench import');
      const result = await runImportBench(config(), createLogger('bench', 'warn', true), {
        ...DEFAULT_IMPORT_BENCH,
        plays: opts.plays,
        playsPerMember: opts.playsPerMember,
        onProgress: (_phase, progress) => bar.update(progress),
      });
      bar.finish({ rows: result.plays, done: 1 });
      if (opts.json) return console.log(JSON.stringify(result));
      console.log(`Import of ${result.plays.toLocaleString('en-US')} plays of ${result.members} members`);
      console.log(
        `  import      ${result.importSeconds.toFixed(1)} s  ${Math.round(result.importPlaysPerSecond)} plays/s`,
      );
      console.log(
        `  raw writes  ${result.rawWriteSeconds.toFixed(1)} s  ${Math.round(result.rawWritePlaysPerSecond)} plays/s`,
      );
      console.log(
        `  ratio       ${result.importVsRawWrite.toFixed(2)}  (import / raw write rate; target ≥ 0.5)`,
      );
    });
}
