import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import type { InvitationSummary } from '@allot/contracts';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { RouterLink } from '@angular/router';
import { type Observable, catchError, map, of, startWith, switchMap } from 'rxjs';
import { roleLabel } from '../../shared/labels';
import { type InvitationError, invitationError } from './invitation-errors';
import { InvitationsApi } from './invitations-api';

type InviteState = { kind: 'loading' } | { kind: 'loaded'; invitation: InvitationSummary } | { kind: 'failed'; error: InvitationError };

@Component({
  selector: 'app-invite-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, MatButtonModule, MatCardModule, MatIconModule, MatProgressSpinnerModule],
  templateUrl: './invite-page.html',
  styleUrl: '../../shared/page-card.scss',
})
export class InvitePage {
  private readonly api = inject(InvitationsApi);

  /** Bound from the `:token` route parameter (withComponentInputBinding). */
  readonly token = input.required<string>();

  // rxjs rather than rxResource (still @experimental in Angular 21); switchMap cancels the old lookup on a new token.
  protected readonly state = toSignal(toObservable(this.token).pipe(switchMap((token) => this.load(token))), {
    initialValue: { kind: 'loading' } as InviteState,
  });
  protected readonly roleLabel = roleLabel;

  private load(token: string): Observable<InviteState> {
    return this.api.get(token).pipe(
      map((invitation): InviteState => ({ kind: 'loaded', invitation })),
      // Catches every lookup failure (404/410 codes, network, 5xx); invitationError picks the text.
      catchError((err: unknown) => of<InviteState>({ kind: 'failed', error: invitationError(err) })),
      startWith<InviteState>({ kind: 'loading' }),
    );
  }
}
