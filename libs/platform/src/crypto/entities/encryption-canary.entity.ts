import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns';

/**
 * One known plaintext encrypted under each key that has ever been active. At boot every canary must decrypt,
 * which catches a key id that is configured with different key material than the one that wrote the data.
 */
@Entity({ name: 'encryption_canaries' })
export class EncryptionCanaryEntity {
  @PrimaryColumn({ name: 'key_id', type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_encryption_canaries' })
  keyId!: string;

  @Column({ name: 'ciphertext', type: 'text' })
  ciphertext!: string;

  @CreatedAtColumn()
  createdAt!: Date;
}
