import { Module, type DynamicModule } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { CatalogModule } from './catalog/catalog.module';
import { ClientsModule, type ClientsSettings } from './clients/clients.module';
import { CommonModule } from './common/common.module';
import { DemoModule } from './demo/demo.module';
import { ItemsModule } from './items/items.module';
import { OpsModule } from './ops/ops.module';
import { PagesModule } from './pages/pages.module';
import { PlaysModule } from './plays/plays.module';
import { ProfilesModule } from './profiles/profiles.module';
import { RowsModule } from './rows/rows.module';
import { RulesModule } from './rules/rules.module';

/** The online service: its stores' clients, what pages are made from, and one module per feature. */
@Module({})
export class AppModule {
  static register(settings: ClientsSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ClientsModule.forRoot(settings),
        CommonModule,
        PagesModule,
        OpsModule,
        RowsModule,
        ProfilesModule,
        PlaysModule,
        ItemsModule,
        AdminModule,
        CatalogModule,
        RulesModule,
        DemoModule,
      ],
    };
  }
}
