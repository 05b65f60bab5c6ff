import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CallOutcome } from '@allot/contracts';
import { CallRecordEntity } from './entities/call-record.entity';
import { totalTokens, type NormalizedUsage } from './usage';

/** What the proxy knows about a finished (or rejected) call. */
export interface CallRecordInput {
  requestId: string;
  startedAt: Date;
  finishedAt: Date;
  firstByteMs: number | null;
  endpoint: string;
  stream: boolean;
  statusCode: number;
  outcome: CallOutcome;
  errorCode?: string | null;
  errorMessage?: string | null;
  memberId?: string | null;
  allocationId?: string | null;
  keyId?: string | null;
  modelId?: string | null;
  requestedModel?: string | null;
  providerId?: string | null;
  credentialId?: string | null;
  usage: NormalizedUsage;
  costMicros: string | null;
  priceVersionId: string | null;
  clientIp?: string | null;
  userAgent?: string | null;
}

const BATCH_SIZE = 500;
const FLUSH_INTERVAL_MS = 200;

/**
 * Writes call records off the request path: queued in memory, inserted in multi-row batches on an interval, on
 * size and at shutdown. Idempotent by request id (ON CONFLICT DO NOTHING), so a retried flush cannot double-bill.
 */
@Injectable()
export class LedgerWriter implements OnApplicationShutdown {
  private queue: CallRecordInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  record(input: CallRecordInput): void {
    this.queue.push(input);
    if (this.queue.length >= BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes everything queued so far; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(() => (batch.length > 0 ? this.insert(batch) : undefined));
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async insert(batch: CallRecordInput[]): Promise<void> {
    const rows = batch.map((r) => ({
      requestId: r.requestId,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      firstByteMs: r.firstByteMs,
      durationMs: r.finishedAt.getTime() - r.startedAt.getTime(),
      memberId: r.memberId ?? null,
      allocationId: r.allocationId ?? null,
      keyId: r.keyId ?? null,
      modelId: r.modelId ?? null,
      requestedModel: r.requestedModel?.slice(0, 200) ?? null,
      providerId: r.providerId ?? null,
      credentialId: r.credentialId ?? null,
      endpoint: r.endpoint,
      stream: r.stream,
      statusCode: r.statusCode,
      outcome: r.outcome,
      errorCode: r.errorCode?.slice(0, 64) ?? null,
      errorMessage: r.errorMessage?.slice(0, 1000) ?? null,
      inputTokens: r.usage.inputTokens,
      cachedInputTokens: r.usage.cachedInputTokens,
      cacheWriteTokens: r.usage.cacheWriteTokens,
      outputTokens: r.usage.outputTokens,
      reasoningTokens: r.usage.reasoningTokens,
      totalTokens: totalTokens(r.usage),
      costMicros: r.costMicros,
      priceVersionId: r.priceVersionId,
      clientIp: r.clientIp?.slice(0, 64) ?? null,
      userAgent: r.userAgent?.slice(0, 500) ?? null,
    }));
    try {
      await this.dataSource.createQueryBuilder().insert().into(CallRecordEntity).values(rows).orIgnore().execute();
    } catch (error) {
      // The database is unavailable: keep the records for the next flush rather than lose billing data.
      this.queue.unshift(...batch);
      this.timer ??= setTimeout(() => void this.flush(), 1000);
      throw error;
    }
  }
}
