import { Module } from '@nestjs/common';
import { RowsController } from './rows.controller';
import { MemberRowsService } from './rows.service';

@Module({ controllers: [RowsController], providers: [MemberRowsService] })
export class RowsModule {}
