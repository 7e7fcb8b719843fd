/**
 * Members this process applied plays for, with when, newest last (bounded). After a version switch
 * the ones active since the new model's snapshot are re-folded, since the offline batch scored them
 * from history that lacks their latest plays.
 */
export class RecentMembers {
  private readonly at = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  touch(memberId: string, now = Date.now()): void {
    this.at.delete(memberId);
    this.at.set(memberId, now);
    if (this.at.size > this.capacity) this.at.delete(this.at.keys().next().value as string);
  }

  /** Members touched at or after `since` (ms), oldest first. */
  since(since: number): string[] {
    const members: string[] = [];
    for (const [memberId, at] of this.at) if (at >= since) members.push(memberId);
    return members;
  }
}
