import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/decorators/access';
import { ApiAnswer, ApiErrors, ApiQueryFrom } from '../common/openapi';
import { ValidPath } from '../common/guards/path.guards';
import { validQuery } from '../common/pipes/zod-validation.pipe';
import { modelsQuerySchema, workflowPathSchema, workflowsQuerySchema } from '../common/schemas';
import { AdminService } from './admin.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('workflows')
  @Allow('experimenter', 'operator')
  @ApiOperation({ summary: 'Recent pipeline runs from Temporal, newest first' })
  @ApiQueryFrom(workflowsQuerySchema)
  @ApiAnswer(200, '{runs: [{workflowId, runId, type, status, startTime, closeTime}]}')
  @ApiErrors(400, 401, 403, 429, 503)
  workflows(@Query(validQuery(workflowsQuerySchema)) { type, limit }: { type?: string; limit: number }) {
    return this.admin.runs({ limit, ...(type ? { type } : {}) });
  }

  @Get('workflows/:id')
  @Allow('experimenter', 'operator')
  @ApiOperation({ summary: 'One run: status and each step with its duration, attempts and failure' })
  @ValidPath(workflowPathSchema)
  @ApiAnswer(200, 'the run with its steps')
  @ApiErrors(400, 401, 403, 404, 429, 503)
  workflow(@Param('id') id: string) {
    return this.admin.run(id);
  }

  @Get('models')
  @Allow('operator')
  @ApiOperation({
    summary: 'The model registry: registrations, their model versions, metrics, status and champions',
  })
  @ApiQueryFrom(modelsQuerySchema)
  @ApiAnswer(200, '{registrations: [{name, algorithm, traffic, …, champion, models: […]}]}')
  @ApiErrors(400, 401, 403, 429)
  models(@Query(validQuery(modelsQuerySchema)) { limit }: { limit: number }) {
    return this.admin.registry(limit);
  }
}
