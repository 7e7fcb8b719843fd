import type { ScoredList } from '@marquee/domain';

/** Format byte of an encoded list; a reader meeting another one refuses it rather than guess. */
const FORMAT = 1;
const SEPARATOR = '\n';

/**
 * A ranked list as one blob cell (migration 7): a format byte, the length, the scores as float64
 * and the item ids as UTF-8 separated by newlines (ids cannot hold one). A frozen list<text> cost
 * Cassandra a deserialization and a UTF-8 check of every element on each write, the largest part of
 * what a nearline play costs it; a blob is stored as it comes.
 */
export function encodeRankedList(list: ScoredList): Buffer {
  const count = list.itemIds.length;
  if (list.scores.length !== count)
    throw new Error(`a ranked list needs one score per title: ${count} titles, ${list.scores.length} scores`);
  for (const id of list.itemIds)
    if (id.includes(SEPARATOR)) throw new Error(`title id ${JSON.stringify(id)} holds a newline`);
  const ids = Buffer.from(list.itemIds.join(SEPARATOR), 'utf8');
  const out = Buffer.allocUnsafe(5 + 8 * count + ids.length);
  out.writeUInt8(FORMAT, 0);
  out.writeUInt32LE(count, 1);
  for (let i = 0; i < count; i++) out.writeDoubleLE(list.scores[i] as number, 5 + 8 * i);
  ids.copy(out, 5 + 8 * count);
  return out;
}

export function decodeRankedList(blob: Buffer): ScoredList {
  if (blob.length < 5 || blob.readUInt8(0) !== FORMAT)
    throw new Error(`not a ranked list blob (format ${blob.length > 0 ? blob.readUInt8(0) : 'none'})`);
  const count = blob.readUInt32LE(1);
  const idsAt = 5 + 8 * count;
  if (idsAt > blob.length)
    throw new Error(`ranked list blob of ${blob.length} bytes cannot hold ${count} scores`);
  const scores = new Array<number>(count);
  for (let i = 0; i < count; i++) scores[i] = blob.readDoubleLE(5 + 8 * i);
  const itemIds = count === 0 ? [] : blob.toString('utf8', idsAt).split(SEPARATOR);
  if (itemIds.length !== count)
    throw new Error(`ranked list blob holds ${itemIds.length} titles for ${count} scores`);
  return { itemIds, scores };
}
