import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@marquee/auth';
import type { Rule } from '@marquee/domain';
import { Allow, Caller } from '../common/decorators/access';
import { ValidPath } from '../common/guards/path.guards';
import { ApiAnswer, ApiBodyFrom, ApiErrors } from '../common/openapi';
import { validBody } from '../common/pipes/zod-validation.pipe';
import {
  ruleAnswerSchema,
  ruleBodySchema,
  ruleHistorySchema,
  ruleListSchema,
  rulePathSchema,
  ruleWrittenSchema,
} from '../common/schemas';
import { RulesService } from './rules.service';

@ApiTags('rules')
@ApiBearerAuth()
@Controller('v1/admin/rules')
@Allow('operator')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Put(':id')
  @ValidPath(rulePathSchema)
  @ApiOperation({
    summary: 'Write a merchandising rule (idempotent)',
    description:
      'block keeps titles or genres off every row; pin places titles at `position` in `rows` (or the ' +
      'first recommending row); boost and bury multiply scores by `weight` before a row is ranked. ' +
      'Scoped by devices, regions and the startsAt–endsAt window. A new body is a new version, ' +
      'recorded in the history with the caller; the same body again changes nothing. Announced on ' +
      '`rules.updated`: every replica applies it within 5 s.',
  })
  @ApiBodyFrom(ruleBodySchema)
  @ApiAnswer(200, 'the rule as written, with its version', ruleWrittenSchema)
  @ApiErrors(400, 401, 403, 429)
  put(@Param('id') id: string, @Body(validBody(ruleBodySchema)) rule: Rule, @Caller() caller: Principal) {
    return this.rules.put(id, rule, caller.subject);
  }

  @Get()
  @ApiOperation({ summary: 'Every rule in force and the version of the rule set' })
  @ApiAnswer(200, 'the rules', ruleListSchema)
  @ApiErrors(401, 403, 429)
  list() {
    return this.rules.list();
  }

  @Get(':id')
  @ValidPath(rulePathSchema)
  @ApiOperation({ summary: 'One rule in force (a deleted one is not found)' })
  @ApiAnswer(200, 'the rule', ruleAnswerSchema)
  @ApiErrors(400, 401, 403, 404, 429)
  get(@Param('id') id: string) {
    return this.rules.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ValidPath(rulePathSchema)
  @ApiOperation({
    summary: 'Delete a rule',
    description:
      'A new version, recorded in the history; deleting twice is harmless. Putting it again brings it back.',
  })
  @ApiAnswer(204, 'deleted')
  @ApiErrors(400, 401, 403, 404, 429)
  async remove(@Param('id') id: string, @Caller() caller: Principal): Promise<void> {
    await this.rules.remove(id, caller.subject);
  }

  @Get(':id/history')
  @ValidPath(rulePathSchema)
  @ApiOperation({
    summary: 'Every change of a rule, newest first: version, action, rule, who, when, previous version',
  })
  @ApiAnswer(200, 'the audit trail', ruleHistorySchema)
  @ApiErrors(400, 401, 403, 404, 429)
  history(@Param('id') id: string) {
    return this.rules.history(id);
  }
}
