import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { InvitationSummary } from '@allot/contracts';
import { type Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class InvitationsApi {
  private readonly http = inject(HttpClient);

  /** Public lookup: 200 with the summary, 404 `invitation_not_found`, 410 `invitation_expired`/`invitation_used`. */
  get(token: string): Observable<InvitationSummary> {
    return this.http.get<InvitationSummary>(`/api/v1/invitations/${encodeURIComponent(token)}`);
  }
}
