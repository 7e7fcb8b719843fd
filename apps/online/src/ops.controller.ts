import { Controller, Get, Header, HttpException, Inject } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { Platform } from '@marquee/runtime';
import { PLATFORM, REGISTRY } from './tokens';

@Controller()
export class OpsController {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(REGISTRY) private readonly registry: Registry,
  ) {}

  /** Alive and able to serve (the app only listens once its clients are connected). */
  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }

  /** Dependencies answer: Cassandra a query, memcached its version. */
  @Get('ready')
  async ready(): Promise<Record<string, string>> {
    const checks: Record<string, string> = {};
    let ok = true;
    try {
      await this.platform.cassandra.execute('SELECT now() FROM system.local');
      checks['cassandra'] = 'up';
    } catch (error) {
      ok = false;
      checks['cassandra'] = (error as Error).message;
    }
    try {
      checks['memcached'] = await this.platform.cache.version();
    } catch (error) {
      checks['memcached'] = `down (${(error as Error).message}); serving from Cassandra`;
    }
    if (!ok) throw new HttpException({ ok: false, ...checks }, 503);
    return { ok: 'true', ...checks };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
