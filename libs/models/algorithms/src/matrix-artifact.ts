import type { InteractionMatrix } from './matrix';
import { packArtifact, unpackArtifact } from './serialization';

export interface DataWindow {
  from: string;
  to: string;
  members: number;
  items: number;
  interactions: number;
}

/** An interaction snapshot as an artifact: what a training run saw, reloadable by every worker. */
export function packMatrix(matrix: InteractionMatrix, window: DataWindow): Uint8Array {
  return packArtifact(
    { kind: 'snapshot', userIds: matrix.userIds, itemIds: matrix.itemIds, window },
    {
      indptr: matrix.indptr,
      indices: matrix.indices,
      values: matrix.values,
      ...(matrix.times ? { times: matrix.times } : {}),
    },
  );
}

export function unpackMatrix(bytes: Uint8Array): { matrix: InteractionMatrix; window: DataWindow } {
  const { header, arrays } = unpackArtifact(bytes);
  if (header['kind'] !== 'snapshot')
    throw new Error(`artifact is a ${String(header['kind'])}, not an interaction snapshot`);
  const userIds = header['userIds'] as string[];
  const itemIds = header['itemIds'] as string[];
  const times = arrays['times'] as Float64Array | undefined;
  return {
    matrix: {
      numUsers: userIds.length,
      numItems: itemIds.length,
      userIds,
      itemIds,
      indptr: arrays['indptr'] as Int32Array,
      indices: arrays['indices'] as Int32Array,
      values: arrays['values'] as Float32Array,
      ...(times ? { times } : {}),
    },
    window: header['window'] as DataWindow,
  };
}
