import { createHash } from 'node:crypto';
import type { ScoredList } from '@marquee/domain';

/** A content checksum of a list, announced with it so consumers can verify what they load. */
export function listChecksum(entries: ReadonlyArray<{ memberId: string; list: ScoredList }>): string {
  const hash = createHash('sha256');
  for (const entry of [...entries].sort((a, b) => a.memberId.localeCompare(b.memberId))) {
    hash.update(entry.memberId);
    entry.list.itemIds.forEach((id, i) => hash.update(`|${id}:${entry.list.scores[i] ?? 0}`));
    hash.update('\n');
  }
  return `sha256:${hash.digest('hex')}`;
}
