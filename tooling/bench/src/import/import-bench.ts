import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'cassandra-driver';
import type { MarqueeConfig } from '@marquee/config';
import { isFinished, type Play } from '@marquee/domain';
import {
  DEFAULT_CHUNK_LINES,
  HistoryWriter,
  importPlays,
  type ImportProgress,
} from '@marquee/history-import';
import type { Logger } from '@marquee/observability';
import { connectCassandra, createCassandraClient, openCache, writeTimestampMicros } from '@marquee/storage';

export interface ImportBenchOptions {
  plays: number;
  /** Plays per member on average. */
  playsPerMember: number;
  titles: number;
  onProgress?: (phase: string, progress: ImportProgress) => void;
}

export const DEFAULT_IMPORT_BENCH: Omit<ImportBenchOptions, 'onProgress'> = {
  plays: 1_000_000,
  playsPerMember: 20,
  titles: 2000,
};

export interface ImportBenchResult {
  plays: number;
  members: number;
  importSeconds: number;
  importPlaysPerSecond: number;
  rawWriteSeconds: number;
  rawWritePlaysPerSecond: number;
  /** Import rate / raw write rate of the same rows: the share of the driver's write rate the import keeps. */
  importVsRawWrite: number;
}

/** The same writes as the import's, in the same shape (batches per member, requests in flight). */
const BATCH = 64;
const IN_FLIGHT = 64;

/**
 * The bench's plays: `count` plays of `count / playsPerMember` members over the last year, a third
 * of them unfinished, in time order as a service's export would be. Deterministic.
 */
function* benchPlays(options: ImportBenchOptions, memberPrefix: string): Generator<Play> {
  const members = Math.max(1, Math.round(options.plays / options.playsPerMember));
  const start = Date.parse('2025-06-01T00:00:00Z');
  const step = (365 * 24 * 3600_000) / options.plays;
  // mulberry32: a seeded generator in 32-bit integer arithmetic.
  let seed = 7;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < options.plays; i++) {
    const durationMs = 5_400_000;
    yield {
      eventId: `b${i}`,
      userId: `${memberPrefix}${Math.floor(random() * members)}`,
      itemId: `t${Math.floor(random() ** 2 * options.titles)}`,
      device: 'tv',
      timestamp: new Date(start + Math.floor(i * step)).toISOString(),
      positionMs: random() < 0.33 ? Math.floor(durationMs / 3) : durationMs,
      durationMs,
    };
  }
}

/** Writes plays as JSON Lines, as `marquee import plays` reads them. */
export async function writePlaysFile(file: string, plays: Iterable<Play>): Promise<void> {
  const out = createWriteStream(file);
  for (const play of plays) if (!out.write(JSON.stringify(play) + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/**
 * The raw baseline: the rows the import writes for the same plays (every play's history row, and
 * the Continue watching row of each title's last play when unfinished), as unlogged batches per
 * member through the driver, with no parsing, validation or reads.
 */
export async function rawWrite(
  client: Client,
  plays: Iterable<Play>,
  onProgress?: (rows: number) => void,
): Promise<void> {
  const history =
    'INSERT INTO plays_by_member (member_id, played_at, event_id, item_id, device, position_ms, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?';
  const continueWatching =
    'INSERT INTO continue_watching (member_id, item_id, position_ms, duration_ms, device, updated_at) VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?';
  const byMember = new Map<string, Play[]>();
  const flush = async () => {
    const batches: { query: string; params: unknown[] }[][] = [];
    for (const own of byMember.values()) {
      const last = new Map<string, Play>();
      for (const p of own) last.set(p.itemId, p);
      const statements = own.map((p) => ({
        query: history,
        params: [
          p.userId,
          new Date(p.timestamp),
          p.eventId,
          p.itemId,
          p.device,
          p.positionMs,
          p.durationMs,
          writeTimestampMicros(p.timestamp),
        ],
      }));
      for (const p of last.values())
        if (!isFinished(p))
          statements.push({
            query: continueWatching,
            params: [
              p.userId,
              p.itemId,
              p.positionMs,
              p.durationMs,
              p.device,
              new Date(p.timestamp),
              writeTimestampMicros(p.timestamp),
            ],
          });
      for (let i = 0; i < statements.length; i += BATCH) batches.push(statements.slice(i, i + BATCH));
    }
    byMember.clear();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < batches.length) {
          const batch = batches[next++] as { query: string; params: unknown[] }[];
          const [first] = batch as [{ query: string; params: unknown[] }];
          if (batch.length === 1) await client.execute(first.query, first.params, { prepare: true });
          else await client.batch(batch, { prepare: true, logged: false });
        }
      }),
    );
  };
  let pending = 0;
  let rows = 0;
  for (const play of plays) {
    const own = byMember.get(play.userId);
    if (own) own.push(play);
    else byMember.set(play.userId, [play]);
    // The import's chunk size, so both group the same plays per member into batches.
    rows++;
    if (++pending === DEFAULT_CHUNK_LINES) {
      await flush();
      pending = 0;
      onProgress?.(rows);
    }
  }
  await flush();
  onProgress?.(rows);
}

/**
 * `marquee bench import`: the import of a plays file beside the raw driver writing the same rows, in
 * the same run, into a keyspace of their own that is dropped afterwards.
 */
export async function runImportBench(
  config: MarqueeConfig,
  logger: Logger,
  options: ImportBenchOptions,
): Promise<ImportBenchResult> {
  const keyspace = `${config.cassandra.keyspace}_import_bench`.slice(0, 48);
  const benchConfig: MarqueeConfig = { ...config, cassandra: { ...config.cassandra, keyspace } };
  const dir = await mkdtemp(path.join(tmpdir(), 'marquee-import-bench-'));
  const client = await connectCassandra(benchConfig, logger);
  const cache = openCache(benchConfig, logger, 1000);
  try {
    const file = path.join(dir, 'plays.jsonl');
    await writePlaysFile(file, benchPlays(options, 'bi'));
    const titles = new Set(Array.from({ length: options.titles }, (_, i) => `t${i}`));

    const importStarted = Date.now();
    const summary = await importPlays({
      file,
      writer: new HistoryWriter(client, cache),
      knownItems: titles,
      restart: true,
      onProgress: (p) => options.onProgress?.('import', p),
    });
    const importSeconds = (Date.now() - importStarted) / 1000;
    if (summary.plays !== options.plays)
      throw new Error(`the bench import wrote ${summary.plays} of ${options.plays} plays`);

    const rawStarted = Date.now();
    await rawWrite(client, benchPlays(options, 'br'));
    const rawWriteSeconds = (Date.now() - rawStarted) / 1000;

    const importPlaysPerSecond = options.plays / importSeconds;
    const rawWritePlaysPerSecond = options.plays / rawWriteSeconds;
    return {
      plays: options.plays,
      members: summary.members,
      importSeconds,
      importPlaysPerSecond,
      rawWriteSeconds,
      rawWritePlaysPerSecond,
      importVsRawWrite: importPlaysPerSecond / rawWritePlaysPerSecond,
    };
  } finally {
    cache.close();
    await client.shutdown();
    await rm(dir, { recursive: true, force: true });
    const admin = createCassandraClient(config.cassandra);
    await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    await admin.shutdown();
  }
}
