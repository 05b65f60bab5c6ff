import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '@allot/migrations';
import { pendingMigrations, revertMigrationsLocked, runMigrationsLocked } from '@allot/platform';
import { createTestDatabase, testDataSource, type TestDatabase } from '../support/test-database';

const userTables = async (ds: DataSource) =>
  (
    await ds.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
  ).map((r) => r.table_name);

describe('migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await testDataSource(db.url).initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.close();
  });

  it('should apply every migration on an empty database and leave none pending', async () => {
    const { applied } = await runMigrationsLocked(ds);
    expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await pendingMigrations(ds)).toEqual([]);
    expect(await userTables(ds)).toEqual(
      [
        'allocations',
        'api_key_allocations',
        'api_keys',
        'audit_events',
        'call_records',
        'encryption_canaries',
        'invitations',
        'member_tags',
        'members',
        'models',
        'price_versions',
        'provider_credentials',
        'providers',
        'schema_migrations',
        'schema_migrations_lock',
        'stored_responses',
        'tags',
      ].sort(),
    );
  });

  it('should match the entities exactly (no schema drift)', async () => {
    const drift = await ds.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should store token counts and money as BIGINT, never INT4 or float', async () => {
    const rows = await ds.query<{ table_name: string; column_name: string; data_type: string }[]>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND (column_name LIKE '%tokens%' OR column_name LIKE '%micros%' OR column_name LIKE 'quota_%') AND column_name <> 'max_output_tokens'`,
    );
    const numeric = rows.filter((r) => r.data_type !== 'boolean');
    expect(numeric.length).toBeGreaterThanOrEqual(14);
    const offenders = numeric.filter((r) => r.data_type !== (r.column_name === 'cost_micros' ? 'numeric' : 'bigint'));
    expect(offenders).toEqual([]);
  });

  it('should revert every migration down to an empty schema and apply them again', async () => {
    const reverted = await revertMigrationsLocked(ds, MIGRATIONS.length);
    expect(reverted).toEqual(MIGRATIONS.map((m) => m.name).reverse());
    expect(await userTables(ds)).toEqual(['schema_migrations', 'schema_migrations_lock']);
    expect(await pendingMigrations(ds)).toEqual(MIGRATIONS.map((m) => m.name));
    const { applied } = await runMigrationsLocked(ds);
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect((await ds.driver.createSchemaBuilder().log()).upQueries).toHaveLength(0);
  });

  it('should apply each migration once when several processes migrate at the same time', async () => {
    await revertMigrationsLocked(ds, MIGRATIONS.length);
    const others = await Promise.all([1, 2, 3].map(() => testDataSource(db.url).initialize()));
    try {
      const runs = await Promise.all(others.map((other) => runMigrationsLocked(other)));
      expect(runs.flatMap((r) => r.applied).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
      const rows = await ds.query<{ name: string }[]>(`SELECT name FROM schema_migrations`);
      expect(rows).toHaveLength(MIGRATIONS.length);
    } finally {
      await Promise.all(others.map((o) => o.destroy()));
    }
  });
});
