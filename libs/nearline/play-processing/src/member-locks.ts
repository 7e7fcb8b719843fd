/**
 * One task at a time per member, in the order they were queued, across everything nearline does
 * for a member (plays of a batch, a re-fold after a version switch, a cache refill), so a member's
 * events are never applied out of order or interleaved.
 */
export class MemberLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(memberId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(memberId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(memberId, tail);
    void tail.then(() => {
      if (this.tails.get(memberId) === tail) this.tails.delete(memberId);
    });
    return next;
  }
}
