import { Module } from '@nestjs/common';
import { ModelCapabilities } from './models/model-capabilities.service';
import { RouteCatalog } from './routing/route-catalog.service';

@Module({ providers: [RouteCatalog, ModelCapabilities], exports: [RouteCatalog, ModelCapabilities] })
export class CatalogModule {}
