import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { LedgerWriter } from '@allot/billing';
import { AdminBootstrapService } from '@allot/identity';
import { OpenAiExceptionFilter } from '@allot/proxy';
import type { AppConfig } from '@allot/platform';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { consoleHandlers } from './http/console-static';
import { requestId } from './http/request-id';
import { openHttpRuntime } from './runtime';

export interface StartedServer {
  url: string;
  /** The Nest application, for tests that need a service (e.g. to flush the ledger). */
  app: Awaited<ReturnType<typeof openHttpRuntime>>['app'];
  port: number;
  firstAdminLink?: string;
  stop(): Promise<void>;
}

/** Starts the gateway and console: migrations, keyring check, first-admin link, then listening. */
export async function startServer(config: AppConfig, logger: Logger): Promise<StartedServer> {
  const runtime = await openHttpRuntime(config, logger, { migrate: config.migrateOnStart, verifyKeyring: true });
  const { app } = runtime;
  try {
    app.disable('x-powered-by');
    app.use(requestId);
    app.useBodyParser('json', { limit: config.http.bodyLimitBytes });
    app.useGlobalFilters(new ApiExceptionFilter(logger, new OpenAiExceptionFilter(app.get(LedgerWriter), logger)));
    const consoleDir = config.consoleDir ?? resolve('dist/console/browser');
    const { handlers, available } = consoleHandlers(consoleDir);
    if (!available) logger.warn({ consoleDir }, 'console not built; serving the API only');
    for (const handler of handlers) app.use(handler);

    const invitation = await app.get(AdminBootstrapService).ensureFirstAdmin(config.bootstrapAdmin);
    await app.listen(config.http.port, config.http.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const url = config.http.publicUrl.replace(/:\d+$/, `:${port}`);
    return {
      url,
      app,
      port,
      ...(invitation ? { firstAdminLink: invitation.url.replace(config.http.publicUrl, url) } : {}),
      stop: () => runtime.close(),
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
