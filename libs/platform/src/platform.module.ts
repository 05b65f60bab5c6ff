import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { ChangeBus } from './bus/change-bus';
import type { AppConfig } from './config';
import { Keyring, KeyringService, type SecretColumn } from './crypto';
import { buildDataSourceOptions, type DataSourceParts } from './database';

/** Injection token of the validated `AppConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');
/** Injection token of the process's pino logger (structured lines with redaction). */
export const APP_LOGGER = Symbol('APP_LOGGER');

export interface PlatformParts extends DataSourceParts {
  config: AppConfig;
  keyring: Keyring;
  secretColumns: SecretColumn[];
  /** True when the database is the embedded engine (one process: the change bus stays in-process). */
  embedded: boolean;
  logger: Logger;
}

/** Config, database and keyring for every other module; built once by the composition root. */
@Module({})
export class PlatformModule {
  static forRoot(parts: PlatformParts): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [TypeOrmModule.forRoot(buildDataSourceOptions(parts))],
      providers: [
        { provide: APP_CONFIG, useValue: parts.config },
        { provide: APP_LOGGER, useValue: parts.logger },
        { provide: KeyringService, useValue: new KeyringService(parts.keyring, parts.secretColumns) },
        {
          provide: ChangeBus,
          useValue: ChangeBus.create({
            databaseUrl: parts.url,
            embedded: parts.embedded,
            redisUrl: parts.config.redisUrl,
            logger: parts.logger,
          }),
        },
      ],
      exports: [APP_CONFIG, APP_LOGGER, KeyringService, ChangeBus, TypeOrmModule],
    };
  }
}
