import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { APP_LOGGER } from '@allot/platform';
import { StoredResponseEntity } from './stored-response.entity';

/** How long a provider keeps a stored response (OpenAI's default retention), and so how long the gateway routes it. */
export const STORED_RESPONSE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const REMEMBER_SQL =
  'INSERT INTO stored_responses (response_id, member_id, allocation_id, model_id, provider_id, credential_id, expires_at) ' +
  'VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (response_id) DO NOTHING';

export type StoredResponse = Pick<
  StoredResponseEntity,
  'responseId' | 'memberId' | 'allocationId' | 'modelId' | 'providerId' | 'credentialId' | 'expiresAt'
>;

/** Which member, allocation and credential own each stored response; expired rows are swept hourly. */
@Injectable()
export class StoredResponses implements OnModuleInit, OnApplicationShutdown {
  private sweeper: NodeJS.Timeout | undefined;
  /**
   * Rows being written. The client has its answer before its row is in the database, and a client that chains at
   * once (`previous_response_id` in the very next call) must find it: this process answers from here meanwhile.
   */
  private readonly writing = new Map<string, { row: StoredResponse; write: Promise<unknown> }>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweepExpired().catch(() => undefined), SWEEP_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Remembers a response the provider stored; a replayed id keeps its first owner. Every Responses call that does
   * not opt out of `store` lands here, so it is one prepared statement rather than a query built per call.
   */
  async remember(row: Omit<StoredResponse, 'expiresAt'>): Promise<void> {
    if (this.writing.has(row.responseId)) return; // the first owner's row is on its way
    const stored: StoredResponse = { ...row, expiresAt: new Date(Date.now() + STORED_RESPONSE_TTL_MS) };
    const write = this.dataSource
      .query(REMEMBER_SQL, [
        row.responseId,
        row.memberId,
        row.allocationId,
        row.modelId,
        row.providerId,
        row.credentialId,
        stored.expiresAt,
      ])
      .finally(() => this.writing.delete(row.responseId));
    this.writing.set(row.responseId, { row: stored, write });
    await write;
  }

  /** The live row for a response id (an expired row counts as gone). */
  async find(responseId: string): Promise<StoredResponse | undefined> {
    const row = this.writing.get(responseId)?.row ?? (await this.dataSource.getRepository(StoredResponseEntity).findOneBy({ responseId }));
    return row && row.expiresAt.getTime() > Date.now() ? row : undefined;
  }

  async forget(responseId: string): Promise<void> {
    await this.writing.get(responseId)?.write.catch(() => undefined); // else the row could land after its deletion
    await this.dataSource.getRepository(StoredResponseEntity).delete({ responseId });
  }

  async sweepExpired(): Promise<number> {
    const result = await this.dataSource.createQueryBuilder().delete().from(StoredResponseEntity).where('expires_at <= now()').execute();
    if (result.affected) this.logger.info({ removed: result.affected }, 'expired stored responses removed');
    return result.affected ?? 0;
  }
}
