import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import type { KeyOrigin } from '@allot/contracts';
import { ModelEntity } from '@allot/catalog';
import { MemberEntity } from '@allot/identity';
import { DomainError } from '@allot/platform';
import { AllocationEntity } from '../allocations/entities/allocation.entity';
import { issueApiKey } from './api-key-token';
import { ApiKeyAllocationEntity } from './entities/api-key-allocation.entity';
import { ApiKeyEntity } from './entities/api-key.entity';

export interface CreateKeyRequest {
  member: string;
  name: string;
  /** `<model slug>` (the allocation named "default") or `<model slug>#<allocation name>`; one per model. */
  allocations: string[];
  expiresAt?: Date;
  origin: KeyOrigin;
  createdBy: string;
}

export interface CreatedApiKey {
  id: string;
  /** Shown once; only its hash is stored. */
  plaintext: string;
  prefix: string;
  models: string[];
}

/** Issues member keys scoped to their own allocations (attenuation: never someone else's). */
@Injectable()
export class KeysService {
  constructor(private readonly dataSource: DataSource) {}

  async create(request: CreateKeyRequest): Promise<CreatedApiKey> {
    const name = request.name.trim();
    if (!name || name.length > 64) throw new DomainError(400, 'invalid_key_name', 'a key name must be 1 to 64 characters');
    if (request.allocations.length === 0) throw new DomainError(400, 'invalid_scope', 'a key needs at least one allocation');
    if (request.expiresAt && request.expiresAt.getTime() <= Date.now()) {
      throw new DomainError(400, 'invalid_expiry', 'the expiry must be in the future');
    }
    return this.dataSource.transaction(async (manager) => {
      const member = await manager.findOne(MemberEntity, { where: { identifier: request.member.toLowerCase() } });
      if (!member) throw new DomainError(404, 'member_not_found', `no member "${request.member}"`);
      if (member.status !== 'active') throw new DomainError(409, 'member_disabled', `member "${member.identifier}" is disabled`);
      const wanted = request.allocations.map((entry) => {
        const [slug, allocationName = 'default'] = entry.split('#') as [string, string?];
        return { entry, slug, allocationName };
      });
      const slugs = wanted.map((w) => w.slug);
      if (new Set(slugs).size !== slugs.length) {
        throw new DomainError(400, 'invalid_scope', 'a key holds at most one allocation per model');
      }
      const models = await manager.find(ModelEntity, { where: { slug: In(slugs) } });
      const allocations = await manager.find(AllocationEntity, {
        where: { memberId: member.id, modelId: In(models.map((m) => m.id)), revokedAt: IsNull() },
      });
      const scope = wanted.map(({ entry, slug, allocationName }) => {
        const model = models.find((m) => m.slug === slug);
        const allocation = model && allocations.find((a) => a.modelId === model.id && a.name === allocationName && a.status !== 'revoked');
        if (!model || !allocation) {
          throw new DomainError(404, 'allocation_not_found', `${member.identifier} has no allocation "${entry}"`);
        }
        return { allocation, model };
      });
      const issued = issueApiKey();
      const inserted = await manager.insert(ApiKeyEntity, {
        memberId: member.id,
        name,
        keyHash: issued.hash,
        keyPrefix: issued.displayPrefix,
        origin: request.origin,
        createdBy: request.createdBy,
        expiresAt: request.expiresAt ?? null,
      });
      const id = (inserted.identifiers[0] as { id: string }).id;
      await manager.insert(
        ApiKeyAllocationEntity,
        scope.map(({ allocation, model }) => ({ keyId: id, allocationId: allocation.id, modelId: model.id })),
      );
      return { id, plaintext: issued.plaintext, prefix: issued.displayPrefix, models: slugs };
    });
  }

  /** The stored hash of a member's active key, by name (to look up its scope without the plaintext). */
  async activeKeyHash(memberIdentifier: string, name: string): Promise<string> {
    const member = await this.dataSource.getRepository(MemberEntity).findOneBy({ identifier: memberIdentifier.toLowerCase() });
    const key =
      member &&
      (await this.dataSource
        .getRepository(ApiKeyEntity)
        .findOne({ where: { memberId: member.id, name, revokedAt: IsNull() }, select: { id: true, keyHash: true } }));
    if (!key?.keyHash) throw new DomainError(404, 'key_not_found', `${memberIdentifier} has no active key named "${name}"`);
    return key.keyHash;
  }
}
