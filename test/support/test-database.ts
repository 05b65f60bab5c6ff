import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@allot/migrations';
import { buildDataSourceOptions, openMemoryDatabase } from '@allot/platform';
import { ALL_ENTITIES } from '../../apps/gateway/src/database/entities';

/**
 * A private, empty database for one test file.
 * - Default: the embedded engine in memory (PGlite), started from a cached initdb image so it takes ~1 s, not ~5 s.
 * - `TEST_DATABASE_URL=postgres://…` (CI's second pass): a fresh database created on that server and dropped after.
 */
export interface TestDatabase {
  url: string;
  engine: 'embedded' | 'postgres';
  close(): Promise<void>;
}

const TEMPLATE = join(tmpdir(), 'allot-pglite-0.5.14-template.tar');

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  if (server) return createPostgresDatabase(server);
  const template = existsSync(TEMPLATE) ? new Blob([readFileSync(TEMPLATE)]) : undefined;
  const db = await openMemoryDatabase(template);
  if (!template) {
    const dump = await db.db.dumpDataDir('none');
    const partial = `${TEMPLATE}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, TEMPLATE); // atomic: parallel workers never read a half-written image
  }
  return { url: db.url, engine: 'embedded', close: () => db.close() };
}

async function createPostgresDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `allot_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    engine: 'postgres',
    close: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A TypeORM data source on a test database, with every entity and migration registered. */
export function testDataSource(url: string): DataSource {
  return new DataSource(buildDataSourceOptions({ url, poolSize: 4, entities: ALL_ENTITIES, migrations: MIGRATIONS }));
}
