import { createHash } from 'node:crypto';
import {
  AFFINITIES_LIST,
  type AffinitiesRepository,
  type CatalogRepository,
  type ListStore,
  type ListsRepository,
  type PlaysRepository,
} from '@marquee/storage';
import { AffinityCounter } from '@marquee/algorithms';
import type { AffinitiesSummary } from '@marquee/offline-client';
import type { Logger } from '@marquee/observability';
import { heartbeat } from '../../activity-context';

export interface ComputeAffinitiesInput {
  version: string;
  workflowId: string;
  /** Plays older than `windowDays` before this instant (the workflow's start) are left out. */
  asOf: number;
  windowDays?: number;
}

export interface AffinityActivityDeps {
  plays: PlaysRepository;
  catalog: CatalogRepository;
  affinities: AffinitiesRepository;
  lists: ListsRepository;
  listStore: ListStore;
  logger: Logger;
}

const DEFAULT_WINDOW_DAYS = 90;

/** Offline data for the online re-ranking: genre × device and genre × hour-of-day affinities. */
export function createAffinityActivities(deps: AffinityActivityDeps) {
  return {
    /** Snapshot plays joined with the catalog's genres → affinities under `version` → champion. */
    async computeGenreAffinities(input: ComputeAffinitiesInput): Promise<AffinitiesSummary> {
      const genresOf = new Map((await deps.catalog.all()).map((item) => [item.itemId, item.genres]));
      const since = input.asOf - (input.windowDays ?? DEFAULT_WINDOW_DAYS) * 24 * 3600_000;
      const counter = new AffinityCounter();
      let playsScanned = 0;
      for await (const play of deps.plays.scan((count) => heartbeat({ playsScanned: count }))) {
        playsScanned += 1;
        const at = play.playedAt.getTime();
        if (at < since || at > input.asOf) continue;
        counter.add(play, genresOf.get(play.itemId) ?? []);
      }
      const cells = counter.cells();
      const summary = {
        version: input.version,
        playsScanned,
        playsCounted: counter.plays,
        genres: new Set(cells.map((c) => c.genre)).size,
        cells: cells.length,
      };
      if (counter.plays === 0) {
        // Not a failure of the pipeline: popularity is already published; the old affinities stay.
        deps.logger.warn(summary, 'no plays of catalogued titles: genre affinities not republished');
        return { ...summary, published: false };
      }
      await deps.affinities.write(input.version, cells);
      await deps.lists.saveVersion({
        list: AFFINITIES_LIST,
        version: input.version,
        algorithm: 'genre-affinity',
        status: 'champion',
        location: `cassandra:genre_affinities/${input.version}`,
        members: 0,
        items: cells.length,
        checksum: `sha256:${createHash('sha256').update(JSON.stringify(cells)).digest('hex')}`,
        metrics: { playsScanned, playsCounted: counter.plays, genres: summary.genres },
        workflowId: input.workflowId,
        createdAt: new Date(input.asOf),
      });
      // Online rereads the affinities' champion every refresh, so the switch is not announced.
      await deps.listStore.switchChampion(AFFINITIES_LIST, input.version, `computed by ${input.workflowId}`);
      deps.logger.info(summary, 'genre affinities published');
      return { ...summary, published: true };
    },
  };
}
