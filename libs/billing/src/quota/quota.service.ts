import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { microsToUsd } from '@allot/contracts';
import { APP_CONFIG, type AppConfig } from '@allot/platform';
import { totalTokens, type NormalizedUsage } from '../ledger/usage';
import { PriceBook } from '../prices/price-book.service';
import { MemoryCounterStore, type Amount, type CounterStore } from './counter-store';
import { RedisCounterStore } from './redis-counter-store';
import { monthWindow, type MonthWindow } from './month-window';

/** The limits of one allocation, as the hot path holds them. */
export interface AllocationLimits {
  allocationId: string;
  modelId: string;
  quotaTokensMonthly: number | null;
  quotaCostMicrosMonthly: number | null;
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxConcurrency: number | null;
}

export type QuotaRejectionKind = 'rpm' | 'tpm' | 'concurrency' | 'tokens' | 'cost';

/** A call refused by a limit; `retryAfterSeconds` for rate limits, `resetsAt` for monthly quotas. */
export class QuotaRejection extends Error {
  constructor(
    readonly kind: QuotaRejectionKind,
    message: string,
    readonly retryAfterSeconds?: number,
    readonly resetsAt?: Date,
  ) {
    super(message);
    this.name = 'QuotaRejection';
  }
}

/** An admitted call's hold on its allocation's limits; settled (or released) exactly once. */
export interface Admission {
  settle(usage: NormalizedUsage, costMicros: string | null): Promise<void>;
}

const MINUTE = 60_000;
const ZERO: Amount = { tokens: 0n, costPico: 0n };
/** "1850000.000000" µ$ → 1850000000000n pico-dollars. */
export const microsToPico = (micros: string | null): bigint => {
  if (!micros) return 0n;
  const [whole, fraction = ''] = micros.split('.');
  return BigInt(whole!) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
};

/**
 * B4: rpm / tpm windows, a concurrency cap, and monthly token and cost quotas enforced by reserving the worst case
 * before the call (estimated input + maximum output) and settling the actual usage after. Concurrent calls can
 * together overshoot a quota by at most the reservations already admitted.
 */
@Injectable()
export class QuotaService implements OnApplicationShutdown {
  private readonly store: CounterStore;
  private month: MonthWindow | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly prices: PriceBook,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // Several replicas share Redis counters so limits do not multiply; one process keeps them in memory.
    this.store = config.redisUrl ? new RedisCounterStore(config.redisUrl) : new MemoryCounterStore();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof RedisCounterStore) await this.store.close();
  }

  /** `estimate` is called only when a tpm limit or a quota needs it: counting prompt tokens is not free. */
  async admit(
    limits: AllocationLimits,
    estimateCall: () => { inputTokens: number; maxOutputTokens: number },
    now = new Date(),
  ): Promise<Admission> {
    const id = limits.allocationId;
    const held: (() => Promise<void>)[] = [];
    const undo = async () => {
      for (const release of held.reverse()) await release();
    };
    try {
      if (limits.maxConcurrency !== null) {
        if (!(await this.store.acquire(`conc:${id}`, limits.maxConcurrency))) {
          throw new QuotaRejection(
            'concurrency',
            `This allocation allows ${limits.maxConcurrency} concurrent requests; wait for one to finish.`,
            1,
          );
        }
        held.push(() => this.store.release(`conc:${id}`));
      }
      if (limits.rpmLimit !== null) {
        const rpm = await this.store.addToWindow(`rpm:${id}`, 1, limits.rpmLimit, MINUTE);
        if (!rpm.ok)
          throw new QuotaRejection(
            'rpm',
            `Rate limit of ${limits.rpmLimit} requests per minute reached.`,
            Math.ceil(rpm.retryAfterMs / 1000),
          );
        held.push(() => this.store.adjustWindow(`rpm:${id}`, -1, MINUTE));
      }
      const needsEstimate = limits.tpmLimit !== null || limits.quotaTokensMonthly !== null || limits.quotaCostMicrosMonthly !== null;
      const estimate = needsEstimate ? estimateCall() : { inputTokens: 0, maxOutputTokens: 0 };
      const estimatedTokens = estimate.inputTokens + estimate.maxOutputTokens;
      if (limits.tpmLimit !== null) {
        const tpm = await this.store.addToWindow(`tpm:${id}`, estimatedTokens, limits.tpmLimit, MINUTE);
        if (!tpm.ok)
          throw new QuotaRejection(
            'tpm',
            `Rate limit of ${limits.tpmLimit} tokens per minute reached.`,
            Math.ceil(tpm.retryAfterMs / 1000),
          );
        held.push(() => this.store.adjustWindow(`tpm:${id}`, -estimatedTokens, MINUTE));
      }
      let reserved = ZERO;
      let monthKey: string | undefined;
      if (limits.quotaTokensMonthly !== null || limits.quotaCostMicrosMonthly !== null) {
        const month = this.monthOf(now);
        monthKey = `quota:${id}:${month.key}`;
        // Any prompt token may be written to a cache, which can cost more than input (2× for 1-hour writes).
        const worstCost = await this.prices.worstCost(limits.modelId, estimate.inputTokens, estimate.maxOutputTokens, now);
        reserved = { tokens: BigInt(estimatedTokens), costPico: microsToPico(worstCost.costMicros) };
        const result = await this.store.reserve(monthKey, () => this.usedThisMonth(id, month.start, month.end), reserved, {
          ...(limits.quotaTokensMonthly !== null ? { tokens: BigInt(limits.quotaTokensMonthly) } : {}),
          ...(limits.quotaCostMicrosMonthly !== null ? { costPico: BigInt(limits.quotaCostMicrosMonthly) * 1_000_000n } : {}),
        });
        if (!result.ok) {
          const which =
            result.exceeded === 'tokens'
              ? `monthly token quota (${limits.quotaTokensMonthly} tokens)`
              : `monthly cost quota ($${microsToUsd(limits.quotaCostMicrosMonthly!)})`;
          throw new QuotaRejection(
            result.exceeded,
            `This allocation's ${which} does not leave room for this request; it resets at ${month.end.toISOString()}.`,
            undefined,
            month.end,
          );
        }
      }
      let settled = false;
      const key = monthKey;
      return {
        settle: async (usage, costMicros) => {
          if (settled) return;
          settled = true;
          const actualTokens = totalTokens(usage);
          if (key) await this.store.settle(key, reserved, { tokens: BigInt(actualTokens), costPico: microsToPico(costMicros) });
          if (limits.tpmLimit !== null) await this.store.adjustWindow(`tpm:${id}`, actualTokens - estimatedTokens, MINUTE);
          if (limits.maxConcurrency !== null) await this.store.release(`conc:${id}`);
        },
      };
    } catch (error) {
      await undo();
      throw error;
    }
  }

  /** This process's counters for an allocation's month, or undefined before its first call of the month. */
  counters(allocationId: string, at = new Date()): Promise<{ used: Amount; reserved: Amount } | undefined> {
    return this.store.peek(`quota:${allocationId}:${this.monthOf(at).key}`);
  }

  /** Month boundaries take Intl work to compute; they change once a month. */
  private monthOf(at: Date): MonthWindow {
    const t = at.getTime();
    if (!this.month || t < this.month.start.getTime() || t >= this.month.end.getTime()) this.month = monthWindow(at, this.config.timeZone);
    return this.month;
  }

  /** The ledger's successful and partial usage of the month so far (a process's counters start from it). */
  private async usedThisMonth(allocationId: string, start: Date, end: Date): Promise<Amount> {
    const [row] = await this.dataSource.query<{ tokens: string | null; cost: string | null }[]>(
      `SELECT sum(total_tokens)::text AS tokens, sum(cost_micros)::text AS cost FROM call_records
        WHERE allocation_id = $1 AND started_at >= $2 AND started_at < $3`,
      [allocationId, start, end],
    );
    return { tokens: BigInt(row?.tokens ?? '0'), costPico: microsToPico(row?.cost ?? null) };
  }
}
