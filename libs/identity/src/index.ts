import { MemberEntity } from './members/entities/member.entity';
import { TagEntity } from './tags/entities/tag.entity';
import { MemberTagEntity } from './tags/entities/member-tag.entity';
import { InvitationEntity } from './invitations/entities/invitation.entity';

export { MemberEntity, TagEntity, MemberTagEntity, InvitationEntity };
export const IDENTITY_ENTITIES = [MemberEntity, TagEntity, MemberTagEntity, InvitationEntity];
export { IdentityModule } from './identity.module';
export { MembersRepository } from './members/members.repository';
export { InvitationsService, type IssuedInvitation } from './invitations/invitations.service';
export { AdminBootstrapService, type AdminInvitation } from './members/admin-bootstrap.service';
