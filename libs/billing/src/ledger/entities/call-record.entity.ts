import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { CallOutcome, PriceUnit } from '@allot/contracts';
import { BigIntColumn, TimestampColumn } from '@allot/platform';

/**
 * One row per proxied call, success or rejection. Append-only and high-volume, so it carries ids without foreign
 * keys: inserts stay cheap and history survives if a dimension row is ever removed.
 * Token categories: cached ⊂ input, reasoning ⊂ output, cache writes are counted apart from input.
 * `costMicros` is exact (NUMERIC with six decimals); NULL means unpriced, never zero.
 */
@Entity({ name: 'call_records' })
@Unique('uq_call_records_request_id', ['requestId'])
@Index('idx_call_records_allocation_started', ['allocationId', 'startedAt'])
@Index('idx_call_records_member_started', ['memberId', 'startedAt'])
@Index('idx_call_records_outcome_started', ['outcome', 'startedAt'])
@Index('idx_call_records_started', ['startedAt'])
export class CallRecordEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_call_records' })
  id!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @TimestampColumn('started_at')
  startedAt!: Date;

  @TimestampColumn('finished_at', { nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'first_byte_ms', type: 'integer', nullable: true })
  firstByteMs!: number | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'member_id', type: 'uuid', nullable: true })
  memberId!: string | null;

  @Column({ name: 'allocation_id', type: 'uuid', nullable: true })
  allocationId!: string | null;

  @Column({ name: 'key_id', type: 'uuid', nullable: true })
  keyId!: string | null;

  @Column({ name: 'model_id', type: 'uuid', nullable: true })
  modelId!: string | null;

  /** The model string the client asked for, kept for rejections that never resolved a model. */
  @Column({ name: 'requested_model', type: 'varchar', length: 200, nullable: true })
  requestedModel!: string | null;

  @Column({ name: 'provider_id', type: 'uuid', nullable: true })
  providerId!: string | null;

  @Column({ name: 'credential_id', type: 'uuid', nullable: true })
  credentialId!: string | null;

  @Column({ name: 'endpoint', type: 'varchar', length: 64 })
  endpoint!: string;

  @Column({ name: 'stream', type: 'boolean', default: false })
  stream!: boolean;

  @Column({ name: 'status_code', type: 'smallint' })
  statusCode!: number;

  @Column({ name: 'outcome', type: 'varchar', length: 32 })
  outcome!: CallOutcome;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'varchar', length: 1000, nullable: true })
  errorMessage!: string | null;

  @BigIntColumn('input_tokens', { default: 0 })
  inputTokens!: number;

  @BigIntColumn('cached_input_tokens', { default: 0 })
  cachedInputTokens!: number;

  @BigIntColumn('cache_write_tokens', { default: 0 })
  cacheWriteTokens!: number;

  /** The part of `cacheWriteTokens` written for 1 hour. */
  @BigIntColumn('cache_write_1h_tokens', { default: 0 })
  cacheWrite1hTokens!: number;

  @BigIntColumn('output_tokens', { default: 0 })
  outputTokens!: number;

  @BigIntColumn('reasoning_tokens', { default: 0 })
  reasoningTokens!: number;

  @BigIntColumn('total_tokens', { default: 0 })
  totalTokens!: number;

  @Column({ name: 'quantity', type: 'numeric', precision: 20, scale: 6, nullable: true })
  quantity!: string | null;

  @Column({ name: 'unit', type: 'varchar', length: 16, nullable: true })
  unit!: PriceUnit | null;

  @Column({ name: 'cost_micros', type: 'numeric', precision: 24, scale: 6, nullable: true })
  costMicros!: string | null;

  @Column({ name: 'price_version_id', type: 'uuid', nullable: true })
  priceVersionId!: string | null;

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 500, nullable: true })
  userAgent!: string | null;
}
