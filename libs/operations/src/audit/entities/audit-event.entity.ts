import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '@allot/platform';

export type AuditActorType = 'admin' | 'member' | 'system' | 'cli';

/** One admin or security event. `details` is redacted before it is written: no secret ever lands here. */
@Entity({ name: 'audit_events' })
@Index('idx_audit_events_occurred', ['occurredAt'])
@Index('idx_audit_events_actor', ['actorId', 'occurredAt'])
@Index('idx_audit_events_target', ['targetType', 'targetId', 'occurredAt'])
@Index('idx_audit_events_action', ['action', 'occurredAt'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_audit_events' })
  id!: string;

  @TimestampColumn('occurred_at', { default: () => 'now()' })
  occurredAt!: Date;

  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType!: AuditActorType;

  @Column({ name: 'actor_id', type: 'varchar', length: 64, nullable: true })
  actorId!: string | null;

  @Column({ name: 'action', type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32, nullable: true })
  targetType!: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 64, nullable: true })
  targetId!: string | null;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ name: 'details', type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;
}
