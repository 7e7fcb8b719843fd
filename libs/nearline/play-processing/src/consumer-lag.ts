import type { Admin, Kafka } from 'kafkajs';
import type { Gauge } from 'prom-client';
import type { Logger } from '@marquee/observability';

/** Lag of a consumer group on a topic: per partition, messages between its committed offset and the end. */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const done = new Map<number, number>();
  for (const t of committed) for (const p of t.partitions) done.set(p.partition, Number(p.offset));
  const lag = new Map<number, number>();
  for (const p of ends) {
    const from = done.get(p.partition) ?? -1;
    // A partition the group never committed is behind by everything still retained.
    lag.set(p.partition, Math.max(0, Number(p.high) - (from >= 0 ? from : Number(p.low))));
  }
  return lag;
}

/** How often the lag is sampled. */
const SAMPLE_MS = 2000;

/** Samples the group's lag into a gauge; keeps the last values while the broker is away. */
export class ConsumerLagProbe {
  private admin: Admin | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: {
      kafka: Kafka;
      groupId: string;
      topic: string;
      gauge: Gauge;
      logger: Logger;
    },
  ) {}

  start(): void {
    const tick = async () => {
      try {
        if (!this.admin) {
          this.admin = this.options.kafka.admin();
          await this.admin.connect();
        }
        const lag = await groupLag(this.admin, this.options.groupId, this.options.topic);
        for (const [partition, value] of lag)
          this.options.gauge.set({ topic: this.options.topic, partition: String(partition) }, value);
      } catch (error) {
        this.options.logger.debug({ error: (error as Error).message }, 'consumer lag not sampled');
        await this.admin?.disconnect().catch(() => undefined);
        this.admin = null;
      }
      if (this.timer) this.timer = setTimeout(() => void tick(), SAMPLE_MS);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.admin?.disconnect().catch(() => undefined);
  }
}
