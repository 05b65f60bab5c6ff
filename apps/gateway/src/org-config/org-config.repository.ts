import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AllocationEntity, ApiKeyAllocationEntity, ApiKeyEntity, issueApiKey } from '@allot/allocations';
import { PriceVersionEntity } from '@allot/billing';
import { ModelEntity, ProviderCredentialEntity, ProviderEntity } from '@allot/catalog';
import { MemberEntity, MemberTagEntity, TagEntity } from '@allot/identity';
import { AuditEventEntity } from '@allot/operations';
import { KeyringService } from '@allot/platform';
import { describeOp, type PlanOp } from './org-plan';
import { secretFingerprint } from './org-planner';
import type { OrgSnapshot } from './org-snapshot';

/** A key created by an apply: the plaintext is returned here once and stored nowhere. */
export interface CreatedKey {
  member: string;
  name: string;
  plaintext: string;
}

/** Arbitrary but fixed: concurrent applies (two CI jobs, two admins) take turns. */
const APPLY_LOCK_KEY = 4_207_311_002;

/** Reads and writes the whole organization for config-as-code, in one transaction. */
@Injectable()
export class OrgConfigRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keyring: KeyringService,
  ) {}

  /** Runs `work` in one transaction holding the apply lock: the snapshot it reads cannot change under it. */
  transaction<T>(work: (tx: OrgTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [APPLY_LOCK_KEY]);
      return work(new OrgTransaction(manager, this.keyring));
    });
  }
}

export class OrgTransaction {
  constructor(
    private readonly manager: EntityManager,
    private readonly keyring: KeyringService,
  ) {}

  async snapshot(): Promise<OrgSnapshot> {
    const m = this.manager;
    // One after another: the queries share the transaction's single connection.
    const providers = await m.find(ProviderEntity, { order: { name: 'ASC' } });
    const credentials = await m.find(ProviderCredentialEntity, { order: { label: 'ASC' } });
    const models = await m.find(ModelEntity, { order: { slug: 'ASC' } });
    const prices = await m.find(PriceVersionEntity, { order: { effectiveFrom: 'ASC' } });
    const tags = await m.find(TagEntity, { order: { name: 'ASC' } });
    const members = await m.find(MemberEntity, { order: { identifier: 'ASC' } });
    const memberTags = await m.find(MemberTagEntity, { relations: { tag: true } });
    const allocations = await m.find(AllocationEntity, { order: { createdAt: 'ASC' } });
    const keys = await m.find(ApiKeyEntity, { order: { createdAt: 'ASC' } });
    const keyScopes = await m.find(ApiKeyAllocationEntity);
    const group = <T, V>(rows: T[], key: (r: T) => string, value: (r: T) => V) => {
      const map = new Map<string, V[]>();
      for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), value(row)]);
      return map;
    };
    return {
      providers,
      credentials,
      models,
      prices,
      tags,
      members,
      memberTags: group(
        memberTags,
        (r) => r.memberId,
        (r) => r.tag!.name,
      ),
      allocations,
      keys,
      keyScopes: group(
        keyScopes,
        (r) => r.keyId,
        (r) => r.allocationId,
      ),
    };
  }

  /** Executes the plan in order, resolving natural keys to ids; one audit event per change. */
  async execute(ops: PlanOp[], snapshot: OrgSnapshot, actor: string): Promise<CreatedKey[]> {
    const m = this.manager;
    const ids = {
      tag: new Map(snapshot.tags.map((t) => [t.name, t.id])),
      provider: new Map(snapshot.providers.map((p) => [p.name, p.id])),
      model: new Map(snapshot.models.map((x) => [x.slug, x.id])),
      member: new Map(snapshot.members.map((x) => [x.identifier, x.id])),
      allocation: new Map<string, string>(),
    };
    const slugOfModel = new Map(snapshot.models.map((x) => [x.id, x.slug]));
    const identifierOfMember = new Map(snapshot.members.map((x) => [x.id, x.identifier]));
    for (const a of snapshot.allocations) {
      if (a.status === 'revoked') continue;
      ids.allocation.set(`${identifierOfMember.get(a.memberId)}|${slugOfModel.get(a.modelId)}|${a.name}`, a.id);
    }
    const need = (map: Map<string, string>, key: string) => {
      const id = map.get(key);
      if (!id) throw new Error(`internal: ${key} was neither stored nor planned`);
      return id;
    };
    const created: CreatedKey[] = [];

    for (const op of ops) {
      let target: { type: string; id: string };
      switch (op.op) {
        case 'tag.create': {
          const id = await this.insert(TagEntity, { name: op.name, ...op.values });
          ids.tag.set(op.name, id);
          target = { type: 'tag', id };
          break;
        }
        case 'tag.update':
          await this.update(TagEntity, op.id, op.values);
          target = { type: 'tag', id: op.id };
          break;
        case 'provider.create': {
          const id = await this.insert(ProviderEntity, { name: op.name, ...op.values });
          ids.provider.set(op.name, id);
          target = { type: 'provider', id };
          break;
        }
        case 'provider.update':
          await this.update(ProviderEntity, op.id, op.values);
          target = { type: 'provider', id: op.id };
          break;
        case 'credential.create': {
          const id = randomUUID();
          await m.insert(ProviderCredentialEntity, {
            id,
            providerId: need(ids.provider, op.provider),
            label: op.label,
            ...op.values,
            ...this.sealSecret(id, op.secret),
          });
          target = { type: 'provider_credential', id };
          break;
        }
        case 'credential.update':
          await this.update(ProviderCredentialEntity, op.id, {
            ...op.values,
            ...(op.secret !== undefined ? this.sealSecret(op.id, op.secret) : {}),
          });
          target = { type: 'provider_credential', id: op.id };
          break;
        case 'model.create': {
          const id = await this.insert(ModelEntity, { slug: op.slug, providerId: need(ids.provider, op.provider), ...op.values });
          ids.model.set(op.slug, id);
          target = { type: 'model', id };
          break;
        }
        case 'model.update':
          await this.update(ModelEntity, op.id, op.values);
          target = { type: 'model', id: op.id };
          break;
        case 'price.create': {
          const id = await this.insert(PriceVersionEntity, { modelId: need(ids.model, op.model), createdBy: actor, ...op.values });
          target = { type: 'price_version', id };
          break;
        }
        case 'member.create': {
          const id = await this.insert(MemberEntity, { identifier: op.identifier, createdBy: actor, ...op.values });
          ids.member.set(op.identifier, id);
          target = { type: 'member', id };
          break;
        }
        case 'member.update':
          await this.update(MemberEntity, op.id, {
            ...op.values,
            ...(op.values.status === 'disabled' ? { disabledAt: new Date() } : op.values.status === 'active' ? { disabledAt: null } : {}),
          });
          target = { type: 'member', id: op.id };
          break;
        case 'member.tags': {
          const memberId = need(ids.member, op.identifier);
          if (op.remove.length > 0) {
            await m
              .createQueryBuilder()
              .delete()
              .from(MemberTagEntity)
              .where('member_id = :memberId AND tag_id IN (:...tagIds)', { memberId, tagIds: op.remove.map((t) => need(ids.tag, t)) })
              .execute();
          }
          for (const tag of op.add) {
            await m.insert(MemberTagEntity, { memberId, tagId: need(ids.tag, tag), source: 'config', addedBy: actor });
          }
          target = { type: 'member', id: memberId };
          break;
        }
        case 'allocation.create': {
          const id = await this.insert(AllocationEntity, {
            memberId: need(ids.member, op.member),
            modelId: need(ids.model, op.model),
            createdBy: actor,
            ...op.values,
            ...(op.values.status === 'paused' ? { pausedAt: new Date() } : {}),
          });
          ids.allocation.set(op.ref, id);
          target = { type: 'allocation', id };
          break;
        }
        case 'allocation.update':
          await this.update(AllocationEntity, op.id, op.values);
          target = { type: 'allocation', id: op.id };
          break;
        case 'key.create': {
          const issued = issueApiKey();
          const id = await this.insert(ApiKeyEntity, {
            memberId: need(ids.member, op.member),
            name: op.name,
            keyHash: issued.hash,
            keyPrefix: issued.displayPrefix,
            createdBy: actor,
            ...op.values,
          });
          await this.writeScope(id, op.scope, ids.allocation, ids.model);
          created.push({ member: op.member, name: op.name, plaintext: issued.plaintext });
          target = { type: 'api_key', id };
          break;
        }
        case 'key.update':
          await this.update(ApiKeyEntity, op.id, op.values);
          target = { type: 'api_key', id: op.id };
          break;
        case 'key.scope':
          await m.delete(ApiKeyAllocationEntity, { keyId: op.id });
          await this.writeScope(op.id, op.scope, ids.allocation, ids.model);
          target = { type: 'api_key', id: op.id };
          break;
      }
      await m.insert(AuditEventEntity, {
        actorType: 'cli',
        actorId: actor,
        action: `config.${op.op}`,
        targetType: target.type,
        targetId: target.id,
        // The description names fields, never values: no secret can reach the audit log from here.
        details: { change: describeOp(op) },
      });
    }
    return created;
  }

  private sealSecret(credentialId: string, secret: string) {
    const ciphertext = this.keyring.encryptSecret(secret, `provider_credentials:${credentialId}`);
    return { secretCiphertext: ciphertext, secretKeyId: this.keyring.activeKeyId, secretFingerprint: secretFingerprint(secret) };
  }

  private async writeScope(keyId: string, scope: string[], allocations: Map<string, string>, models: Map<string, string>) {
    const rows = scope.map((ref) => {
      const allocationId = allocations.get(ref);
      const modelId = models.get(ref.split('|')[1]!);
      if (!allocationId || !modelId) throw new Error(`internal: allocation ${ref} was neither stored nor planned`);
      return { keyId, allocationId, modelId };
    });
    await this.manager.insert(ApiKeyAllocationEntity, rows);
  }

  private async update<T extends object>(entity: new () => T, id: string, values: object): Promise<void> {
    // The plan's values are typed partial entities; TypeORM's deep-partial type cannot express relations there.
    await this.manager.update(entity, id, values as never);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async insert<T extends { id: string }>(entity: new () => T, values: Record<string, any>): Promise<string> {
    const result = await this.manager.insert(entity, values as never);
    return (result.identifiers[0] as { id: string }).id;
  }
}
