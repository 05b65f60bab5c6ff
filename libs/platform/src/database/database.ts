import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { openEmbeddedDatabase, type DatabaseHandle } from './embedded-database';

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else the embedded engine. */
export async function openDatabase(config: AppConfig['database']): Promise<DatabaseHandle> {
  if (config.mode === 'postgres') return { url: config.url, mode: 'postgres', close: async () => undefined };
  return openEmbeddedDatabase(config.dataDir);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Constructor = Function;

export interface DataSourceParts {
  url: string;
  poolSize: number;
  entities: MixedList<Constructor | string | EntitySchema>;
  migrations: Constructor[];
}

/** The single data-source definition shared by the app, the CLI and the tests. */
export function buildDataSourceOptions(parts: DataSourceParts): DataSourceOptions {
  return {
    type: 'postgres',
    url: parts.url,
    entities: parts.entities,
    migrations: parts.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite; uuid-ossp is not available on PGlite.
    uuidExtension: 'pgcrypto',
    poolSize: parts.poolSize,
    logging: false,
    extra: { application_name: 'allot', connectionTimeoutMillis: 10_000 },
  };
}

/** Arbitrary but fixed: every Allot process agrees on it so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 4_207_311_001;

export interface MigrationRun {
  applied: string[];
}

/** Runs pending migrations under a PostgreSQL advisory lock, each in its own transaction. */
export async function runMigrationsLocked(dataSource: DataSource): Promise<MigrationRun> {
  return withAdvisoryLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { applied: applied.map((m) => m.name) };
  });
}

/** Reverts the last `steps` migrations under the same lock. */
export async function revertMigrationsLocked(dataSource: DataSource, steps: number): Promise<string[]> {
  return withAdvisoryLock(dataSource, async () => {
    const reverted: string[] = [];
    for (let i = 0; i < steps; i++) {
      const executed = await dataSource.query<{ name: string }[]>(
        `SELECT name FROM schema_migrations ORDER BY "timestamp" DESC, id DESC LIMIT 1`,
      );
      if (executed.length === 0) break;
      await dataSource.undoLastMigration({ transaction: 'each' });
      reverted.push(executed[0]!.name);
    }
    return reverted;
  });
}

/** Names of migrations that are known to the code but not applied to the database. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const executed = new Set(await executedMigrationNames(dataSource));
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !executed.has(name));
}

async function executedMigrationNames(dataSource: DataSource): Promise<string[]> {
  const exists = await dataSource.query<{ present: boolean }[]>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (!exists[0]?.present) return [];
  const rows = await dataSource.query<{ name: string }[]>(`SELECT name FROM schema_migrations`);
  return rows.map((r) => r.name);
}

async function withAdvisoryLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  // Session-level lock on one dedicated connection, held while the migrations run on others.
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock($1)`, [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock($1)`, [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
