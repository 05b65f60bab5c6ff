import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { CallOutcome } from '@allot/contracts';
import { APP_LOGGER } from '@allot/platform';
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

type Column = [name: string, type: string, read: (r: CallRecordInput) => unknown];
/** The call_records columns the writer fills, their SQL types, and where each value comes from. */
const COLUMNS: Column[] = [
  ['request_id', 'varchar', (r) => r.requestId],
  ['started_at', 'timestamptz', (r) => r.startedAt],
  ['finished_at', 'timestamptz', (r) => r.finishedAt],
  ['first_byte_ms', 'integer', (r) => r.firstByteMs],
  ['duration_ms', 'integer', (r) => r.finishedAt.getTime() - r.startedAt.getTime()],
  ['member_id', 'uuid', (r) => r.memberId ?? null],
  ['allocation_id', 'uuid', (r) => r.allocationId ?? null],
  ['key_id', 'uuid', (r) => r.keyId ?? null],
  ['model_id', 'uuid', (r) => r.modelId ?? null],
  ['requested_model', 'varchar', (r) => r.requestedModel?.slice(0, 200) ?? null],
  ['provider_id', 'uuid', (r) => r.providerId ?? null],
  ['credential_id', 'uuid', (r) => r.credentialId ?? null],
  ['endpoint', 'varchar', (r) => r.endpoint.slice(0, 64)],
  ['stream', 'boolean', (r) => r.stream],
  ['status_code', 'smallint', (r) => r.statusCode],
  ['outcome', 'varchar', (r) => r.outcome],
  ['error_code', 'varchar', (r) => r.errorCode?.slice(0, 64) ?? null],
  ['error_message', 'varchar', (r) => r.errorMessage?.slice(0, 1000) ?? null],
  ['input_tokens', 'bigint', (r) => r.usage.inputTokens],
  ['cached_input_tokens', 'bigint', (r) => r.usage.cachedInputTokens],
  ['cache_write_tokens', 'bigint', (r) => r.usage.cacheWriteTokens],
  ['cache_write_1h_tokens', 'bigint', (r) => r.usage.cacheWrite1hTokens],
  ['output_tokens', 'bigint', (r) => r.usage.outputTokens],
  ['reasoning_tokens', 'bigint', (r) => r.usage.reasoningTokens],
  ['total_tokens', 'bigint', (r) => totalTokens(r.usage)],
  ['cost_micros', 'numeric', (r) => r.costMicros],
  ['price_version_id', 'uuid', (r) => r.priceVersionId],
  ['client_ip', 'varchar', (r) => r.clientIp?.slice(0, 64) ?? null],
  ['user_agent', 'varchar', (r) => r.userAgent?.slice(0, 500) ?? null],
];

/**
 * One statement per batch, the batch as one JSON parameter: an array of rows, each an array of column values.
 */
const INSERT_SQL =
  `INSERT INTO call_records (${COLUMNS.map(([name]) => name).join(', ')}) ` +
  `SELECT ${COLUMNS.map(([, type], i) => `(row->>${i})::${type}`).join(', ')} FROM json_array_elements($1::json) AS row ` +
  `ON CONFLICT (request_id) DO NOTHING`;
const FLUSH_INTERVAL_MS = 200;

/**
 * Writes call records off the request path: queued in memory, inserted in multi-row batches on an interval, on
 * size and at shutdown. Idempotent by request id (ON CONFLICT DO NOTHING), so a retried flush cannot double-bill.
 * Each record is queued already serialized (one JSON row, by the native `JSON.stringify`): a queued record is one
 * string for the garbage collector to move rather than an object graph, and a flush only joins strings, so neither
 * the young-generation collections nor the flush pause the requests in flight for long.
 */
@Injectable()
export class LedgerWriter implements OnApplicationShutdown {
  private queue: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /** Queues the record; at debug level each call is also one log line (ids, outcome, tokens, cost; never content). */
  record(input: CallRecordInput): void {
    this.queue.push(JSON.stringify(COLUMNS.map(([, , read]) => read(input))));
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ call: callLogFields(input) }, 'call');
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

  private async insert(batch: string[]): Promise<void> {
    try {
      await this.dataSource.query(INSERT_SQL, [`[${batch.join(',')}]`]);
    } catch (error) {
      // The database is unavailable: keep the records and try again shortly rather than lose billing data.
      this.logger.warn({ err: error, records: batch.length }, 'could not write call records; retrying in 1 s');
      this.queue.unshift(...batch);
      this.timer ??= setTimeout(() => void this.flush(), 1000);
    }
  }
}

function callLogFields(r: CallRecordInput) {
  return {
    requestId: r.requestId,
    endpoint: r.endpoint,
    stream: r.stream,
    status: r.statusCode,
    outcome: r.outcome,
    errorCode: r.errorCode ?? undefined,
    memberId: r.memberId ?? undefined,
    keyId: r.keyId ?? undefined,
    allocationId: r.allocationId ?? undefined,
    model: r.requestedModel ?? undefined,
    credentialId: r.credentialId ?? undefined,
    ms: r.finishedAt.getTime() - r.startedAt.getTime(),
    firstByteMs: r.firstByteMs ?? undefined,
    tokens: r.usage,
    costMicros: r.costMicros ?? undefined,
  };
}
