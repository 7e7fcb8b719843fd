import { unpackMatrix, type Algorithm, type TrainedModel } from '@marquee/algorithms';
import type { BlobStore } from '@marquee/storage';
import { nonRetryable } from '../../activity-context';
import { ArtifactCache } from '../artifact-cache';

/**
 * Snapshots and models as the activities load them: from the blob store, kept for the next shard of
 * the same run. A missing or corrupt artifact does not heal by retrying: the run fails saying which.
 */
export class Artifacts {
  private readonly loaded = new ArtifactCache();

  constructor(private readonly blobs: BlobStore) {}

  snapshot(blobId: string) {
    return this.loaded.get(blobId, async () => {
      const bytes = await this.read(blobId, 'snapshot');
      return decode(blobId, 'snapshot', () => unpackMatrix(bytes));
    });
  }

  model(algorithm: Algorithm, blobId: string): Promise<TrainedModel> {
    return this.loaded.get(blobId, async () => {
      const bytes = await this.read(blobId, 'model');
      return decode(blobId, 'model', () => algorithm.deserialize(bytes) as TrainedModel);
    });
  }

  private async read(blobId: string, what: string): Promise<Uint8Array> {
    try {
      return await this.blobs.get(blobId);
    } catch (error) {
      const message = (error as Error).message;
      if (/does not exist|is corrupt/.test(message))
        throw nonRetryable('CorruptArtifact', `${what}: ${message}`);
      throw error;
    }
  }
}

function decode<T>(blobId: string, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw nonRetryable('CorruptArtifact', `${what} ${blobId} cannot be read: ${(error as Error).message}`);
  }
}
