import { listChecksum } from '@marquee/algorithms';
import type { ShardResult } from '@marquee/offline-client';
import { isAvailable } from '@marquee/domain';
import type { CatalogRepository, ListStore, RegistrationsRepository } from '@marquee/storage';
import { heartbeat } from '../../activity-context';
import type { Artifacts } from './artifacts';
import type { SnapshotRef } from './refs';
import { algorithmOf, registrationOf } from './registry';

export interface ShardInput {
  registration: string;
  version: string;
  artifact: string;
  snapshot: SnapshotRef;
  /** Member rows [start, end) of the snapshot. */
  start: number;
  end: number;
  k: number;
}

export interface ScoreDeps {
  registrations: RegistrationsRepository;
  listStore: ListStore;
  /** Titles not available now (removed, outside their window) are left out of scored lists. */
  catalog?: CatalogRepository;
}

/** The shards of a run share one read of the catalog for this long. */
const UNAVAILABLE_TTL_MS = 60_000;

/** Ids of titles that may not be shown now, read once per TTL for all shards of the worker. */
function unavailableTitles(catalog: CatalogRepository | undefined) {
  let cached: { at: number; ids: Promise<ReadonlySet<string>> } | null = null;
  return (): Promise<ReadonlySet<string>> => {
    const now = Date.now();
    if (!catalog) return Promise.resolve(new Set());
    if (!cached || now - cached.at > UNAVAILABLE_TTL_MS) {
      const ids = catalog
        .all()
        .then((items) => new Set(items.filter((item) => !isAvailable(item, now)).map((i) => i.itemId)));
      cached = { at: now, ids };
      // A failed read is not kept: the next shard tries again.
      ids.catch(() => (cached = null));
    }
    return cached.ids;
  };
}

/** Members scored per call of the algorithm: big enough for its typed-array loops, small enough to heartbeat. */
const MEMBERS_PER_BATCH = 1024;

export function scoreActivities(deps: ScoreDeps, artifacts: Artifacts) {
  const unavailable = unavailableTitles(deps.catalog);
  return {
    /** Scores one shard of members and writes their top-k under the new version; a retry rewrites the same rows. */
    async scoreShard(input: ShardInput): Promise<ShardResult> {
      const algorithm = algorithmOf((await registrationOf(deps.registrations, input.registration)).algorithm);
      const { matrix } = await artifacts.snapshot(input.snapshot.blobId);
      const model = await artifacts.model(algorithm, input.artifact);
      const hidden = await unavailable();
      // Asked for more than k, so a list keeps k titles once unavailable ones are left out.
      const depth = input.k + Math.min(hidden.size, input.k);
      const entries: Array<{ memberId: string; list: { itemIds: string[]; scores: number[] } }> = [];
      for (let start = input.start; start < input.end; start += MEMBERS_PER_BATCH) {
        const end = Math.min(input.end, start + MEMBERS_PER_BATCH);
        const users = Int32Array.from({ length: end - start }, (_, j) => start + j);
        const recs = algorithm.recommend(model, matrix, users, depth);
        for (let r = 0; r < users.length; r++) {
          const itemIds: string[] = [];
          const scores: number[] = [];
          for (let j = 0; j < recs.k; j++) {
            const item = recs.items[r * recs.k + j] as number;
            if (item < 0 || itemIds.length >= input.k) break;
            if (hidden.has(model.itemIds[item] as string)) continue;
            itemIds.push(model.itemIds[item] as string);
            scores.push(Math.round((recs.scores[r * recs.k + j] as number) * 1e5) / 1e5);
          }
          entries.push({ memberId: matrix.userIds[users[r] as number] as string, list: { itemIds, scores } });
        }
        heartbeat({ scored: end - input.start, of: input.end - input.start });
      }
      await deps.listStore.writeEntries(input.registration, input.version, entries);
      return { start: input.start, end: input.end, members: entries.length, checksum: listChecksum(entries) };
    },
  };
}
