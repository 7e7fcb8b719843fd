import { Module } from '@nestjs/common';
import { ProfilesController } from './profiles.controller';
import { ProfilesService } from './profiles.service';

/** Member profiles: the maturity level and region every page of the member is filtered for. */
@Module({ controllers: [ProfilesController], providers: [ProfilesService] })
export class ProfilesModule {}
