import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ProviderStatus } from '@allot/contracts';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '@allot/platform';
import { ProviderEntity } from './provider.entity';

/** Per-credential overrides: Azure deployment names per upstream model, api-version. */
export interface CredentialSettings {
  apiVersion?: string;
  /** upstream model name → Azure deployment name */
  deployments?: Record<string, string>;
}

/**
 * An upstream API key for one provider. The key is stored encrypted (keyring ciphertext bound to the row id);
 * `secretFingerprint` identifies it without revealing it; `secretEnv` remembers the environment variable a config
 * file took it from, so exports can point at the same variable.
 */
@Entity({ name: 'provider_credentials' })
@Unique('uq_provider_credentials_label', ['providerId', 'label'])
@Index('idx_provider_credentials_routing', ['providerId', 'status'])
export class ProviderCredentialEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_provider_credentials' })
  id!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @ManyToOne(() => ProviderEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'fk_provider_credentials_provider' })
  provider?: ProviderEntity;

  @Column({ name: 'label', type: 'varchar', length: 64 })
  label!: string;

  @Column({ name: 'secret_ciphertext', type: 'text', select: false })
  secretCiphertext?: string;

  @Column({ name: 'secret_key_id', type: 'varchar', length: 32 })
  secretKeyId!: string;

  @Column({ name: 'secret_fingerprint', type: 'varchar', length: 16 })
  secretFingerprint!: string;

  @Column({ name: 'secret_env', type: 'varchar', length: 128, nullable: true })
  secretEnv!: string | null;

  @Column({ name: 'base_url', type: 'varchar', length: 2048, nullable: true })
  baseUrl!: string | null;

  @Column({ name: 'settings', type: 'jsonb', default: () => "'{}'" })
  settings!: CredentialSettings;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: ProviderStatus;

  @TimestampColumn('last_used_at', { nullable: true })
  lastUsedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;

  @TimestampColumn('disabled_at', { nullable: true })
  disabledAt!: Date | null;
}
