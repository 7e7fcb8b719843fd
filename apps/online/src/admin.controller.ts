import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { parseOrThrow } from '@marquee/domain';
import type { AdminService } from './admin.service';
import { Allow } from './auth/access';
import { ApiAnswer, ApiErrors, ApiQueryFrom } from './openapi';
import { modelsQuerySchema, workflowPathSchema, workflowsQuerySchema } from './schemas';
import { ADMIN } from './tokens';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin')
export class AdminController {
  constructor(@Inject(ADMIN) private readonly admin: AdminService) {}

  @Get('workflows')
  @Allow('experimenter', 'operator')
  @ApiOperation({ summary: 'Recent pipeline runs from Temporal, newest first' })
  @ApiQueryFrom(workflowsQuerySchema)
  @ApiAnswer(200, '{runs: [{workflowId, runId, type, status, startTime, closeTime}]}')
  @ApiErrors(400, 401, 403, 429, 503)
  workflows(@Query() query: unknown) {
    const q = parseOrThrow(workflowsQuerySchema, query ?? {}, 'query');
    return this.admin.runs({ limit: q.limit, ...(q.type ? { type: q.type } : {}) });
  }

  @Get('workflows/:id')
  @Allow('experimenter', 'operator')
  @ApiOperation({ summary: 'One run: status and each step with its duration, attempts and failure' })
  @ApiParam({ name: 'id', description: 'workflow id' })
  @ApiAnswer(200, 'the run with its steps')
  @ApiErrors(400, 401, 403, 404, 429, 503)
  workflow(@Param('id') id: string) {
    const { id: workflowId } = parseOrThrow(workflowPathSchema, { id }, 'path');
    return this.admin.run(workflowId);
  }

  @Get('models')
  @Allow('operator')
  @ApiOperation({
    summary: 'The model registry: registrations, their model versions, metrics, status and champions',
  })
  @ApiQueryFrom(modelsQuerySchema)
  @ApiAnswer(200, '{registrations: [{name, algorithm, traffic, …, champion, models: […]}]}')
  @ApiErrors(400, 401, 403, 429)
  models(@Query() query: unknown) {
    const { limit } = parseOrThrow(modelsQuerySchema, query ?? {}, 'query');
    return this.admin.models(limit);
  }
}
