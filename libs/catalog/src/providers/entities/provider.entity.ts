import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ProviderStatus, ProviderType } from '@allot/contracts';
import { CreatedAtColumn, UpdatedAtColumn } from '@allot/platform';

/** Provider-wide settings an adapter needs (e.g. Azure `apiVersion`); credentials may override them. */
export interface ProviderSettings {
  apiVersion?: string;
  /** Azure's Responses API version for the classic (non-`v1`) surface. */
  responsesApiVersion?: string;
}

/** An upstream provider (`azure`, `openai`, `local-vllm`); the `name` is the prefix of its models' slugs. */
@Entity({ name: 'providers' })
@Unique('uq_providers_name', ['name'])
export class ProviderEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_providers' })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'type', type: 'varchar', length: 32 })
  type!: ProviderType;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ name: 'base_url', type: 'varchar', length: 2048, nullable: true })
  baseUrl!: string | null;

  @Column({ name: 'settings', type: 'jsonb', default: () => "'{}'" })
  settings!: ProviderSettings;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: ProviderStatus;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}
