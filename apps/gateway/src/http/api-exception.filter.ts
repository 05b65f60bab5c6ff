import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ApiErrorBody } from '@allot/contracts';
import { DomainError } from '@allot/platform';

/** The admin surface's error shape `{statusCode, code, message}`; unknown errors are 500 and logged with the request id. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    let body: ApiErrorBody;
    if (error instanceof DomainError) {
      body = { statusCode: error.status, code: error.code, message: error.message };
    } else if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
      body = { statusCode: status, code: status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'bad_request', message };
    } else {
      this.logger.error({ err: error, requestId: res.getHeader('x-request-id'), path: req.path }, 'unhandled error');
      body = { statusCode: 500, code: 'internal_error', message: 'Internal error; the request id identifies it in the logs.' };
    }
    res.status(body.statusCode).json(body);
  }
}
