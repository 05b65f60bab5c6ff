import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { KeyResolver, type ResolvedKey } from '@allot/allocations';
import { APP_CONFIG, ChangeBus, type AppConfig } from '@allot/platform';
import { GatewayErrors, type GatewayError } from '../errors/gateway-error';
import type { AdmittedCall } from '../preflight/preflight-context';

interface LiveCall {
  keyHash: string;
  allocationId: string;
  terminate(error: GatewayError): void;
}

/** Why a key may no longer run a call on an allocation, or undefined while it still may. */
export function admissionProblem(key: ResolvedKey | null, allocationId: string): GatewayError | undefined {
  if (!key) return GatewayErrors.keyRevoked();
  if (key.revokedAt) return GatewayErrors.keyRevoked();
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return GatewayErrors.keyExpired();
  if (key.memberStatus !== 'active') return GatewayErrors.memberDisabled();
  const allocation = key.scope.find((a) => a.allocationId === allocationId);
  if (!allocation) return GatewayErrors.allocationStatus('revoked', 'this model');
  if (allocation.status !== 'active') return GatewayErrors.allocationStatus(allocation.status, allocation.modelSlug);
  return undefined;
}

/**
 * Calls in flight, re-checked whenever the change bus reports a change and at every cache TTL (the bound when no
 * bus event can arrive). A call whose key, member or allocation may no longer run is ended with that reason.
 */
@Injectable()
export class LiveCalls implements OnApplicationShutdown {
  private readonly calls = new Set<LiveCall>();
  private readonly timer: NodeJS.Timeout;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly keys: KeyResolver,
    bus: ChangeBus,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    bus.on(() => void this.recheck());
    this.timer = setInterval(() => void this.recheck(), config.cacheTtlMs);
    this.timer.unref();
  }

  /** Tracks a call until the returned function is called. */
  register(call: AdmittedCall, terminate: (error: GatewayError) => void): () => void {
    const live: LiveCall = { keyHash: call.key.keyHash, allocationId: call.allocation.allocationId, terminate };
    this.calls.add(live);
    return () => this.calls.delete(live);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private recheck(): Promise<void> {
    if (this.calls.size === 0) return Promise.resolve();
    // One pass at a time; a pass resolves each distinct key once.
    this.checking ??= (async () => {
      const byKey = new Map<string, Promise<ResolvedKey | null>>();
      for (const call of [...this.calls]) {
        let key = byKey.get(call.keyHash);
        if (!key) byKey.set(call.keyHash, (key = this.keys.resolveHash(call.keyHash, { fresh: true })));
        const problem = admissionProblem(await key, call.allocationId);
        if (problem) {
          this.calls.delete(call);
          call.terminate(problem);
        }
      }
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }
}
