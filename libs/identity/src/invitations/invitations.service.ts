import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull, type Repository } from 'typeorm';
import type { InvitationPurpose, InvitationSummary } from '@allot/contracts';
import { APP_CONFIG, DomainError, type AppConfig } from '@allot/platform';
import { MemberEntity } from '../members/entities/member.entity';
import { InvitationEntity } from './entities/invitation.entity';

export interface IssuedInvitation {
  /** The one-time link; its token is stored only as a hash. */
  url: string;
  expiresAt: Date;
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Single-use links that let a member set up their sign-in (I1, I7). */
@Injectable()
export class InvitationsService {
  private readonly invitations: Repository<InvitationEntity>;

  constructor(
    dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.invitations = dataSource.getRepository(InvitationEntity);
  }

  /** Issues a new link and revokes the member's earlier unused ones, so only the latest link works. */
  async issue(memberId: string, purpose: InvitationPurpose, createdBy: string): Promise<IssuedInvitation> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.invitationTtlHours * 3_600_000);
    await this.invitations.manager.transaction(async (manager) => {
      await manager.update(InvitationEntity, { memberId, usedAt: IsNull(), revokedAt: IsNull() }, { revokedAt: new Date() });
      await manager.insert(InvitationEntity, { tokenHash: hashToken(token), memberId, purpose, createdBy, expiresAt });
    });
    return { url: `${this.config.http.publicUrl}/invite/${token}`, expiresAt };
  }

  /** What the console shows for a link; the same 404 for a malformed and an unknown token. */
  async lookup(token: string): Promise<InvitationSummary> {
    const notFound = new DomainError(404, 'invitation_not_found', 'This invitation link is not valid.');
    if (!TOKEN_PATTERN.test(token)) throw notFound;
    const invitation = await this.invitations.findOne({ where: { tokenHash: hashToken(token) }, relations: { member: true } });
    const member: MemberEntity | undefined = invitation?.member;
    if (!invitation || !member || invitation.revokedAt) throw notFound;
    if (invitation.usedAt) throw new DomainError(410, 'invitation_used', 'This invitation link has already been used.');
    if (invitation.expiresAt.getTime() <= Date.now()) {
      throw new DomainError(410, 'invitation_expired', 'This invitation link has expired. Ask an admin for a new one.');
    }
    return { identifier: member.identifier, role: member.role, expiresAt: invitation.expiresAt.toISOString() };
  }
}
