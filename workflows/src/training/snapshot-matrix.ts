import type { InteractionMatrix } from '@marquee/algorithms';

/**
 * Builds the snapshot's member × title matrix from plays as they stream in, in typed arrays only
 * (16 bytes a play while reading), so tens of millions of plays fit where one object per play would
 * not. Ids are indexed in first-seen order and repeated (member, title) pairs are summed with their
 * latest time kept, exactly as `buildMatrix` does.
 */
export class SnapshotMatrixBuilder {
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly itemIds: string[] = [];
  private users = new Int32Array(1 << 16);
  private items = new Int32Array(1 << 16);
  private times = new Float64Array(1 << 16);
  private size = 0;

  get plays(): number {
    return this.size;
  }

  add(userId: string, itemId: string, at: number): void {
    let u = this.userIndex.get(userId);
    if (u === undefined) {
      u = this.userIds.length;
      this.userIndex.set(userId, u);
      this.userIds.push(userId);
    }
    let i = this.itemIndex.get(itemId);
    if (i === undefined) {
      i = this.itemIds.length;
      this.itemIndex.set(itemId, i);
      this.itemIds.push(itemId);
    }
    if (this.size === this.users.length) this.grow();
    this.users[this.size] = u;
    this.items[this.size] = i;
    this.times[this.size] = at;
    this.size++;
  }

  /** The CSR matrix: rows by member, titles ascending within a row, values = plays of the pair. */
  build(): InteractionMatrix {
    const numUsers = this.userIds.length;
    const numItems = this.itemIds.length;
    // Counting sort of the plays by member.
    const start = new Int32Array(numUsers + 1);
    for (let p = 0; p < this.size; p++) {
      const row = (this.users[p] as number) + 1;
      start[row] = (start[row] as number) + 1;
    }
    for (let u = 0; u < numUsers; u++) start[u + 1] = (start[u + 1] as number) + (start[u] as number);
    const next = start.slice(0, numUsers);
    const order = new Int32Array(this.size);
    for (let p = 0; p < this.size; p++) {
      const u = this.users[p] as number;
      const at = next[u] as number;
      order[at] = p;
      next[u] = at + 1;
    }

    // Per member: distinct titles in a slot table, then ascending.
    const slot = new Int32Array(numItems).fill(-1);
    const rowItems = new Int32Array(numItems);
    const rowValues = new Float32Array(numItems);
    const rowTimes = new Float64Array(numItems);
    const indptr = new Int32Array(numUsers + 1);
    let indices = new Int32Array(this.size);
    let values = new Float32Array(this.size);
    let times = new Float64Array(this.size);
    let q = 0;
    for (let u = 0; u < numUsers; u++) {
      indptr[u] = q;
      let distinct = 0;
      for (let r = start[u] as number; r < (start[u + 1] as number); r++) {
        const p = order[r] as number;
        const i = this.items[p] as number;
        const at = this.times[p] as number;
        const s = slot[i] as number;
        if (s < 0) {
          slot[i] = distinct;
          rowItems[distinct] = i;
          rowValues[distinct] = 1;
          rowTimes[distinct] = at;
          distinct++;
        } else {
          rowValues[s] = (rowValues[s] as number) + 1;
          rowTimes[s] = Math.max(rowTimes[s] as number, at);
        }
      }
      const sorted = rowItems.slice(0, distinct).sort();
      for (const i of sorted) {
        const s = slot[i] as number;
        indices[q] = i;
        values[q] = rowValues[s] as number;
        times[q] = rowTimes[s] as number;
        q++;
        slot[i] = -1;
      }
    }
    indptr[numUsers] = q;
    if (q < this.size) {
      indices = indices.slice(0, q);
      values = values.slice(0, q);
      times = times.slice(0, q);
    }
    return {
      numUsers,
      numItems,
      userIds: this.userIds,
      itemIds: this.itemIds,
      indptr,
      indices,
      values,
      times,
    };
  }

  private grow(): void {
    const capacity = this.users.length * 2;
    const users = new Int32Array(capacity);
    users.set(this.users);
    this.users = users;
    const items = new Int32Array(capacity);
    items.set(this.items);
    this.items = items;
    const times = new Float64Array(capacity);
    times.set(this.times);
    this.times = times;
  }
}
