import type {
  Consumer,
  ConsumerConfig,
  ConsumerRunConfig,
  Kafka,
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import type { Logger } from '@marquee/observability';

export interface SupervisedConsumerOptions {
  kafka: Kafka;
  config: ConsumerConfig;
  topic: string;
  fromBeginning: boolean;
  run: ConsumerRunConfig;
  logger: Logger;
  /** What this consumer is, for logs ("plays", "results.published"). */
  name: string;
  /** Called each time the consumer (re)joins its group: its partitions may have changed. */
  onGroupJoin?: () => void;
}

/**
 * A kafkajs consumer that outlives the broker. kafkajs restarts a consumer itself after retriable
 * errors but gives up on others (the broker gone for longer than its retries, for example); then
 * this builds a new consumer in the same group, with backoff, until it runs again or is stopped.
 * Nothing is lost meanwhile: offsets are committed only for plays whose writes succeeded.
 */
export class SupervisedConsumer {
  private consumer: Consumer | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private delayMs = 500;

  constructor(private readonly options: SupervisedConsumerOptions) {}

  /** Starts consuming; resolves once running the first time (throws if that fails). */
  async start(): Promise<void> {
    await this.build();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // disconnect waits for the batch in progress (and, with kafkajs committing, commits its resolved
    // offsets) and leaves the group.
    await this.consumer?.disconnect().catch(() => undefined);
  }

  /**
   * Commits offsets for the group through the running consumer (for a run with `autoCommit: false`).
   * While the consumer is being rebuilt, or once it stopped, kafkajs skips the commit: those plays
   * are read again later and dropped as duplicates.
   */
  async commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    await this.consumer?.commitOffsets(offsets);
  }

  private async build(): Promise<void> {
    const { kafka, config, topic, fromBeginning, run, logger, name } = this.options;
    const consumer = kafka.consumer(config);
    this.consumer = consumer;
    const { onGroupJoin } = this.options;
    if (onGroupJoin) consumer.on(consumer.events.GROUP_JOIN, () => onGroupJoin());
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart || this.stopped) return;
      logger.error(
        { consumer: name, error: event.payload.error.message, retryInMs: this.delayMs },
        'consumer stopped; rebuilding it',
      );
      this.scheduleRebuild();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning });
      await consumer.run(run);
      this.delayMs = 500;
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private scheduleRebuild(): void {
    if (this.stopped || this.timer) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(30_000, this.delayMs * 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      void (async () => {
        await this.consumer?.disconnect().catch(() => undefined);
        try {
          await this.build();
          this.options.logger.info({ consumer: this.options.name }, 'consumer running again');
        } catch (error) {
          this.options.logger.warn(
            { consumer: this.options.name, error: (error as Error).message, retryInMs: this.delayMs },
            'consumer could not start yet; retrying',
          );
          this.scheduleRebuild();
        }
      })();
    }, delay);
  }
}
