import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'app-not-found-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatButtonModule, MatCardModule],
  template: `
    <mat-card class="page-card" appearance="outlined">
      <mat-card-header>
        <h1 mat-card-title>Page not found</h1>
      </mat-card-header>
      <mat-card-content>
        <p>There is nothing at this address. Check the link, or start again from the sign-in page.</p>
      </mat-card-content>
      <mat-card-actions align="end">
        <a mat-button routerLink="/sign-in">Go to sign in</a>
      </mat-card-actions>
    </mat-card>
  `,
  styleUrl: '../../shared/page-card.scss',
})
export class NotFoundPage {}
