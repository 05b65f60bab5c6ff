import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CreatedAtColumn } from '@allot/platform';

/** A label on members (`class-101`, `team-ml`); access rules and usage rollups are expressed in tags. */
@Entity({ name: 'tags' })
@Unique('uq_tags_name', ['name'])
export class TagEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_tags' })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'description', type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;
}
