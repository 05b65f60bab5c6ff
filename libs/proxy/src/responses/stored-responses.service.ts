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
    await this.dataSource.query(REMEMBER_SQL, [
      row.responseId,
      row.memberId,
      row.allocationId,
      row.modelId,
      row.providerId,
      row.credentialId,
      new Date(Date.now() + STORED_RESPONSE_TTL_MS),
    ]);
  }

  /** The live row for a response id (an expired row counts as gone). */
  async find(responseId: string): Promise<StoredResponse | undefined> {
    const row = await this.dataSource.getRepository(StoredResponseEntity).findOneBy({ responseId });
    return row && row.expiresAt.getTime() > Date.now() ? row : undefined;
  }

  async forget(responseId: string): Promise<void> {
    await this.dataSource.getRepository(StoredResponseEntity).delete({ responseId });
  }

  async sweepExpired(): Promise<number> {
    const result = await this.dataSource.createQueryBuilder().delete().from(StoredResponseEntity).where('expires_at <= now()').execute();
    if (result.affected) this.logger.info({ removed: result.affected }, 'expired stored responses removed');
    return result.affected ?? 0;
  }
}
