import { Module } from '@nestjs/common';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';

/** Operators manage the catalog: titles, their availability, removal. */
@Module({ controllers: [CatalogController], providers: [CatalogService] })
export class CatalogModule {}
