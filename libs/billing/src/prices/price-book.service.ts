import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, ChangeBus, type AppConfig } from '@allot/platform';
import type { NormalizedUsage } from '../ledger/usage';
import { PriceVersionEntity } from './entities/price-version.entity';
import { priceTokens, priceWorstCase } from './pricing';

export interface CallCost {
  /** Exact micro-dollars with six decimals; null = unpriced (unknown, not zero). */
  costMicros: string | null;
  priceVersionId: string | null;
}

/** Price versions by model, cached and reloaded after the cache TTL; a call is priced by the version in force when it started. */
@Injectable()
export class PriceBook {
  private byModel = new Map<string, PriceVersionEntity[]>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    bus: ChangeBus,
  ) {
    bus.on((event) => {
      if (event.topic === 'prices') this.loadedAt = 0;
    });
  }

  cost(modelId: string, usage: NormalizedUsage, startedAt: Date): Promise<CallCost> {
    return this.quote(modelId, startedAt, (price) => priceTokens(usage, price));
  }

  /** The most a call can cost (see {@link priceWorstCase}), for quota reservations. */
  worstCost(modelId: string, inputTokens: number, maxOutputTokens: number, startedAt: Date): Promise<CallCost> {
    return this.quote(modelId, startedAt, (price) => priceWorstCase(inputTokens, maxOutputTokens, price));
  }

  /** The version in force when the call started, priced by `price`; the prices are re-read only past the TTL. */
  private async quote(modelId: string, startedAt: Date, price: (version: PriceVersionEntity) => string | undefined): Promise<CallCost> {
    if (Date.now() - this.loadedAt >= this.config.cacheTtlMs) await this.fresh();
    const inForce = this.inForce(modelId, startedAt);
    if (!inForce || inForce.unit !== 'token') return { costMicros: null, priceVersionId: inForce?.id ?? null };
    return { costMicros: price(inForce) ?? null, priceVersionId: inForce.id };
  }

  private inForce(modelId: string, startedAt: Date): PriceVersionEntity | undefined {
    let inForce: PriceVersionEntity | undefined;
    for (const v of this.byModel.get(modelId) ?? []) if (v.effectiveFrom.getTime() <= startedAt.getTime()) inForce = v;
    return inForce;
  }

  /** Past the TTL the current copy keeps serving while a background read replaces it; only the first load is awaited. */
  private async fresh(): Promise<void> {
    const hadCopy = this.loadedAt > 0;
    this.loading ??= this.dataSource
      .getRepository(PriceVersionEntity)
      .find({ order: { effectiveFrom: 'ASC' } })
      .then((rows) => {
        const map = new Map<string, PriceVersionEntity[]>();
        for (const row of rows) map.set(row.modelId, [...(map.get(row.modelId) ?? []), row]);
        this.byModel = map;
        this.loadedAt = Date.now();
      })
      .finally(() => (this.loading = undefined));
    if (hadCopy) {
      this.loading.catch(() => undefined);
      return;
    }
    await this.loading;
  }
}
