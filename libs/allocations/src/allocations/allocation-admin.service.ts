import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Not } from 'typeorm';
import { ModelEntity } from '@allot/catalog';
import { MemberEntity } from '@allot/identity';
import { AuditEventEntity } from '@allot/operations';
import { ChangeBus, DomainError } from '@allot/platform';
import { ApiKeyEntity } from '../keys/entities/api-key.entity';
import { AllocationEntity } from './entities/allocation.entity';

export interface AllocationRef {
  member: string;
  model: string;
  name?: string;
}

export type AllocationAction = 'pause' | 'resume' | 'revoke';

/**
 * Status changes of allocations and keys (the CLI now, the admin API later). Each change is audited and published on
 * the change bus, so every gateway process drops its cached copy and ends open streams of what was paused or revoked.
 */
@Injectable()
export class AllocationAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: ChangeBus,
  ) {}

  async change(ref: AllocationRef, action: AllocationAction, actor: string, reason?: string): Promise<AllocationEntity> {
    const allocation = await this.dataSource.transaction(async (m) => {
      const member = await m.findOne(MemberEntity, { where: { identifier: ref.member.toLowerCase() } });
      const model = await m.findOne(ModelEntity, { where: { slug: ref.model } });
      const found =
        member && model
          ? await m.findOne(AllocationEntity, {
              where: { memberId: member.id, modelId: model.id, name: ref.name ?? 'default', status: Not('revoked') },
              lock: { mode: 'pessimistic_write' },
            })
          : null;
      if (!found)
        throw new DomainError(
          404,
          'allocation_not_found',
          `${ref.member} has no live allocation "${ref.name ?? 'default'}" of ${ref.model}`,
        );
      const next = { pause: 'paused', resume: 'active', revoke: 'revoked' } as const;
      const allowed = { pause: ['active'], resume: ['paused'], revoke: ['active', 'paused', 'quarantined'] }[action];
      if (!allowed.includes(found.status)) {
        throw new DomainError(
          409,
          'invalid_state',
          `the allocation is ${found.status}; it cannot be ${action === 'resume' ? 'resumed' : `${action}d`}`,
        );
      }
      const now = new Date();
      await m.update(AllocationEntity, found.id, {
        status: next[action],
        statusReason: reason ?? null,
        ...(action === 'pause' ? { pausedAt: now } : action === 'resume' ? { pausedAt: null } : { revokedAt: now }),
      });
      await m.insert(AuditEventEntity, {
        actorType: 'cli',
        actorId: actor,
        action: `allocation.${action}`,
        targetType: 'allocation',
        targetId: found.id,
        details: reason ? { reason } : {},
      });
      return { ...found, status: next[action] };
    });
    await this.bus.publish({ topic: 'allocations', ids: [allocation.id] });
    return allocation;
  }

  async revokeKey(member: string, name: string, actor: string, reason?: string): Promise<void> {
    const keyId = await this.dataSource.transaction(async (m) => {
      const owner = await m.findOne(MemberEntity, { where: { identifier: member.toLowerCase() } });
      const key = owner ? await m.findOne(ApiKeyEntity, { where: { memberId: owner.id, name, revokedAt: IsNull() } }) : null;
      if (!key) throw new DomainError(404, 'key_not_found', `${member} has no active key named "${name}"`);
      await m.update(ApiKeyEntity, key.id, { revokedAt: new Date(), revokedReason: reason ?? 'revoked from the CLI' });
      await m.insert(AuditEventEntity, {
        actorType: 'cli',
        actorId: actor,
        action: 'key.revoke',
        targetType: 'api_key',
        targetId: key.id,
        details: {},
      });
      return key.id;
    });
    await this.bus.publish({ topic: 'keys', ids: [keyId] });
  }
}
