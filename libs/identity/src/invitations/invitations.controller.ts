import { Controller, Get, Param } from '@nestjs/common';
import type { InvitationSummary } from '@allot/contracts';
import { InvitationsService } from './invitations.service';

/** Public: the token in the link is the credential. */
@Controller('api/v1/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get(':token')
  lookup(@Param('token') token: string): Promise<InvitationSummary> {
    return this.invitations.lookup(token);
  }
}
