import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { TagSource } from '@allot/contracts';
import { TimestampColumn } from '@allot/platform';
import { MemberEntity } from '../../members/entities/member.entity';
import { TagEntity } from './tag.entity';

@Entity({ name: 'member_tags' })
@Index('idx_member_tags_tag', ['tagId'])
export class MemberTagEntity {
  @PrimaryColumn({ name: 'member_id', type: 'uuid', primaryKeyConstraintName: 'pk_member_tags' })
  memberId!: string;

  @PrimaryColumn({ name: 'tag_id', type: 'uuid', primaryKeyConstraintName: 'pk_member_tags' })
  tagId!: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_member_tags_member' })
  member?: MemberEntity;

  @ManyToOne(() => TagEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tag_id', foreignKeyConstraintName: 'fk_member_tags_tag' })
  tag?: TagEntity;

  @Column({ name: 'source', type: 'varchar', length: 16, default: 'manual' })
  source!: TagSource;

  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId!: string | null;

  @Column({ name: 'added_by', type: 'varchar', length: 64, nullable: true })
  addedBy!: string | null;

  @TimestampColumn('added_at', { default: () => 'now()' })
  addedAt!: Date;
}
