import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AllocationStatus, MemberStatus } from '@allot/contracts';
import { APP_CONFIG, ChangeBus, type AppConfig } from '@allot/platform';

/** One allocation in a key's scope, with what the hot path needs to admit a call. */
export interface ScopedAllocation {
  allocationId: string;
  name: string;
  status: AllocationStatus;
  modelId: string;
  modelSlug: string;
  quotaTokensMonthly: number | null;
  quotaCostMicrosMonthly: number | null;
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxConcurrency: number | null;
}

export interface ResolvedKey {
  keyId: string;
  keyHash: string;
  memberId: string;
  memberStatus: MemberStatus;
  /** The owner's tag names, for model access policy. */
  memberTags: string[];
  revokedAt: Date | null;
  expiresAt: Date | null;
  scope: ScopedAllocation[];
}

interface Cached {
  value: ResolvedKey | null;
  at: number;
}

const MAX_ENTRIES = 100_000;

/**
 * Bearer key → owner, status and scope, served from memory. An entry is re-read after the cache TTL, which bounds
 * how late a revocation, pause or scope change is seen by this process; unknown keys are cached too, so a flood of
 * bad keys costs one query per key per TTL.
 */
@Injectable()
export class KeyResolver {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<ResolvedKey | null>>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    bus: ChangeBus,
  ) {
    // Any change to keys, allocations or members may change what a key admits; such changes are rare.
    bus.on((event) => {
      if (event.topic === 'keys' || event.topic === 'allocations' || event.topic === 'members') this.invalidateAll();
    });
  }

  /** Whether this process has looked the key up before (known or unknown): it passed the format check then. */
  hasSeen(hash: string): boolean {
    return this.cache.has(hash);
  }

  /**
   * The same lookup by stored hash (re-checks of open calls hold the hash, never the plaintext). A cached entry
   * past its TTL is still served while a background read refreshes it, so the hot path never waits on the database
   * for a key it has seen; `fresh` waits for that read instead (re-checks of open calls).
   */
  async resolveHash(hash: string, options: { fresh?: boolean } = {}): Promise<ResolvedKey | null> {
    const hit = this.cache.get(hash);
    if (hit && Date.now() - hit.at < this.config.cacheTtlMs) return hit.value;
    if (hit && !options.fresh) {
      void this.refresh(hash).catch(() => undefined); // the stale entry stays until a read succeeds
      return hit.value;
    }
    return this.refresh(hash);
  }

  private async refresh(hash: string): Promise<ResolvedKey | null> {
    let pending = this.inflight.get(hash);
    if (!pending) {
      pending = this.load(hash).finally(() => this.inflight.delete(hash));
      this.inflight.set(hash, pending);
    }
    const value = await pending;
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(hash, { value, at: Date.now() });
    return value;
  }

  /** Forget everything (tests, and the change bus once it lands). */
  invalidateAll(): void {
    this.cache.clear();
  }

  private async load(hash: string): Promise<ResolvedKey | null> {
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT k.id AS key_id, k.member_id, m.status AS member_status, k.revoked_at, k.expires_at,
              ARRAY(SELECT t.name FROM member_tags mt JOIN tags t ON t.id = mt.tag_id
                     WHERE mt.member_id = m.id ORDER BY t.name) AS member_tags,
              a.id AS allocation_id, a.name, a.status, a.model_id, mo.slug AS model_slug,
              a.quota_tokens_monthly, a.quota_cost_micros_monthly, a.rpm_limit, a.tpm_limit, a.max_concurrency
         FROM api_keys k
         JOIN members m ON m.id = k.member_id
         LEFT JOIN api_key_allocations s ON s.key_id = k.id
         LEFT JOIN allocations a ON a.id = s.allocation_id
         LEFT JOIN models mo ON mo.id = a.model_id
        WHERE k.key_hash = $1`,
      [hash],
    );
    const first = rows[0];
    if (!first) return null;
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      keyId: String(first.key_id),
      keyHash: hash,
      memberId: String(first.member_id),
      memberStatus: first.member_status as MemberStatus,
      memberTags: (first.member_tags as string[] | null) ?? [],
      revokedAt: (first.revoked_at as Date | null) ?? null,
      expiresAt: (first.expires_at as Date | null) ?? null,
      scope: rows
        .filter((r) => r.allocation_id)
        .map((r) => ({
          allocationId: String(r.allocation_id),
          name: String(r.name),
          status: r.status as AllocationStatus,
          modelId: String(r.model_id),
          modelSlug: String(r.model_slug),
          quotaTokensMonthly: num(r.quota_tokens_monthly),
          quotaCostMicrosMonthly: num(r.quota_cost_micros_monthly),
          rpmLimit: num(r.rpm_limit),
          tpmLimit: num(r.tpm_limit),
          maxConcurrency: num(r.max_concurrency),
        })),
    };
  }
}
