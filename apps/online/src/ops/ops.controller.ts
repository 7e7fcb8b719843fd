import { Controller, Get, Header, HttpException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../common/decorators/access';
import { OpsService } from './ops.service';

/** Health, readiness and metrics: public (no token) and never rate limited, for probes and Prometheus. */
@ApiExcludeController()
@Public()
@SkipThrottle()
@Controller()
export class OpsController {
  constructor(private readonly ops: OpsService) {}

  /** Alive and able to serve (the app only listens once its clients are connected). */
  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }

  /** 200 when Cassandra answers, else 503; the report says how each dependency is. */
  @Get('ready')
  async ready(): Promise<Record<string, unknown>> {
    const { ok, report } = await this.ops.readiness();
    if (!ok) throw new HttpException(report, 503);
    return report;
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.ops.metrics();
  }
}
