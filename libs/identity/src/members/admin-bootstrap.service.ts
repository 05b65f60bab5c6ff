import { Injectable } from '@nestjs/common';
import { DomainError } from '@allot/platform';
import { InvitationsService, type IssuedInvitation } from '../invitations/invitations.service';
import { MembersRepository } from './members.repository';

export interface AdminInvitation extends IssuedInvitation {
  identifier: string;
  created: boolean;
}

const IDENTIFIER = /^[^\s@]+(@[^\s@]+\.[^\s@]+)?$/;

/** Creating admins from the CLI and on first start (I7). */
@Injectable()
export class AdminBootstrapService {
  constructor(
    private readonly members: MembersRepository,
    private readonly invitations: InvitationsService,
  ) {}

  /** Creates (or promotes) an admin and returns a one-time link to set up their sign-in. */
  async createAdmin(identifier: string, createdBy: string, displayName?: string): Promise<AdminInvitation> {
    const normalized = identifier.trim().toLowerCase();
    if (!IDENTIFIER.test(normalized) || normalized.length > 320) {
      throw new DomainError(400, 'invalid_identifier', `"${identifier}" is not a valid username or email address`);
    }
    let member = await this.members.findByIdentifier(normalized);
    const created = !member;
    if (!member) member = await this.members.create({ identifier: normalized, role: 'admin', displayName, createdBy });
    else if (member.role !== 'admin' || member.status !== 'active') await this.members.promoteToAdmin(member.id);
    const invitation = await this.invitations.issue(member.id, created ? 'bootstrap' : 'invite', createdBy);
    return { ...invitation, identifier: member.identifier, created };
  }

  /**
   * On start: while no admin can sign in yet, issue a fresh link for the first admin (the configured identifier,
   * or "admin"). Each start replaces the previous link.
   */
  async ensureFirstAdmin(identifier: string | undefined): Promise<AdminInvitation | undefined> {
    if ((await this.members.countUsableAdmins()) > 0) return undefined;
    return this.createAdmin(identifier ?? 'admin', 'bootstrap');
  }
}
