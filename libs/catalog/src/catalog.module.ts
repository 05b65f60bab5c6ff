import { Module } from '@nestjs/common';
import { RouteCatalog } from './routing/route-catalog.service';

@Module({ providers: [RouteCatalog], exports: [RouteCatalog] })
export class CatalogModule {}
