import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '@allot/platform';

/**
 * A response the provider stored (`store` not false): who owns it and where it lives. A `previous_response_id` or a
 * `GET /v1/responses/{id}` is honoured only for its owner, and only through the credential that holds it upstream.
 */
@Entity({ name: 'stored_responses' })
@Index('idx_stored_responses_expires', ['expiresAt'])
export class StoredResponseEntity {
  @PrimaryColumn({ name: 'response_id', type: 'varchar', length: 128, primaryKeyConstraintName: 'pk_stored_responses' })
  responseId!: string;

  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @Column({ name: 'allocation_id', type: 'uuid' })
  allocationId!: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @Column({ name: 'credential_id', type: 'uuid' })
  credentialId!: string;

  @CreatedAtColumn()
  createdAt!: Date;

  @TimestampColumn('expires_at')
  expiresAt!: Date;
}
