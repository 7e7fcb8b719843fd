import { ID_PATTERN, type CatalogItem, type Play } from '@marquee/domain';
import { loadMovieLens, type RatingsDataset } from '@marquee/evaluation';
import type { CatalogRepository } from '@marquee/storage';
import type { HistoryWriter } from './history-writer';
import { DEFAULT_CHUNK_LINES } from './plays-import';
import type { ImportProgress } from './progress';

export interface MovieLensImportOptions {
  /** A MovieLens directory (ml-100k, ml-1m, ml-latest, ml-latest-small) or its ratings file. */
  location: string;
  catalog: CatalogRepository;
  writer: HistoryWriter;
  /** Prepended to the files' member and title ids, to keep them apart from other members and titles. */
  memberPrefix?: string;
  itemPrefix?: string;
  chunkSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface MovieLensImportSummary {
  dataset: string;
  format: string;
  catalogItems: number;
  plays: number;
  members: number;
  /** Ratings and titles whose prefixed ids are not valid member or title ids. */
  rejected: number;
  seconds: number;
}

/** MovieLens knows no devices or lengths: a rating is a finished play of a feature-length title on the web. */
export const MOVIELENS_PLAY = { device: 'web', durationMs: 100 * 60_000 } as const;
const MAX_EVENT_ID = 128;

/**
 * The play a rating stands for: finished, at the rating's time, its event id made of member and
 * title, so importing the same ratings again rewrites the same rows.
 */
export function ratingPlay(memberId: string, itemId: string, timestampMs: number): Play {
  const eventId = `ml:${memberId}:${itemId}`;
  return {
    eventId: eventId.length <= MAX_EVENT_ID ? eventId : eventId.slice(0, MAX_EVENT_ID),
    userId: memberId,
    itemId,
    device: MOVIELENS_PLAY.device,
    timestamp: new Date(timestampMs).toISOString(),
    positionMs: MOVIELENS_PLAY.durationMs,
    durationMs: MOVIELENS_PLAY.durationMs,
  };
}

/**
 * Imports a MovieLens dataset (the evaluation's loaders read and check the files): its movies into
 * the catalog with their titles, genres and years, and every rating as a finished play at the
 * rating's time, with the files' ids (optionally prefixed).
 */
export async function importMovieLens(options: MovieLensImportOptions): Promise<MovieLensImportSummary> {
  const started = Date.now();
  const memberPrefix = options.memberPrefix ?? '';
  const itemPrefix = options.itemPrefix ?? '';
  const dataset = await loadMovieLens(options.location);
  let rejected = 0;

  const catalog: CatalogItem[] = [];
  for (const item of dataset.catalog ?? []) {
    const itemId = itemPrefix + item.itemId;
    if (ID_PATTERN.test(itemId)) catalog.push({ ...item, itemId, title: item.title.slice(0, 300) });
    else rejected += 1;
  }
  await options.catalog.upsert(catalog);

  const { plays, rejected: rejectedRatings } = await writeRatings(dataset, options, memberPrefix, itemPrefix);
  rejected += rejectedRatings;
  return {
    dataset: dataset.name,
    format: dataset.format,
    catalogItems: catalog.length,
    plays,
    members: dataset.userIds.length,
    rejected,
    seconds: (Date.now() - started) / 1000,
  };
}

async function writeRatings(
  dataset: RatingsDataset,
  options: MovieLensImportOptions,
  memberPrefix: string,
  itemPrefix: string,
): Promise<{ plays: number; rejected: number }> {
  const memberIds = dataset.userIds.map((id) => memberPrefix + id);
  const itemIds = dataset.itemIds.map((id) => itemPrefix + id);
  const validMember = memberIds.map((id) => ID_PATTERN.test(id));
  const validItem = itemIds.map((id) => ID_PATTERN.test(id));
  const total = dataset.users.length;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_LINES;
  let plays = 0;
  let rejected = 0;
  for (let start = 0; start < total; start += chunkSize) {
    const chunk: Play[] = [];
    for (let r = start; r < Math.min(total, start + chunkSize); r++) {
      const user = dataset.users[r] as number;
      const item = dataset.items[r] as number;
      if (!validMember[user] || !validItem[item]) {
        rejected += 1;
        continue;
      }
      chunk.push(
        ratingPlay(memberIds[user] as string, itemIds[item] as string, dataset.timestamps[r] as number),
      );
    }
    await options.writer.write(chunk);
    plays += chunk.length;
    options.onProgress?.({
      rows: Math.min(total, start + chunkSize),
      done: Math.min(1, (start + chunkSize) / total),
    });
  }
  await options.writer.dropHotCopies();
  return { plays, rejected };
}
