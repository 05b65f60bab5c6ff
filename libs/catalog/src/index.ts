import { ProviderEntity } from './providers/entities/provider.entity';
import { ProviderCredentialEntity } from './providers/entities/provider-credential.entity';
import { ModelEntity } from './models/entities/model.entity';

export { ProviderEntity, ProviderCredentialEntity, ModelEntity };
export type { ProviderSettings } from './providers/entities/provider.entity';
export type { CredentialSettings } from './providers/entities/provider-credential.entity';
export const CATALOG_ENTITIES = [ProviderEntity, ProviderCredentialEntity, ModelEntity];
export { CatalogModule } from './catalog.module';
export { ModelCapabilities } from './models/model-capabilities.service';
export { RouteCatalog, type ModelRoute, type RouteCredential } from './routing/route-catalog.service';
