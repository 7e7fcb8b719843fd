import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@marquee/auth';
import type { Profile } from '@marquee/domain';
import { Allow, Caller } from '../common/decorators/access';
import { OwnMemberOnly } from '../common/guards/path.guards';
import { ApiAnswer, ApiBodyFrom, ApiErrors } from '../common/openapi';
import { validBody } from '../common/pipes/zod-validation.pipe';
import { profileAnswerSchema, profileBodySchema } from '../common/schemas';
import { ProfilesService, type ProfileAnswer } from './profiles.service';

@ApiTags('profiles')
@ApiBearerAuth()
@Controller('v1/users')
@Allow('device', 'operator')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Put(':id/profile')
  @OwnMemberOnly('set the profile')
  @ApiOperation({
    summary: "Set a member's profile (idempotent)",
    description:
      'The maturity level (kids: G and PG; teen: up to PG-13; adult: every title; unrated titles are adult) and ' +
      'optional home region every page, `/recommendations` and `/similar` of the member are filtered for. The whole ' +
      'profile is replaced (no region: the request’s). This instance applies it to the next page; other replicas ' +
      'follow within seconds (announced on `members.updated`). An operator sets any member’s, a device token its own.',
  })
  @ApiBodyFrom(profileBodySchema)
  @ApiAnswer(200, 'the stored profile', profileAnswerSchema)
  @ApiErrors(400, 401, 403, 429, 503)
  put(
    @Param('id') memberId: string,
    @Body(validBody(profileBodySchema)) profile: Profile,
    @Caller() caller: Principal,
  ): Promise<ProfileAnswer> {
    return this.profiles.put(memberId, profile, caller.subject);
  }

  @Get(':id/profile')
  @OwnMemberOnly('read the profile')
  @ApiOperation({
    summary: "A member's profile",
    description:
      'A member without one is answered with the default, `stored: false`: an adult in the region each request names.',
  })
  @ApiAnswer(200, 'the profile', profileAnswerSchema)
  @ApiErrors(400, 401, 403, 429, 503)
  get(@Param('id') memberId: string): Promise<ProfileAnswer> {
    return this.profiles.get(memberId);
  }
}
