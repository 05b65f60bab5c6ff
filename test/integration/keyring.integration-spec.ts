import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyringError, KeyringService } from '@allot/platform';
import { OrgConfigService } from '../../apps/gateway/src/org-config/org-config.service';
import { FIXTURE_PROVIDER_ENV, KEYRING_ENTRIES } from '../support/canary-secrets';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cli, openTestRuntime, testEnv } from '../support/test-runtime';

const fixture = readFileSync(join(__dirname, '../fixtures/org.yaml'), 'utf8');
const SECRETS = FIXTURE_PROVIDER_ENV;

describe('keyring against stored data', () => {
  let db: TestDatabase;
  const keyA = KEYRING_ENTRIES.a;
  const keyB = KEYRING_ENTRIES.b;
  const envWith = (keys: string) => testEnv(db, { ALLOT_ENCRYPTION_KEYS: keys });

  const startupError = async (keys: string) => {
    try {
      const runtime = await openTestRuntime(envWith(keys));
      await runtime.close();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const runtime = await openTestRuntime(envWith(keyA));
    await runtime.app.get(OrgConfigService).apply('org.yaml', fixture, SECRETS);
    const canaries = await runtime.dataSource.query(`SELECT key_id FROM encryption_canaries`);
    expect(canaries).toEqual([{ key_id: 'a' }]);
    await runtime.close();
  });
  afterAll(() => db?.close());

  it('should fail fast when a key id is configured with different key material', async () => {
    const error = await startupError(KEYRING_ENTRIES.aOther);
    expect(error).toBeInstanceOf(KeyringError);
    expect((error as KeyringError).code).toBe('decrypt_failed');
    expect((error as Error).message).toMatch(/key "a" .* is not the key that encrypted the stored data/);
  });

  it('should fail fast when stored secrets use a key that is not configured', async () => {
    const error = await startupError(keyB);
    expect((error as KeyringError).code).toBe('key_unknown');
    expect((error as Error).message).toMatch(/3 secret\(s\) in provider_credentials are encrypted with key "a"/);
  });

  it('should rotate: new active key, rekey, then retire the old key', async () => {
    const rotated = await cli(envWith(`${keyB},${keyA}`), 'rekey');
    expect(rotated).toMatchObject({ code: 0 });
    expect(rotated.stdout).toBe('provider_credentials: 3 secret(s) re-encrypted under key "b"');
    expect((await cli(envWith(`${keyB},${keyA}`), 'rekey')).stdout).toBe('provider_credentials: 0 secret(s) re-encrypted under key "b"');

    const runtime = await openTestRuntime(envWith(keyB));
    try {
      const rows = await runtime.dataSource.query<{ id: string; secret_ciphertext: string; secret_key_id: string; secret_env: string }[]>(
        `SELECT id, secret_ciphertext, secret_key_id, secret_env FROM provider_credentials`,
      );
      const keyring = runtime.app.get(KeyringService);
      for (const row of rows) {
        expect(row.secret_key_id).toBe('b');
        expect(keyring.decryptSecret(row.secret_ciphertext, `provider_credentials:${row.id}`)).toBe(
          SECRETS[row.secret_env as keyof typeof SECRETS],
        );
      }
    } finally {
      await runtime.close();
    }
  });

  it('should refuse to start without a key when the database is PostgreSQL', async () => {
    const env = testEnv(db);
    delete (env as Record<string, string | undefined>).ALLOT_ENCRYPTION_KEYS;
    const result = await cli(env, 'migrate', '--status');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/keyring_missing: ALLOT_ENCRYPTION_KEYS is required when DATABASE_URL is set/);
  });

  it('should refuse a malformed key with a message naming the variable', async () => {
    const result = await cli(envWith('a:not-a-key'), 'migrate', '--status');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/keyring_malformed: ALLOT_ENCRYPTION_KEYS entry 1 \("a"\)/);
  });
});
