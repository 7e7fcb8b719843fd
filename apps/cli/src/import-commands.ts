import { CommanderError, type Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import {
  HistoryWriter,
  ProgressBar,
  importMovieLens,
  importPlays,
  type PlaysImportSummary,
  type RejectedRow,
} from '@marquee/history-import';
import { createLogger } from '@marquee/observability';
import { CatalogRepository, connectCassandra, openCache } from '@marquee/storage';
import { positiveInt } from './options';

/** Rejected rows echoed on stderr; the rest are in the rejects file. */
const REJECTS_SHOWN = 10;

/** Cassandra and memcached for an import; `close` releases both. */
async function connectStores(c: MarqueeConfig, concurrency?: number) {
  const logger = createLogger('import', 'warn', true);
  const cassandra = await connectCassandra(c, logger);
  // Bursts of hot-copy deletes at the end of an import: allow each one more than the CLI's default wait.
  const cache = openCache(c, logger, 1000);
  return {
    cassandra,
    writer: new HistoryWriter(cassandra, cache, concurrency ? { concurrency } : {}),
    async close() {
      cache.close();
      await cassandra.shutdown().catch(() => undefined);
    },
  };
}

function printPlaysSummary(summary: PlaysImportSummary): void {
  const rate = Math.round(summary.playsPerSecond).toLocaleString('en-US');
  const from = summary.resumedFromLine > 0 ? ` (resumed after line ${summary.resumedFromLine})` : '';
  console.log(
    `imported ${summary.plays} plays of ${summary.members} members from ${summary.file}${from} in ${summary.seconds.toFixed(1)} s (${rate} plays/s)`,
  );
  if (summary.totalRejected > 0)
    console.log(
      `${summary.totalRejected} rows rejected, listed with file, line and reason in ${summary.rejectsFile}`,
    );
  if (!summary.complete)
    console.log(`stopped after line ${summary.line}; run the same command to go on from there`);
}

export function registerImportCommands(program: Command, config: () => MarqueeConfig): void {
  const imports = program
    .command('import')
    .description('write history straight into the stores in bulk: a plays file, or a MovieLens dataset');

  imports
    .command('plays')
    .description(
      'import plays (JSON Lines, or CSV with a header) into the members\u2019 history and Continue watching; resumable, idempotent',
    )
    .requiredOption(
      '--file <path>',
      'plays.jsonl (one play per line) or plays.csv (header: eventId,userId,itemId,device,timestamp,positionMs,durationMs)',
    )
    .option('--allow-rejects', 'exit 0 even when some rows were rejected')
    .option('--restart', 'ignore the checkpoint of an interrupted import and start from the first line')
    .option('--concurrency <n>', 'write requests in flight', positiveInt(1024))
    .option(
      '--stop-after <lines>',
      'stop after this many lines, leaving a checkpoint (trial runs)',
      positiveInt(),
    )
    .option('--json', 'print one JSON object')
    .action(
      async (opts: {
        file: string;
        allowRejects?: boolean;
        restart?: boolean;
        concurrency?: number;
        stopAfter?: number;
        json?: boolean;
      }) => {
        const stores = await connectStores(config(), opts.concurrency);
        const interrupt = new AbortController();
        const onSignal = () => {
          process.stderr.write(
            '\nstopping at the end of the chunk being written; the checkpoint keeps the place\n',
          );
          interrupt.abort();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const bar = new ProgressBar('import plays');
        let shown = 0;
        let summary: PlaysImportSummary;
        try {
          const catalog = await new CatalogRepository(stores.cassandra).all();
          summary = await importPlays({
            file: opts.file,
            writer: stores.writer,
            knownItems: new Set(catalog.map((item) => item.itemId)),
            restart: opts.restart === true,
            signal: interrupt.signal,
            ...(opts.stopAfter ? { stopAfterLines: opts.stopAfter } : {}),
            onProgress: (progress) => bar.update(progress),
            onReject: (row: RejectedRow) => {
              if (shown++ < REJECTS_SHOWN) process.stderr.write(`\n${row.file}:${row.line}: ${row.reason}\n`);
            },
          });
          bar.finish({
            rows: summary.line - summary.resumedFromLine,
            done: summary.complete ? 1 : undefined,
          });
        } finally {
          process.removeListener('SIGINT', onSignal);
          process.removeListener('SIGTERM', onSignal);
          await stores.close();
        }
        if (opts.json) console.log(JSON.stringify(summary));
        else printPlaysSummary(summary);
        if (interrupt.signal.aborted)
          throw new CommanderError(130, 'marquee.import.interrupted', 'interrupted');
        if (summary.totalRejected > 0 && !opts.allowRejects) {
          console.error(
            `marquee: ${summary.totalRejected} rows of ${summary.file} rejected (see ${summary.rejectsFile}); pass --allow-rejects to accept an import with rejects`,
          );
          throw new CommanderError(1, 'marquee.import.rejects', 'rows rejected');
        }
      },
    );

  imports
    .command('movielens')
    .description(
      'import a MovieLens dataset (ml-100k, ml-1m, ml-latest): its movies into the catalog, each rating as a finished play',
    )
    .argument('<dir>', 'the dataset directory (or its ratings file)')
    .option('--member-prefix <prefix>', 'prepended to the member ids of the files', '')
    .option('--item-prefix <prefix>', 'prepended to the movie ids of the files', '')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, opts: { memberPrefix: string; itemPrefix: string; json?: boolean }) => {
      const stores = await connectStores(config());
      const bar = new ProgressBar('import movielens');
      try {
        const summary = await importMovieLens({
          location: dir,
          catalog: new CatalogRepository(stores.cassandra),
          writer: stores.writer,
          memberPrefix: opts.memberPrefix,
          itemPrefix: opts.itemPrefix,
          onProgress: (progress) => bar.update(progress),
        });
        bar.finish({ rows: summary.plays + summary.rejected, done: 1 });
        const { catalogItems, plays, members, rejected, seconds } = summary;
        if (opts.json) console.log(JSON.stringify({ catalogItems, plays, members, rejected, seconds }));
        else
          console.log(
            `imported ${summary.dataset} (${summary.format}): ${catalogItems} titles into the catalog, ${plays} plays of ${members} members in ${seconds.toFixed(1)} s${rejected > 0 ? `; ${rejected} rows with invalid prefixed ids rejected` : ''}`,
          );
      } finally {
        await stores.close();
      }
    });
}
