import { HttpClient, type HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ReadinessReport } from '@allot/contracts';
import { type Observable, catchError, map, of, switchMap } from 'rxjs';

/** What the console shows about the gateway; `checking` only before the first answer. */
export type GatewayStatus = 'checking' | 'ready' | 'not-ready' | 'unreachable';

@Injectable({ providedIn: 'root' })
export class HealthApi {
  private readonly http = inject(HttpClient);

  /**
   * Liveness first, then readiness: a failed `/healthz` means we cannot reach the process at all, while a failed
   * `/readyz` (503 while the database or migrations are not ready) means it is up but not serving yet.
   */
  status(): Observable<GatewayStatus> {
    return this.http.get<{ status: 'ok' }>('/healthz').pipe(
      switchMap(() =>
        this.http.get<ReadinessReport>('/readyz').pipe(
          map((): GatewayStatus => 'ready'),
          // Catches the 503 (and any other error) from /readyz; status 0 means the network dropped in between.
          catchError((err: HttpErrorResponse) => of<GatewayStatus>(err.status === 0 ? 'unreachable' : 'not-ready')),
        ),
      ),
      // Catches any /healthz failure: network error, proxy 502, or a process that cannot even answer liveness.
      catchError(() => of<GatewayStatus>('unreachable')),
    );
  }
}
