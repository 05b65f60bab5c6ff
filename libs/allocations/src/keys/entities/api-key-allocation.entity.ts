import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { AllocationEntity } from '../../allocations/entities/allocation.entity';
import { ApiKeyEntity } from './api-key.entity';

/** A key's scope: M:N to allocations, at most one allocation per model so a call's model picks exactly one. */
@Entity({ name: 'api_key_allocations' })
@Unique('uq_api_key_allocations_model', ['keyId', 'modelId'])
@Index('idx_api_key_allocations_allocation', ['allocationId'])
export class ApiKeyAllocationEntity {
  @PrimaryColumn({ name: 'key_id', type: 'uuid', primaryKeyConstraintName: 'pk_api_key_allocations' })
  keyId!: string;

  @PrimaryColumn({ name: 'allocation_id', type: 'uuid', primaryKeyConstraintName: 'pk_api_key_allocations' })
  allocationId!: string;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'key_id', foreignKeyConstraintName: 'fk_api_key_allocations_key' })
  key?: ApiKeyEntity;

  @ManyToOne(() => AllocationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'allocation_id', foreignKeyConstraintName: 'fk_api_key_allocations_allocation' })
  allocation?: AllocationEntity;

  /** Denormalized from the allocation so the unique constraint can enforce one allocation per model. */
  @Column({ name: 'model_id', type: 'uuid' })
  modelId!: string;
}
