import { Module } from '@nestjs/common';
import { DemoController } from './demo.controller';
import { DemoEnabledGuard } from './demo-enabled.guard';
import { DemoService } from './demo.service';

@Module({ controllers: [DemoController], providers: [DemoService, DemoEnabledGuard] })
export class DemoModule {}
