import { Body, Controller, Get, Header, Inject, NotFoundException, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { mintToken } from '@marquee/auth';
import { parseOrThrow } from '@marquee/domain';
import type { Platform } from '@marquee/runtime';
import { Public } from './auth/access';
import { DEMO_PAGE } from './demo-page';
import type { OnlineOptions } from './online-options';
import { ApiAnswer, ApiBodyFrom, ApiErrors } from './openapi';
import { demoSessionSchema, demoTokenSchema } from './schemas';
import { OPTIONS, PLATFORM } from './tokens';

const DEMO_TOKEN_LIFETIME = '1h';

/**
 * The device demo page. Enabled only with the local HS256 secret (never with JWKS): it mints device
 * tokens for whoever asks, which is what a local demo needs and what production must never do.
 */
@ApiTags('demo')
@Public()
@Controller('demo')
export class DemoController {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(OPTIONS) private readonly options: OnlineOptions,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiOperation({
    summary: 'A home screen over this API: pick a member and a device, click a title to play it',
  })
  page(): string {
    this.enabled();
    return DEMO_PAGE;
  }

  @Post('session')
  @ApiOperation({ summary: 'A short-lived device token for a member (local demo only)' })
  @ApiBodyFrom(demoSessionSchema)
  @ApiAnswer(201, 'the token', demoTokenSchema)
  @ApiErrors(400, 404, 429)
  async session(@Body() body: unknown) {
    this.enabled();
    const { memberId } = parseOrThrow(demoSessionSchema, body ?? {}, 'body');
    const token = await mintToken(
      { role: 'device', memberId },
      this.platform.config.auth.secret,
      DEMO_TOKEN_LIFETIME,
    );
    return { memberId, role: 'device' as const, token, expiresIn: DEMO_TOKEN_LIFETIME };
  }

  private enabled(): void {
    if (!this.options.demoPage)
      throw new NotFoundException(
        'the demo page is off (it runs only with the local token secret; MARQUEE_DEMO_PAGE)',
      );
  }
}
