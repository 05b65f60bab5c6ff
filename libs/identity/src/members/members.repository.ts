import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { MemberRole } from '@allot/contracts';
import { MemberEntity } from './entities/member.entity';

@Injectable()
export class MembersRepository {
  private readonly members: Repository<MemberEntity>;

  constructor(dataSource: DataSource) {
    this.members = dataSource.getRepository(MemberEntity);
  }

  findByIdentifier(identifier: string): Promise<MemberEntity | null> {
    return this.members.findOne({ where: { identifier: identifier.toLowerCase() } });
  }

  findById(id: string): Promise<MemberEntity | null> {
    return this.members.findOne({ where: { id } });
  }

  /** Active admins who can already sign in (a password or an external login). */
  async countUsableAdmins(): Promise<number> {
    return this.members
      .createQueryBuilder('m')
      .where(`m.role = 'admin' AND m.status = 'active' AND (m.password_hash IS NOT NULL OR m.external_id IS NOT NULL)`)
      .getCount();
  }

  async create(values: { identifier: string; role: MemberRole; displayName?: string | null; createdBy: string }): Promise<MemberEntity> {
    const identifier = values.identifier.toLowerCase();
    await this.members.insert({
      identifier,
      role: values.role,
      displayName: values.displayName ?? null,
      email: identifier.includes('@') ? identifier : null,
      createdBy: values.createdBy,
    });
    return (await this.findByIdentifier(identifier))!;
  }

  async promoteToAdmin(id: string): Promise<void> {
    await this.members.update(id, { role: 'admin', status: 'active', disabledAt: null });
  }
}
