import type { Client } from 'cassandra-driver';
import { isFinished, type Play } from '@marquee/domain';
import {
  ContinueWatchingRepository,
  PlaysRepository,
  cacheKeys,
  executeUnlogged,
  forEachLimited,
  type Cache,
  type Statement,
} from '@marquee/storage';
import { withRetries } from './concurrency';

export interface HistoryWriterOptions {
  /** Requests in flight at once. */
  concurrency?: number;
  /** Statements per unlogged batch (all of one member). */
  batchSize?: number;
}

export const DEFAULT_HISTORY_WRITER: Required<HistoryWriterOptions> = { concurrency: 64, batchSize: 64 };

/**
 * Writes plays into the members' history in bulk: the same `plays_by_member` rows and Continue
 * watching state nearline writes for them (the repositories' statements, with the play's time as
 * write timestamp), as concurrent unlogged batches, each batch one member's partition. The rows are
 * keyed by member, time and event id, so writing a play again changes nothing.
 *
 * Nearline's per-play work (fold-in, Because you watched, Trending) is not run; the next pipeline
 * run trains on the history. `dropHotCopies` makes reads refill the members' hot copies from
 * Cassandra. Meant for one import at a time: it remembers the Continue watching titles it read.
 */
export class HistoryWriter {
  private readonly plays: PlaysRepository;
  private readonly continueWatching: ContinueWatchingRepository;
  private readonly options: Required<HistoryWriterOptions>;
  /** Members written since the hot copies were last dropped. */
  private readonly touched = new Set<string>();
  /** Per member read, the titles in their Continue watching row (with the time of each) as this import left it. */
  private readonly continueWatchingTitles = new Map<string, Map<string, number>>();

  constructor(
    private readonly client: Client,
    private readonly cache: Cache | undefined,
    options: HistoryWriterOptions = {},
  ) {
    this.plays = new PlaysRepository(client);
    this.continueWatching = new ContinueWatchingRepository(client);
    this.options = { ...DEFAULT_HISTORY_WRITER, ...options };
  }

  /** Writes `plays` (any members, any order); resolves once every row is stored. */
  async write(plays: readonly Play[]): Promise<void> {
    const byMember = new Map<string, Play[]>();
    for (const play of plays) {
      const own = byMember.get(play.userId);
      if (own) own.push(play);
      else byMember.set(play.userId, [play]);
    }
    await this.readContinueWatching(byMember);
    const batches: Statement[][] = [];
    for (const [memberId, own] of byMember) {
      this.touched.add(memberId);
      const titles = this.continueWatchingTitles.get(memberId);
      const statements = own.map((play) => this.plays.recordStatement(play));
      for (const play of this.continueWatchingPlays(own, titles)) {
        statements.push(this.continueWatching.writeStatement(play));
        const at = Date.parse(play.timestamp);
        if (isFinished(play)) titles?.delete(play.itemId);
        else if (titles && !((titles.get(play.itemId) ?? 0) > at)) titles.set(play.itemId, at);
      }
      for (let i = 0; i < statements.length; i += this.options.batchSize)
        batches.push(statements.slice(i, i + this.options.batchSize));
    }
    await forEachLimited(batches, this.options.concurrency, (batch) =>
      withRetries(() => executeUnlogged(this.client, batch)),
    );
  }

  /**
   * Drops the hot copies (recently watched, Continue watching) of every member written so far, so
   * reads refill them from Cassandra; once at the end rather than per write, a member's copies being
   * dropped once however many chunks held their plays.
   */
  async dropHotCopies(): Promise<void> {
    const cache = this.cache;
    const members = [...this.touched];
    this.touched.clear();
    if (!cache) return;
    await forEachLimited(members, this.options.concurrency, async (memberId) => {
      await Promise.all([
        cache.delete(cacheKeys.recentPlays(memberId)),
        cache.delete(cacheKeys.continueWatching(memberId)),
      ]);
    });
  }

  /**
   * The plays whose Continue watching write can change the row: per title, the member's newest play
   * (an older one's write loses to it by write timestamp anyway), and a finished one only when the
   * member's row holds the title at an earlier time, so a history of finished titles leaves no
   * tombstones behind.
   */
  private continueWatchingPlays(
    own: readonly Play[],
    stored: ReadonlyMap<string, number> | undefined,
  ): Play[] {
    const newest = new Map<string, Play>();
    for (const play of own) {
      const seen = newest.get(play.itemId);
      if (!seen || Date.parse(play.timestamp) >= Date.parse(seen.timestamp)) newest.set(play.itemId, play);
    }
    return [...newest.values()].filter(
      (play) => !isFinished(play) || (stored?.get(play.itemId) ?? Infinity) < Date.parse(play.timestamp),
    );
  }

  /**
   * Reads the Continue watching titles of members with a finished play in `byMember` the first time
   * they appear; later writes of the import keep the set current, so a member is read once.
   */
  private async readContinueWatching(byMember: ReadonlyMap<string, readonly Play[]>): Promise<void> {
    const unread = [...byMember]
      .filter(([memberId, own]) => !this.continueWatchingTitles.has(memberId) && own.some(isFinished))
      .map(([memberId]) => memberId);
    await forEachLimited(unread, this.options.concurrency, async (memberId) => {
      const entries = await withRetries(() => this.continueWatching.read(memberId));
      this.continueWatchingTitles.set(
        memberId,
        new Map(entries.map((entry) => [entry.itemId, Date.parse(entry.updatedAt)])),
      );
    });
  }
}
