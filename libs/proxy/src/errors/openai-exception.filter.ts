import { randomUUID } from 'node:crypto';
import { ArgumentsHost, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { LedgerWriter, ZERO_USAGE } from '@allot/billing';
import { GatewayError, GatewayErrors } from './gateway-error';
import { sendResponsesFailure } from '../relay/stream-protocols';
import { anthropicErrorBody } from './anthropic-error-body';
import { openAiErrorBody } from './openai-error-body';

/**
 * `/v1` errors in the caller's wire: OpenAI's shape `{"error":{message,type,param,code}}`, or Anthropic's
 * `{"type":"error","error":{type,message}}` on `/v1/messages`; and one ledger record per rejected call,
 * attributed as far as preflight got (key, member, allocation).
 */
export class OpenAiExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly ledger: LedgerWriter,
    private readonly logger: Logger,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const failure = this.toGatewayError(error, res);
    const ctx = req.allot;
    const stream = (req.body as { stream?: unknown } | undefined)?.stream === true;
    const asEvent = ctx?.endpoint === 'responses' && stream && failure.code === 'insufficient_quota' && !res.headersSent;
    if (asEvent) {
      // Codex stops with "Quota exceeded" on this event; on a 429 it would wait out the Retry-After (the quota's
      // reset, days away) before retrying.
      sendResponsesFailure(res, ctx.requestId, ctx.requestedModel, { code: failure.code, message: failure.message });
    } else {
      if (failure.extra.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(failure.extra.retryAfterSeconds));
      const anthropicWire = req.path === '/v1/messages' || req.path.startsWith('/v1/messages/');
      if (!res.headersSent) res.status(failure.status).json(anthropicWire ? anthropicErrorBody(failure) : openAiErrorBody(failure));
    }
    // Refused after its quota was reserved (e.g. no credential): give the reservation back.
    ctx?.admission?.settle(ZERO_USAGE, null).catch(() => undefined);
    const requestId = String(res.getHeader('x-request-id') ?? randomUUID());
    this.ledger.record({
      requestId: ctx?.requestId ?? requestId,
      startedAt: ctx?.startedAt ?? new Date(),
      finishedAt: new Date(),
      firstByteMs: null,
      endpoint: ctx?.endpoint ?? req.path.slice(0, 64),
      stream,
      statusCode: asEvent ? 200 : failure.status,
      outcome: failure.outcome,
      errorCode: failure.code,
      errorMessage: failure.message,
      memberId: ctx?.key?.memberId ?? null,
      keyId: ctx?.key?.keyId ?? null,
      allocationId: ctx?.allocation?.allocationId ?? null,
      modelId: ctx?.allocation?.modelId ?? null,
      requestedModel: ctx?.requestedModel ?? null,
      providerId: ctx?.route?.provider.id ?? null,
      credentialId: ctx?.credential?.id ?? null,
      usage: ZERO_USAGE,
      costMicros: null,
      priceVersionId: null,
      clientIp: req.ip ?? null,
      userAgent: req.headers['user-agent'] ?? null,
    });
  }

  private toGatewayError(error: unknown, res: Response): GatewayError {
    if (error instanceof GatewayError) return error;
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status === 404) return GatewayErrors.unknownEndpoint();
      if (status === 413) return GatewayErrors.bodyTooLarge();
      return GatewayErrors.invalidBody(status === 400 ? 'The request body is not valid JSON.' : error.message);
    }
    const status = (error as { status?: unknown } | null)?.status;
    if (status === 413) return GatewayErrors.bodyTooLarge();
    if (typeof status === 'number' && status >= 400 && status < 500)
      return GatewayErrors.invalidBody('The request body is not valid JSON.');
    this.logger.error({ err: error, requestId: res.getHeader('x-request-id') }, 'unhandled error on /v1');
    return new GatewayError(
      500,
      'api_error',
      'internal_error',
      'Internal error; the request id identifies it in the logs.',
      'gateway_error',
    );
  }
}
