import { Controller, Get, Header, HttpException, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Admin } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Platform } from '@marquee/runtime';
import { Public } from './auth/access';
import type { OnlineRuntime } from './online-runtime';
import { PLATFORM, REGISTRY, RUNTIME } from './tokens';

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

/** Health, readiness and metrics: public (no token) and never rate limited, for probes and Prometheus. */
@ApiExcludeController()
@Public()
@SkipThrottle()
@Controller()
export class OpsController {
  private kafkaAdmin: Promise<Admin> | null = null;

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(REGISTRY) private readonly registry: Registry,
    @Inject(RUNTIME) private readonly runtime: OnlineRuntime,
  ) {}

  /** Alive and able to serve (the app only listens once its clients are connected). */
  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }

  /**
   * Dependencies answer: Cassandra a query (required: it is the source of truth), memcached its version
   * and Kafka its metadata (reported; pages are served without them), and what is loaded in memory.
   */
  @Get('ready')
  async ready(): Promise<Record<string, unknown>> {
    const [cassandra, memcached, kafka] = await Promise.all([
      this.check(
        () => this.platform.cassandra.execute('SELECT now() FROM system.local').then(() => 'up'),
        'cassandra',
      ),
      this.check(() => this.platform.cache.version(), 'memcached', 'serving from Cassandra'),
      this.check(
        () =>
          this.kafka()
            .then((admin) => admin.describeCluster())
            .then((c) => `${c.brokers.length} broker(s)`),
        'kafka',
        'plays cannot be accepted',
      ),
    ]);
    const { reference, similar } = this.runtime;
    const report = {
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
    };
    if (!cassandra.ok) throw new HttpException(report, 503);
    return report;
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
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

  private kafka(): Promise<Admin> {
    if (!this.kafkaAdmin) {
      const admin = this.platform.kafka.admin();
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

  async onApplicationShutdown(): Promise<void> {
    await (await this.kafkaAdmin?.catch(() => null))?.disconnect();
  }
}
