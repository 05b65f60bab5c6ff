import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@allot/migrations';
import {
  ChangeBus,
  KeyringService,
  loadKeyring,
  NestPinoLogger,
  openDatabase,
  runMigrationsLocked,
  type AppConfig,
  type DatabaseHandle,
  type PlatformParts,
} from '@allot/platform';
import { AppModule } from './app.module';
import { ExpressHttpAdapter } from './http/express-http-adapter';
import { ALL_ENTITIES } from './database/entities';
import { SECRET_COLUMNS } from './database/secret-columns';

export interface RuntimeOptions {
  /** Run pending migrations before anything else touches the database (`npm start`, `cli migrate`). */
  migrate: boolean;
  /** Check the keyring against stored data (skipped only by commands that do not read secrets). */
  verifyKeyring: boolean;
}

export interface Runtime<T extends INestApplicationContext> {
  app: T;
  database: DatabaseHandle;
  dataSource: DataSource;
  migrationsApplied: string[];
  close(): Promise<void>;
}

/** Everything the app and the CLI share: database, keyring, Nest container, migrations and the keyring check. */
async function open<T extends INestApplicationContext>(
  config: AppConfig,
  logger: Logger,
  options: RuntimeOptions,
  create: (module: ReturnType<typeof AppModule.forRoot>) => Promise<T>,
): Promise<Runtime<T>> {
  const keyring = loadKeyring(config, (message) => logger.warn(message));
  const database = await openDatabase(config.database);
  if (database.mode === 'embedded-owner') logger.info({ dataDir: config.dataDir }, 'embedded database started');
  const parts: PlatformParts = {
    config,
    keyring,
    secretColumns: SECRET_COLUMNS,
    url: database.url,
    poolSize: config.database.poolSize,
    entities: ALL_ENTITIES,
    migrations: MIGRATIONS,
    embedded: database.mode !== 'postgres',
    logger,
  };
  let app: T | undefined;
  try {
    app = await create(AppModule.forRoot(parts));
    const dataSource = app.get(DataSource);
    const { applied } = options.migrate ? await runMigrationsLocked(dataSource) : { applied: [] };
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    if (options.verifyKeyring) await app.get(KeyringService).verifyAgainst(dataSource);
    const bus = app.get(ChangeBus);
    await bus.start();
    const opened = app;
    return {
      app: opened,
      database,
      dataSource,
      migrationsApplied: applied,
      close: async () => {
        await opened.close();
        await bus.stop();
        await database.close();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.close();
    throw error;
  }
}

export function openHttpRuntime(config: AppConfig, logger: Logger, options: RuntimeOptions) {
  return open(config, logger, options, (module) =>
    NestFactory.create<NestExpressApplication>(module, new ExpressHttpAdapter(), {
      logger: new NestPinoLogger(logger),
      bodyParser: false,
      abortOnError: false,
    }),
  );
}

export function openCliRuntime(config: AppConfig, logger: Logger, options: RuntimeOptions) {
  return open(config, logger, options, (module) =>
    NestFactory.createApplicationContext(module, { logger: new NestPinoLogger(logger), abortOnError: false }),
  );
}
