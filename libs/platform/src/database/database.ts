import { randomUUID } from 'node:crypto';
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

/** How long a crashed migrator's lock blocks others before it is taken over. */
const STALE_LOCK_MS = 15 * 60_000;
const LOCK_POLL_MS = 100;

export interface MigrationRun {
  applied: string[];
}

/** Runs pending migrations under the migration lock, each in its own transaction. */
export async function runMigrationsLocked(dataSource: DataSource): Promise<MigrationRun> {
  return withMigrationLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { applied: applied.map((m) => m.name) };
  });
}

/** Reverts the last `steps` migrations under the same lock. */
export async function revertMigrationsLocked(dataSource: DataSource, steps: number): Promise<string[]> {
  return withMigrationLock(dataSource, async () => {
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

/**
 * A lock row rather than `pg_advisory_lock`: on the embedded engine every connection shares one PostgreSQL session,
 * so session-level advisory locks are re-entrant there and would let two migrators through. A row inserted with
 * ON CONFLICT DO NOTHING is a mutex on both engines, holds no transaction open (which would stall the embedded
 * engine), and a crashed holder's row goes stale and is taken over.
 */
async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations_lock (id smallint PRIMARY KEY CHECK (id = 1), holder text NOT NULL, acquired_at timestamptz NOT NULL DEFAULT now())`,
  );
  const holder = `${process.pid}:${randomUUID()}`;
  const deadline = Date.now() + STALE_LOCK_MS + 60_000;
  for (;;) {
    await dataSource.query(`DELETE FROM schema_migrations_lock WHERE acquired_at < now() - ($1 || ' milliseconds')::interval`, [
      STALE_LOCK_MS,
    ]);
    const won = await dataSource.query<unknown[]>(
      `INSERT INTO schema_migrations_lock (id, holder) VALUES (1, $1) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [holder],
    );
    if (won.length === 1) break;
    if (Date.now() > deadline) throw new Error('timed out waiting for another process to finish migrating');
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
  try {
    return await work();
  } finally {
    await dataSource.query(`DELETE FROM schema_migrations_lock WHERE holder = $1`, [holder]);
  }
}
