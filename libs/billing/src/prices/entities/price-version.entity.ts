import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { PriceUnit } from '@allot/contracts';
import { ModelEntity } from '@allot/catalog';
import { BigIntColumn, CreatedAtColumn, TimestampColumn } from '@allot/platform';

/**
 * An append-only, effective-dated price for one model. Every price is in micro-dollars per million units
 * (tokens, pages, characters …), so a call's cost `Σ quantity × price / 10^6` is exact to the micro-dollar with
 * six decimals and no float ever touches money. A version is never updated; a change is a new version.
 */
@Entity({ name: 'price_versions' })
@Unique('uq_price_versions_model_effective', ['modelId', 'effectiveFrom'])
export class PriceVersionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_price_versions' })
  id!: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId!: string;

  @ManyToOne(() => ModelEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'model_id', foreignKeyConstraintName: 'fk_price_versions_model' })
  model?: ModelEntity;

  @TimestampColumn('effective_from')
  effectiveFrom!: Date;

  @Column({ name: 'unit', type: 'varchar', length: 16, default: 'token' })
  unit!: PriceUnit;

  @BigIntColumn('input_per_million_micros', { nullable: true })
  inputPerMillionMicros!: number | null;

  /** NULL: cached input is billed at the input price. */
  @BigIntColumn('cached_input_per_million_micros', { nullable: true })
  cachedInputPerMillionMicros!: number | null;

  /** NULL: cache writes are billed at the input price. */
  @BigIntColumn('cache_write_per_million_micros', { nullable: true })
  cacheWritePerMillionMicros!: number | null;

  /** NULL: 1-hour cache writes are billed at the cache-write price (then the input price). */
  @BigIntColumn('cache_write_1h_per_million_micros', { nullable: true })
  cacheWrite1hPerMillionMicros!: number | null;

  @BigIntColumn('output_per_million_micros', { nullable: true })
  outputPerMillionMicros!: number | null;

  /** For non-token units: micro-dollars per million units. */
  @BigIntColumn('unit_per_million_micros', { nullable: true })
  unitPerMillionMicros!: number | null;

  @Column({ name: 'source_note', type: 'varchar', length: 500, nullable: true })
  sourceNote!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;
}
