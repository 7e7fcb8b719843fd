import { Module } from '@nestjs/common';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

/** Operators shape pages with merchandising rules: block, pin, boost, bury; versioned and audited. */
@Module({ controllers: [RulesController], providers: [RulesService] })
export class RulesModule {}
