import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ApiErrorBody } from '@allot/contracts';
import { DomainError } from '@allot/platform';

/** The admin surface's error shape `{statusCode, code, message}`; unknown errors are 500 and logged with the request id. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    /** `/v1` speaks the provider wires, not the admin shape. */
    private readonly gatewayFilter: ExceptionFilter,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    if (req.path === '/v1' || req.path.startsWith('/v1/')) return this.gatewayFilter.catch(error, host);
    let body: ApiErrorBody;
    if (error instanceof DomainError) {
      body = { statusCode: error.status, code: error.code, message: error.message };
    } else if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
      body = { statusCode: status, code: codeForStatus(status, error), message };
    } else if (isClientHttpError(error)) {
      // Express body-parser failures (oversize body, malformed JSON) carry their own 4xx status.
      body = {
        statusCode: error.status,
        code: error.status === 413 ? 'payload_too_large' : error.type === 'entity.parse.failed' ? 'invalid_json' : 'bad_request',
        message: error.status === 413 ? 'The request body is larger than the configured limit.' : error.message,
      };
    } else {
      this.logger.error({ err: error, requestId: res.getHeader('x-request-id'), path: req.path }, 'unhandled error');
      body = { statusCode: 500, code: 'internal_error', message: 'Internal error; the request id identifies it in the logs.' };
    }
    res.status(body.statusCode).json(body);
  }
}

function isClientHttpError(error: unknown): error is { status: number; type?: string; message: string } {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && (error as { expose?: boolean }).expose === true;
}

function codeForStatus(status: number, error: HttpException): string {
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  // Nest wraps body-parser's JSON failure in a 400 whose cause (or message) is the SyntaxError.
  const cause = error.cause;
  if (status === 400 && (cause instanceof SyntaxError || error.getResponse() instanceof SyntaxError || /JSON/.test(error.message))) {
    return 'invalid_json';
  }
  return status >= 500 ? 'internal_error' : 'bad_request';
}
