import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatChipsModule } from '@angular/material/chips';
import { MatIconModule } from '@angular/material/icon';
import { interval, startWith, switchMap } from 'rxjs';
import { type GatewayStatus, HealthApi } from '../health-api';
import { gatewayStatusLabel } from '../../shared/labels';

/** How often the chip re-checks, so it recovers after a gateway restart without a page reload. */
export const HEALTH_POLL_MS = 30_000;

const ICONS: Record<GatewayStatus, string> = {
  checking: 'pending',
  ready: 'check_circle',
  'not-ready': 'hourglass_top',
  unreachable: 'cloud_off',
};

@Component({
  selector: 'app-health-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatChipsModule, MatIconModule],
  template: `
    <div role="status" aria-live="polite">
      <mat-chip-set aria-label="Gateway status">
        <mat-chip [class]="'status-' + status()" [highlighted]="status() === 'ready'">
          <mat-icon matChipAvatar aria-hidden="true">{{ icon() }}</mat-icon>
          {{ label() }}
        </mat-chip>
      </mat-chip-set>
    </div>
  `,
  styles: `
    .status-not-ready,
    .status-unreachable {
      --mat-chip-label-text-color: var(--mat-sys-error);
      --mat-chip-with-avatar-avatar-color: var(--mat-sys-error);
    }
  `,
})
export class HealthStatus {
  private readonly api = inject(HealthApi);

  // startWith checks at once (not after a tick); switchMap drops a slow check when the next starts, so answers
  // never arrive out of order.
  readonly status = toSignal(
    interval(HEALTH_POLL_MS).pipe(
      startWith(0),
      switchMap(() => this.api.status()),
    ),
    {
      initialValue: 'checking' as GatewayStatus,
    },
  );
  readonly label = computed(() => gatewayStatusLabel(this.status()));
  readonly icon = computed(() => ICONS[this.status()]);
}
