import { listChecksum } from '@marquee/algorithms';
import type { ShardResult } from '@marquee/offline-client';
import type { ListStore, RegistrationsRepository } from '@marquee/storage';
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
}

/** Members scored per call of the algorithm: big enough for its typed-array loops, small enough to heartbeat. */
const MEMBERS_PER_BATCH = 1024;

export function scoreActivities(deps: ScoreDeps, artifacts: Artifacts) {
  return {
    /** Scores one shard of members and writes their top-k under the new version; a retry rewrites the same rows. */
    async scoreShard(input: ShardInput): Promise<ShardResult> {
      const algorithm = algorithmOf((await registrationOf(deps.registrations, input.registration)).algorithm);
      const { matrix } = await artifacts.snapshot(input.snapshot.blobId);
      const model = await artifacts.model(algorithm, input.artifact);
      const entries: Array<{ memberId: string; list: { itemIds: string[]; scores: number[] } }> = [];
      for (let start = input.start; start < input.end; start += MEMBERS_PER_BATCH) {
        const end = Math.min(input.end, start + MEMBERS_PER_BATCH);
        const users = Int32Array.from({ length: end - start }, (_, j) => start + j);
        const recs = algorithm.recommend(model, matrix, users, input.k);
        for (let r = 0; r < users.length; r++) {
          const itemIds: string[] = [];
          const scores: number[] = [];
          for (let j = 0; j < recs.k; j++) {
            const item = recs.items[r * recs.k + j] as number;
            if (item < 0) break;
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
