import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { AuthProvider, MemberRole, MemberStatus } from '@allot/contracts';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '@allot/platform';

/** A person or service account. `identifier` is the login name (email or username), stored lower-case. */
@Entity({ name: 'members' })
@Unique('uq_members_identifier', ['identifier'])
@Unique('uq_members_external', ['authProvider', 'externalId'])
@Index('idx_members_role_status', ['role', 'status'])
export class MemberEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_members' })
  id!: string;

  @Column({ name: 'identifier', type: 'varchar', length: 320 })
  identifier!: string;

  @Column({ name: 'email', type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ name: 'auth_provider', type: 'varchar', length: 16, default: 'local' })
  authProvider!: AuthProvider;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  @Column({ name: 'role', type: 'varchar', length: 16, default: 'member' })
  role!: MemberRole;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: MemberStatus;

  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash?: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;

  @TimestampColumn('disabled_at', { nullable: true })
  disabledAt!: Date | null;
}
