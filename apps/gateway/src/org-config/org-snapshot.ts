import type { AllocationEntity, ApiKeyEntity } from '@allot/allocations';
import type { PriceVersionEntity } from '@allot/billing';
import type { ModelEntity, ProviderCredentialEntity, ProviderEntity } from '@allot/catalog';
import type { MemberEntity, TagEntity } from '@allot/identity';

/** The organization as stored, read in one consistent pass; the planner compares a file against it. */
export interface OrgSnapshot {
  providers: ProviderEntity[];
  credentials: ProviderCredentialEntity[];
  models: ModelEntity[];
  prices: PriceVersionEntity[];
  tags: TagEntity[];
  members: MemberEntity[];
  /** member id → tag names */
  memberTags: Map<string, string[]>;
  allocations: AllocationEntity[];
  keys: ApiKeyEntity[];
  /** key id → allocation ids */
  keyScopes: Map<string, string[]>;
}
