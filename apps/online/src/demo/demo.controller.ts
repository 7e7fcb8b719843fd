import { Body, Controller, Get, Header, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/access';
import { ApiAnswer, ApiBodyFrom, ApiErrors } from '../common/openapi';
import { validBody } from '../common/pipes/zod-validation.pipe';
import { demoSessionSchema, demoTokenSchema } from '../common/schemas';
import { DemoEnabledGuard } from './demo-enabled.guard';
import { DEMO_PAGE } from './demo-page';
import { DemoService } from './demo.service';

/**
 * The device demo page. Enabled only with the local HS256 secret (never with JWKS): it mints device
 * tokens for whoever asks, which is what a local demo needs and what production must never do.
 */
@ApiTags('demo')
@Public()
@UseGuards(DemoEnabledGuard)
@Controller('demo')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiOperation({
    summary: 'A home screen over this API: pick a member and a device, click a title to play it',
  })
  page(): string {
    return DEMO_PAGE;
  }

  @Post('session')
  @ApiOperation({ summary: 'A short-lived device token for a member (local demo only)' })
  @ApiBodyFrom(demoSessionSchema)
  @ApiAnswer(201, 'the token', demoTokenSchema)
  @ApiErrors(400, 404, 429)
  session(@Body(validBody(demoSessionSchema)) { memberId }: { memberId: string }) {
    return this.demo.session(memberId);
  }
}
