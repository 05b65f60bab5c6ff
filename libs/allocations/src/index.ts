import { AllocationEntity } from './allocations/entities/allocation.entity';
import { ApiKeyEntity } from './keys/entities/api-key.entity';
import { ApiKeyAllocationEntity } from './keys/entities/api-key-allocation.entity';

export { AllocationEntity, ApiKeyEntity, ApiKeyAllocationEntity };
export const ALLOCATIONS_ENTITIES = [AllocationEntity, ApiKeyEntity, ApiKeyAllocationEntity];
export * from './keys/api-key-token';
export { AllocationsModule } from './allocations.module';
export { KeysService, type CreateKeyRequest, type CreatedApiKey } from './keys/keys.service';
export { KeyResolver, type ResolvedKey, type ScopedAllocation } from './keys/key-resolver.service';
export { AllocationAdminService, type AllocationAction, type AllocationRef } from './allocations/allocation-admin.service';
