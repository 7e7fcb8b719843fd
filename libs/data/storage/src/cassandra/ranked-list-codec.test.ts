import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRankedList, encodeRankedList } from './ranked-list-codec';

describe('ranked list blobs', () => {
  it('give back the titles and exact scores they were made of, in rank order', () => {
    const list = { itemIds: ['i7', 'tt0111161', 'a.b:c-d_e'], scores: [0.9123456789012345, -1e-300, 0] };
    assert.deepEqual(decodeRankedList(encodeRankedList(list)), list);
  });

  it('hold an empty list', () => {
    assert.deepEqual(decodeRankedList(encodeRankedList({ itemIds: [], scores: [] })), {
      itemIds: [],
      scores: [],
    });
  });

  it('read a blob that is a slice of a larger buffer, as the driver hands them', () => {
    const blob = encodeRankedList({ itemIds: ['i1', 'i2'], scores: [2, 1] });
    const inside = Buffer.concat([Buffer.from('xyz'), blob]).subarray(3);
    assert.deepEqual(decodeRankedList(inside), { itemIds: ['i1', 'i2'], scores: [2, 1] });
  });

  it('refuse a list whose scores do not match its titles, and ids with a newline', () => {
    assert.throws(() => encodeRankedList({ itemIds: ['i1'], scores: [] }), /one score per title/);
    assert.throws(() => encodeRankedList({ itemIds: ['i\n1'], scores: [1] }), /newline/);
  });

  it('refuse bytes that are not a list of this format, or cut short', () => {
    assert.throws(() => decodeRankedList(Buffer.from([9, 0, 0, 0, 0])), /not a ranked list blob/);
    const blob = encodeRankedList({ itemIds: ['i1', 'i2'], scores: [2, 1] });
    assert.throws(() => decodeRankedList(blob.subarray(0, 10)), /cannot hold 2 scores/);
  });
});
