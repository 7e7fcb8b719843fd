import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Kafka } from 'kafkajs';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type { ChampionModels, ModelSwitch } from './champion-models';
import type { MemberLocks } from './member-locks';
import type { NearlineMetrics } from './nearline-metrics';
import type { PlayProcessor } from './play-processor';
import type { RecentMembers } from './recent-members';
import { Limiter } from './limiter';
import { SupervisedConsumer } from './supervised-consumer';

/** Plays up to this long before a snapshot's latest play may still have missed it (in flight). */
const SNAPSHOT_MARGIN_MS = 60_000;

/**
 * Follows `results.published`: on an announcement nearline reloads the champions (ChampionModels)
 * and swaps them between plays, then re-folds the members it applied plays for since the new
 * model's snapshot, because the offline batch scored those from a history without their latest
 * plays. Re-folds go through the member locks, so they never interleave with a member's plays.
 * Every process needs every announcement, so each follows the topic in a group of its own.
 */
export class ModelSwitcher {
  private readonly consumer: SupervisedConsumer;
  private readonly refolds = new Limiter(4);
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly deps: {
      kafka: Kafka;
      topics: Topics;
      models: ChampionModels;
      processor: PlayProcessor;
      locks: MemberLocks;
      recentMembers: RecentMembers;
      metrics: Pick<NearlineMetrics, 'models' | 'modelSwitches'>;
      logger: Logger;
      groupPrefix: string;
      /** Reload on this period too, in case an announcement was missed. */
      refreshMs: number;
    },
  ) {
    this.consumer = new SupervisedConsumer({
      kafka: deps.kafka,
      name: 'results.published',
      topic: deps.topics.resultsPublished.name,
      fromBeginning: false,
      logger: deps.logger,
      config: {
        groupId: `${deps.groupPrefix}-results-${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
        // An announcement ends an idle fetch's wait at once; this only paces the idle polls.
        maxWaitTimeInMs: 1000,
        retry: { retries: 10, initialRetryTime: 300 },
      },
      run: {
        // A group of one process that starts at the end each time: nothing to commit, and an
        // empty group without offsets does not linger on the broker.
        autoCommit: false,
        eachMessage: async ({ message }) => {
          this.deps.logger.info(
            { announcement: message.value?.toString().slice(0, 300) },
            'results published',
          );
          await this.switchModels('results.published');
        },
      },
    });
  }

  /** Follows announcements first, then loads the champions, so none published in between is missed. */
  async start(): Promise<void> {
    await this.consumer.start();
    await this.switchModels('start');
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.switchModels('periodic').finally(() => {
          if (!this.stopped) tick();
        });
      }, this.deps.refreshMs);
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.consumer.stop();
  }

  /** Reloads the champions and re-folds recently active members of what switched; never throws. */
  private async switchModels(why: string): Promise<ModelSwitch[]> {
    let switches: ModelSwitch[];
    try {
      switches = await this.deps.models.refresh();
    } catch (error) {
      this.deps.logger.warn(
        { why, error: (error as Error).message },
        'champion models not reloaded; keeping the current ones',
      );
      return [];
    }
    this.publishGauge();
    for (const change of switches) {
      this.deps.metrics.modelSwitches.inc({ registration: change.registration });
      this.deps.logger.info({ why, ...change }, 'nearline switched champion version');
      // At start nothing was applied against an older version here. A neighbours switch needs no
      // re-fold: "Because you watched" is written only nearline, so it has no stale batch copy.
      if (change.from !== null && change.kind === 'fold-in') this.refold(change);
    }
    return switches;
  }

  private refold(change: ModelSwitch): void {
    const members = this.deps.recentMembers.since(change.dataUntil - SNAPSHOT_MARGIN_MS);
    if (members.length === 0) return;
    this.deps.logger.info(
      { registration: change.registration, members: members.length },
      're-folding recently active members',
    );
    for (const memberId of members) {
      void this.refolds
        .run(() => this.deps.locks.run(memberId, () => this.deps.processor.refreshDerived(memberId)))
        .catch((error: unknown) =>
          this.deps.logger.warn(
            { memberId, registration: change.registration, error: (error as Error).message },
            'member not re-folded after the switch; their next play will',
          ),
        );
    }
  }

  private publishGauge(): void {
    const set = this.deps.models.current();
    this.deps.metrics.models.reset();
    for (const c of [...set.foldIn, ...(set.neighbours ? [set.neighbours] : [])])
      this.deps.metrics.models.set({ registration: c.registration, kind: c.kind, version: c.version }, 1);
  }
}
