import { packMatrix, type DataWindow } from '@marquee/algorithms';
import type { BlobStore, PlaysRepository } from '@marquee/storage';
import type { Logger } from '@marquee/observability';
import { heartbeat, nonRetryable } from '../../activity-context';
import { SnapshotMatrixBuilder } from '../snapshot-matrix';
import type { SnapshotRef } from './refs';

const SNAPSHOT_TTL_SECONDS = 14 * 24 * 3600;

export interface SnapshotDeps {
  plays: PlaysRepository;
  blobs: BlobStore;
  logger: Logger;
}

export function snapshotActivities(deps: SnapshotDeps) {
  return {
    /**
     * Reads every stored play, page by page, into a member × title matrix (play counts, latest time)
     * and stores it as a chunked blob.
     */
    async snapshotInteractions(input: { workflowId: string }): Promise<SnapshotRef> {
      let from = Number.POSITIVE_INFINITY;
      let to = 0;
      const builder = new SnapshotMatrixBuilder();
      const scanned = (playsScanned: number) => heartbeat({ step: 'snapshot', playsScanned });
      for await (const { memberId, itemId, at } of deps.plays.scanInteractions(scanned)) {
        from = Math.min(from, at);
        to = Math.max(to, at);
        builder.add(memberId, itemId, at);
      }
      if (builder.plays === 0) {
        throw nonRetryable(
          'EmptyDataset',
          'the snapshot is empty: no plays are stored yet, so there is nothing to train on',
        );
      }
      heartbeat({ step: 'snapshot', playsScanned: builder.plays, building: 'matrix' });
      const matrix = builder.build();
      const window: DataWindow = {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        members: matrix.numUsers,
        items: matrix.numItems,
        interactions: matrix.indices.length,
      };
      const blobId = `snapshot:${input.workflowId}`;
      await deps.blobs.put(blobId, 'snapshot', packMatrix(matrix, window), SNAPSHOT_TTL_SECONDS);
      deps.logger.info({ blobId, ...window }, 'interactions snapshotted');
      return { blobId, window };
    },
  };
}
