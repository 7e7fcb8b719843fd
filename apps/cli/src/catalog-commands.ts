import fs from 'node:fs';
import type { Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import { ValidationError, catalogFormatOf, parseCatalog, type CatalogItem } from '@marquee/domain';
import { announceCatalogUpdate, connectProducer } from '@marquee/kafka';
import { createLogger } from '@marquee/observability';
import { CatalogRepository, connectCassandra } from '@marquee/storage';

/** Titles written (and announced) per step: one progress update each. */
const CHUNK = 500;
/** Bad rows listed in the error; the count says how many more there are. */
const MAX_REPORTED = 20;

/** Reads and validates the whole file first: a file with a bad row writes nothing. */
function readCatalogFile(file: string): CatalogItem[] {
  if (!fs.existsSync(file)) throw new ValidationError([`--file: ${file} does not exist`], 'flags');
  const format = catalogFormatOf(file);
  if (!format) throw new ValidationError([`--file: ${file} must end in .jsonl or .csv`], 'flags');
  const rows = parseCatalog(fs.readFileSync(file, 'utf8'), format);
  const bad = rows.flatMap((row) =>
    'issues' in row ? row.issues.map((i) => `${file}:${row.line}: ${i}`) : [],
  );
  if (bad.length > 0) {
    const shown = bad.slice(0, MAX_REPORTED);
    if (bad.length > MAX_REPORTED) shown.push(`… and ${bad.length - MAX_REPORTED} more`);
    throw new ValidationError(shown, 'catalog file; nothing was imported');
  }
  return rows.flatMap((row) => ('item' in row ? [row.item] : []));
}

/** One line on stderr, rewritten in place: titles written, rate, time left. */
function progressLine(done: number, total: number, startedMs: number): string {
  const seconds = Math.max((Date.now() - startedMs) / 1000, 0.001);
  const rate = done / seconds;
  const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
  const width = 24;
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  return `catalog import [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} titles, ${Math.round(rate)}/s, ETA ${eta}s`;
}

export function registerCatalogCommands(program: Command, config: () => MarqueeConfig): void {
  const catalog = program.command('catalog').description('load and export the catalog of titles');

  catalog
    .command('import')
    .description(
      'add or replace titles from a JSON Lines or CSV file (idempotent; every row is validated first) and announce them on catalog.updated',
    )
    .requiredOption(
      '--file <path>',
      'items.jsonl (one title a line) or items.csv (header: itemId,title,genres,…)',
    )
    .action(async ({ file }: { file: string }) => {
      const items = readCatalogFile(file);
      const c = config();
      const logger = createLogger('cli', 'warn', true);
      const cassandra = await connectCassandra(c, logger);
      const { producer, topics } = await connectProducer(c, logger);
      try {
        const repository = new CatalogRepository(cassandra);
        const started = Date.now();
        const tty = process.stderr.isTTY;
        for (let i = 0; i < items.length; i += CHUNK) {
          const chunk = items.slice(i, i + CHUNK);
          await repository.put(chunk);
          await announceCatalogUpdate(
            producer,
            topics,
            chunk.map((item) => item.itemId),
          );
          const line = progressLine(i + chunk.length, items.length, started);
          process.stderr.write(tty ? `\r${line}` : `${line}\n`);
        }
        if (tty && items.length > 0) process.stderr.write('\n');
        console.log(`imported ${items.length} titles from ${file}`);
      } finally {
        await producer.disconnect();
        await cassandra.shutdown();
      }
    });

  catalog
    .command('export')
    .description('write the catalog (removed titles left out) as JSON Lines')
    .option('--file <path>', 'write here instead of standard output')
    .action(async ({ file }: { file?: string }) => {
      const c = config();
      const cassandra = await connectCassandra(c, createLogger('cli', 'warn', true));
      try {
        const items = await new CatalogRepository(cassandra).all();
        const lines = items
          .filter((item) => !item.removedAt)
          .sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))
          .map(({ removedAt: _removed, ...item }) => JSON.stringify(item));
        const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
        if (file) {
          fs.writeFileSync(file, text);
          console.error(`exported ${lines.length} titles to ${file}`);
        } else {
          // The command ends the process when it returns: wait until a piped stdout has the text.
          await new Promise<void>((resolve, reject) =>
            process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
          );
        }
      } finally {
        await cassandra.shutdown();
      }
    });
}
