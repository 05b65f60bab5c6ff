import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { AccessMode, CapabilitySource, ModelKind, ModelStatus, ResponsesSupport } from '@allot/contracts';
import { BigIntColumn, CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '@allot/platform';
import { ProviderEntity } from '../../providers/entities/provider.entity';

/** A catalog entry: `provider/name` slug, metadata, access policy and self-service settings. */
@Entity({ name: 'models' })
@Unique('uq_models_slug', ['slug'])
@Index('idx_models_provider', ['providerId'])
export class ModelEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_models' })
  id!: string;

  @Column({ name: 'slug', type: 'varchar', length: 160 })
  slug!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @ManyToOne(() => ProviderEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'fk_models_provider' })
  provider?: ProviderEntity;

  /** The model name sent upstream (for Azure, mapped to a deployment by the credential). */
  @Column({ name: 'upstream_name', type: 'varchar', length: 200 })
  upstreamName!: string;

  @Column({ name: 'kind', type: 'varchar', length: 16, default: 'chat' })
  kind!: ModelKind;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ name: 'description', type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'family', type: 'varchar', length: 64, nullable: true })
  family!: string | null;

  @Column({ name: 'input_modalities', type: 'jsonb', default: () => `'["text"]'` })
  inputModalities!: string[];

  @Column({ name: 'output_modalities', type: 'jsonb', default: () => `'["text"]'` })
  outputModalities!: string[];

  @Column({ name: 'capabilities', type: 'jsonb', default: () => "'[]'" })
  capabilities!: string[];

  @Column({ name: 'context_window', type: 'integer', nullable: true })
  contextWindow!: number | null;

  @Column({ name: 'max_output_tokens', type: 'integer', nullable: true })
  maxOutputTokens!: number | null;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: ModelStatus;

  @Column({ name: 'deprecation_note', type: 'text', nullable: true })
  deprecationNote!: string | null;

  @Column({ name: 'responses_support', type: 'varchar', length: 16, default: 'unknown' })
  responsesSupport!: ResponsesSupport;

  @Column({ name: 'responses_support_source', type: 'varchar', length: 16, nullable: true })
  responsesSupportSource!: CapabilitySource | null;

  @TimestampColumn('responses_checked_at', { nullable: true })
  responsesCheckedAt!: Date | null;

  @Column({ name: 'default_access', type: 'varchar', length: 16, default: 'open' })
  defaultAccess!: AccessMode;

  @Column({ name: 'allowed_tags', type: 'jsonb', default: () => "'[]'" })
  allowedTags!: string[];

  @Column({ name: 'denied_tags', type: 'jsonb', default: () => "'[]'" })
  deniedTags!: string[];

  @Column({ name: 'self_service_enabled', type: 'boolean', default: false })
  selfServiceEnabled!: boolean;

  @BigIntColumn('self_service_token_quota', { nullable: true })
  selfServiceTokenQuota!: number | null;

  @BigIntColumn('self_service_cost_quota_micros', { nullable: true })
  selfServiceCostQuotaMicros!: number | null;

  /** Where each field came from (registry import vs manual edit), for the catalog-import diff (C2). */
  @Column({ name: 'provenance', type: 'jsonb', default: () => "'{}'" })
  provenance!: Record<string, unknown>;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}
