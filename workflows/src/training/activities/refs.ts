import type { DataWindow } from '@marquee/algorithms';

/** A stored snapshot of interactions (a blob) and the window of plays it covers. */
export interface SnapshotRef {
  blobId: string;
  window: DataWindow;
}

/** A trained candidate model: the stored artifact of one registration's version. */
export interface TrainedRef {
  registration: string;
  version: string;
  algorithm: string;
  artifact: string;
  trainSeconds: number;
}
