import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Client } from 'cassandra-driver';
import type { Admin, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { ReferenceData, SimilarItems } from '@marquee/pages';
import { Cache } from '@marquee/storage';
import { CASSANDRA, KAFKA, REGISTRY } from '../tokens';

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

export interface Readiness {
  /** Cassandra answers: the source of truth, without which the service is not ready. */
  ok: boolean;
  report: Record<string, unknown>;
}

/** Whether the dependencies answer and what is loaded in memory; the metrics in Prometheus' format. */
@Injectable()
export class OpsService implements OnApplicationShutdown {
  private kafkaAdmin: Promise<Admin> | null = null;

  constructor(
    @Inject(CASSANDRA) private readonly cassandra: Client,
    private readonly cache: Cache,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(REGISTRY) private readonly registry: Registry,
    private readonly reference: ReferenceData,
    private readonly similar: SimilarItems,
  ) {}

  /**
   * Cassandra a query (required: it is the source of truth), memcached its version and Kafka its
   * metadata (reported; pages are served without them), and what is loaded in memory.
   */
  async readiness(): Promise<Readiness> {
    const [cassandra, memcached, kafka] = await Promise.all([
      this.check(
        () => this.cassandra.execute('SELECT now() FROM system.local').then(() => 'up'),
        'cassandra',
      ),
      this.check(() => this.cache.version(), 'memcached', 'serving from Cassandra'),
      this.check(
        () =>
          this.kafkaAdminClient()
            .then((admin) => admin.describeCluster())
            .then((c) => `${c.brokers.length} broker(s)`),
        'kafka',
        'plays cannot be accepted',
      ),
    ]);
    const { reference, similar } = this;
    return {
      ok: cassandra.ok,
      report: {
        ok: cassandra.ok,
        cassandra: cassandra.state,
        memcached: memcached.state,
        kafka: kafka.state,
        loaded: {
          catalog: reference.catalog.size,
          popular: reference.popular?.version ?? null,
          affinities: reference.affinities.version,
          variants: reference.variants.map((v) => v.name),
          similar: similar.current,
        },
      },
    };
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  async onApplicationShutdown(): Promise<void> {
    await (await this.kafkaAdmin?.catch(() => null))?.disconnect();
  }

  private async check(
    probe: () => Promise<string>,
    what: string,
    meaning = '',
  ): Promise<{ ok: boolean; state: string }> {
    try {
      return { ok: true, state: await within(probe(), 2000, what) };
    } catch (error) {
      return { ok: false, state: `down (${(error as Error).message})${meaning ? `; ${meaning}` : ''}` };
    }
  }

  private kafkaAdminClient(): Promise<Admin> {
    if (!this.kafkaAdmin) {
      const admin = this.kafka.admin();
      this.kafkaAdmin = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.kafkaAdmin = null;
          throw error;
        },
      );
    }
    return this.kafkaAdmin;
  }
}
