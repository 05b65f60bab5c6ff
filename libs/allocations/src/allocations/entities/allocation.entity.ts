import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { AllocationOrigin, AllocationStatus } from '@allot/contracts';
import { ModelEntity } from '@allot/catalog';
import { MemberEntity } from '@allot/identity';
import { BigIntColumn, CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '@allot/platform';

/**
 * A grant of one model to one member. Quotas, limits, usage and attribution live here, never on keys.
 * A member may hold several allocations of one model for different purposes; `name` tells them apart
 * (unique per member and model among allocations that are not revoked).
 */
@Entity({ name: 'allocations' })
@Index('uq_allocations_member_model_name', ['memberId', 'modelId', 'name'], { unique: true, where: `status <> 'revoked'` })
@Index('idx_allocations_member_created', ['memberId', 'createdAt'])
@Index('idx_allocations_status', ['status'])
@Index('idx_allocations_model', ['modelId'])
export class AllocationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_allocations' })
  id!: string;

  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_allocations_member' })
  member?: MemberEntity;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId!: string;

  @ManyToOne(() => ModelEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'model_id', foreignKeyConstraintName: 'fk_allocations_model' })
  model?: ModelEntity;

  @Column({ name: 'name', type: 'varchar', length: 64, default: 'default' })
  name!: string;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: AllocationStatus;

  @Column({ name: 'status_reason', type: 'varchar', length: 500, nullable: true })
  statusReason!: string | null;

  @Column({ name: 'origin', type: 'varchar', length: 16, default: 'admin' })
  origin!: AllocationOrigin;

  /** NULL = unlimited. */
  @BigIntColumn('quota_tokens_monthly', { nullable: true })
  quotaTokensMonthly!: number | null;

  /** NULL = unlimited; integer micro-dollars. */
  @BigIntColumn('quota_cost_micros_monthly', { nullable: true })
  quotaCostMicrosMonthly!: number | null;

  @Column({ name: 'rpm_limit', type: 'integer', nullable: true })
  rpmLimit!: number | null;

  @Column({ name: 'tpm_limit', type: 'integer', nullable: true })
  tpmLimit!: number | null;

  @Column({ name: 'max_concurrency', type: 'integer', nullable: true })
  maxConcurrency!: number | null;

  /** Service allocations (agents, internal programs) are exempt from anomaly detection and the quota pool. */
  @Column({ name: 'is_service', type: 'boolean', default: false })
  isService!: boolean;

  /** Excluded from the adaptive quota pool's rebalance. */
  @Column({ name: 'quota_locked', type: 'boolean', default: false })
  quotaLocked!: boolean;

  @Column({ name: 'note', type: 'varchar', length: 1000, nullable: true })
  note!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;

  @TimestampColumn('paused_at', { nullable: true })
  pausedAt!: Date | null;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;
}
