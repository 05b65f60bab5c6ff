import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { KeyOrigin } from '@allot/contracts';
import { MemberEntity } from '@allot/identity';
import { CreatedAtColumn, TimestampColumn } from '@allot/platform';

/** A member's bearer key. Only the SHA-256 of the key is stored; `prefix` is what a person sees in lists. */
@Entity({ name: 'api_keys' })
@Unique('uq_api_keys_hash', ['keyHash'])
@Index('idx_api_keys_member', ['memberId'])
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_api_keys' })
  id!: string;

  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_api_keys_member' })
  member?: MemberEntity;

  @Column({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 64, select: false })
  keyHash?: string;

  @Column({ name: 'key_prefix', type: 'varchar', length: 24 })
  keyPrefix!: string;

  @Column({ name: 'origin', type: 'varchar', length: 16 })
  origin!: KeyOrigin;

  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @TimestampColumn('expires_at', { nullable: true })
  expiresAt!: Date | null;

  @TimestampColumn('last_used_at', { nullable: true })
  lastUsedAt!: Date | null;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 200, nullable: true })
  revokedReason!: string | null;
}
