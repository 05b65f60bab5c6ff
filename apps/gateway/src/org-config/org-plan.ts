import type { AllocationEntity, ApiKeyEntity } from '@allot/allocations';
import type { PriceVersionEntity } from '@allot/billing';
import type { ModelEntity, ProviderCredentialEntity, ProviderEntity } from '@allot/catalog';
import type { MemberEntity, TagEntity } from '@allot/identity';

type Values<T> = Partial<Omit<T, 'id' | 'createdAt' | 'updatedAt'>>;

/**
 * One write of an apply. References between new rows use natural keys (provider name, model slug, member
 * identifier, allocation `member|model|name`), resolved to ids by the executor as it goes.
 */
export type PlanOp =
  | { op: 'tag.create'; name: string; values: Values<TagEntity> }
  | { op: 'tag.update'; id: string; name: string; values: Values<TagEntity> }
  | { op: 'provider.create'; name: string; values: Values<ProviderEntity> }
  | { op: 'provider.update'; id: string; name: string; values: Values<ProviderEntity> }
  | { op: 'credential.create'; provider: string; label: string; values: Values<ProviderCredentialEntity>; secret: string }
  | { op: 'credential.update'; id: string; provider: string; label: string; values: Values<ProviderCredentialEntity>; secret?: string }
  | { op: 'model.create'; slug: string; provider: string; values: Values<ModelEntity> }
  | { op: 'model.update'; id: string; slug: string; values: Values<ModelEntity> }
  | { op: 'price.create'; model: string; values: Values<PriceVersionEntity> }
  | { op: 'member.create'; identifier: string; values: Values<MemberEntity> }
  | { op: 'member.update'; id: string; identifier: string; values: Values<MemberEntity> }
  | { op: 'member.tags'; identifier: string; add: string[]; remove: string[] }
  | { op: 'allocation.create'; ref: string; member: string; model: string; values: Values<AllocationEntity> }
  | { op: 'allocation.update'; id: string; ref: string; values: Values<AllocationEntity> }
  | { op: 'key.create'; member: string; name: string; values: Values<ApiKeyEntity>; scope: string[] }
  | { op: 'key.update'; id: string; member: string; name: string; values: Values<ApiKeyEntity> }
  | { op: 'key.scope'; id: string; member: string; name: string; scope: string[] };

export interface OrgPlan {
  ops: PlanOp[];
  /** Things the file asks for that apply deliberately does not do, e.g. lifting a quarantine. */
  notes: string[];
}

/** One human-readable line per op, e.g. `~ model azure/gpt-5.4: contextWindow, capabilities`. */
export function describeOp(op: PlanOp): string {
  const fields = 'values' in op ? Object.keys(op.values).join(', ') : '';
  switch (op.op) {
    case 'tag.create':
      return `+ tag ${op.name}`;
    case 'tag.update':
      return `~ tag ${op.name}: ${fields}`;
    case 'provider.create':
      return `+ provider ${op.name}`;
    case 'provider.update':
      return `~ provider ${op.name}: ${fields}`;
    case 'credential.create':
      return `+ credential ${op.provider}/${op.label}`;
    case 'credential.update':
      return `~ credential ${op.provider}/${op.label}: ${[fields, op.secret !== undefined ? 'apiKey' : ''].filter(Boolean).join(', ')}`;
    case 'model.create':
      return `+ model ${op.slug}`;
    case 'model.update':
      return `~ model ${op.slug}: ${fields}`;
    case 'price.create':
      return `+ price ${op.model} from ${op.values.effectiveFrom?.toISOString()}`;
    case 'member.create':
      return `+ member ${op.identifier}`;
    case 'member.update':
      return `~ member ${op.identifier}: ${fields}`;
    case 'member.tags':
      return `~ member ${op.identifier} tags: ${[...op.add.map((t) => `+${t}`), ...op.remove.map((t) => `-${t}`)].join(' ')}`;
    case 'allocation.create':
      return `+ allocation ${op.ref}`;
    case 'allocation.update':
      return `~ allocation ${op.ref}: ${fields}`;
    case 'key.create':
      return `+ key ${op.member}/${op.name}`;
    case 'key.update':
      return `~ key ${op.member}/${op.name}: ${fields}`;
    case 'key.scope':
      return `~ key ${op.member}/${op.name} scope: ${op.scope.join(', ')}`;
  }
}

export const allocationRef = (member: string, model: string, name: string) => `${member}|${model}|${name}`;
