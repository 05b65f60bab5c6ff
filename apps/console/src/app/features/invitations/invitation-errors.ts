import { HttpErrorResponse } from '@angular/common/http';
import type { ApiErrorBody } from '@allot/contracts';

export interface InvitationError {
  title: string;
  message: string;
}

// Keyed by the API's error codes (not statuses) so the text stays right if a status code changes.
const MESSAGES: Record<string, InvitationError> = {
  invitation_not_found: {
    title: 'Invitation not found',
    message: 'This invitation link is not valid. Check the link or ask your administrator for a new invitation.',
  },
  invitation_expired: {
    title: 'Invitation expired',
    message: 'This invitation has expired. Ask your administrator to send you a new one.',
  },
  invitation_used: {
    title: 'Invitation already used',
    message: 'This invitation has already been accepted. Sign in with your account instead.',
  },
};

const UNREACHABLE: InvitationError = {
  title: 'Gateway unreachable',
  message: 'The gateway did not answer. Check your connection and try again.',
};

const UNKNOWN: InvitationError = {
  title: 'Could not load the invitation',
  message: 'Something went wrong while loading this invitation. Try again in a moment.',
};

/** Turns any failure of the invitation lookup into text for the page. */
export function invitationError(err: unknown): InvitationError {
  if (!(err instanceof HttpErrorResponse)) return UNKNOWN;
  if (err.status === 0) return UNREACHABLE;
  const body = err.error as Partial<ApiErrorBody> | null;
  return (typeof body?.code === 'string' && MESSAGES[body.code]) || UNKNOWN;
}
