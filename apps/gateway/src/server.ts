import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { LedgerWriter } from '@allot/billing';
import { AdminBootstrapService } from '@allot/identity';
import { OpenAiExceptionFilter } from '@allot/proxy';
import type { AppConfig } from '@allot/platform';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { json } from 'express';
import { consoleHandler } from './http/console-static';
import { frontDoor } from './http/front-door';
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
    app.useGlobalFilters(new ApiExceptionFilter(logger, new OpenAiExceptionFilter(app.get(LedgerWriter), logger)));
    const consoleDir = config.consoleDir ?? resolve('dist/console/browser');
    const consoleApp = consoleHandler(consoleDir);
    if (!consoleApp.available) logger.warn({ consoleDir }, 'console not built; serving the API only');
    app.use(frontDoor(json({ limit: config.http.bodyLimitBytes }), consoleApp.handler));

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
