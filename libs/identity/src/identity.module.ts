import { Module } from '@nestjs/common';
import { InvitationsController } from './invitations/invitations.controller';
import { InvitationsService } from './invitations/invitations.service';
import { AdminBootstrapService } from './members/admin-bootstrap.service';
import { MembersRepository } from './members/members.repository';

@Module({
  controllers: [InvitationsController],
  providers: [MembersRepository, InvitationsService, AdminBootstrapService],
  exports: [MembersRepository, InvitationsService, AdminBootstrapService],
})
export class IdentityModule {}
