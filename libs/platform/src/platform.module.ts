import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from './config';
import { Keyring, KeyringService, type SecretColumn } from './crypto';
import { buildDataSourceOptions, type DataSourceParts } from './database';

/** Injection token of the validated `AppConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

export interface PlatformParts extends DataSourceParts {
  config: AppConfig;
  keyring: Keyring;
  secretColumns: SecretColumn[];
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
        { provide: KeyringService, useValue: new KeyringService(parts.keyring, parts.secretColumns) },
      ],
      exports: [APP_CONFIG, KeyringService, TypeOrmModule],
    };
  }
}
